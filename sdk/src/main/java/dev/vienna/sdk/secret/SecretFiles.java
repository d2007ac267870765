package dev.vienna.sdk.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Keys, passwords and API keys on disk: owner-only from the first byte. A file is created with mode 0600 (a directory
 * 0700) in the same system call that creates it, written under a temporary name and moved into place, so no other user
 * can ever open it, not even half-written, and no reader sees a partial file. Never chmod-ed afterwards. On a file
 * system without POSIX permissions the directory's own protection applies.
 */
public final class SecretFiles {

    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    /** {@code dir} and its missing parents, the new ones owner-only; returns {@code dir}. */
    public static Path directory(Path dir) {
        try {
            Path absolute = dir.toAbsolutePath();
            if (Files.isDirectory(absolute)) {
                return dir;
            }
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
            try {
                Files.createDirectory(absolute, attribute(DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                // made by someone else meanwhile: its protection is its own
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Writes {@code content} to {@code file}, owner-only from its first byte, replacing it atomically. */
    public static Path write(Path file, String content) {
        return write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The same for bytes. */
    public static Path write(Path file, byte[] content) {
        Path parent = file.toAbsolutePath().getParent();
        directory(parent);
        Path partial = parent.resolve("." + file.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            Files.createFile(partial, attribute(FILE));
            Files.write(partial, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secret file " + file, e);
        }
    }

    /** Whether {@code file} can be read by nobody but its owner (always true without POSIX permissions). */
    public static boolean ownerOnly(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.stream()
                    .noneMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
        } catch (UnsupportedOperationException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileAttribute<?>[] attribute(Set<PosixFilePermission> permissions) {
        try {
            if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                return new FileAttribute<?>[0];
            }
        } catch (UnsupportedOperationException e) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    }

    private SecretFiles() {}
}
