package dev.vienna.sdk.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret files and their directories are owner-only from the moment they exist. */
class SecretFilesTest {

    @TempDir
    Path root;

    @Test
    void shouldCreateEveryMissingParentOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path dir = root.resolve("a").resolve("b").resolve("c");
        String rootBefore = PosixFilePermissions.toString(Files.getPosixFilePermissions(root));

        assertThat(SecretFiles.directory(dir)).isEqualTo(dir);

        for (Path created : new Path[] {root.resolve("a"), root.resolve("a").resolve("b"), dir}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created)))
                    .as("%s", created)
                    .isEqualTo("rwx------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
                .as("an existing parent is left as it was")
                .isEqualTo(rootBefore);
    }

    @Test
    void shouldWriteAFileOwnerOnlyInNewDirectories() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = root.resolve("keys").resolve("nested").resolve("secret");

        SecretFiles.write(file, "s3cret\n");

        assertThat(Files.readString(file)).isEqualTo("s3cret\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("keys"))))
                .isEqualTo("rwx------");
    }
}
