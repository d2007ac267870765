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
import java.util.ArrayDeque;
import java.util.Deque;
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

    /** {@code dir} and its missing parents, each new one created owner-only; returns {@code dir}. */
    public static Path directory(Path dir) {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        try {
            while (!missing.isEmpty()) {
                Path next = missing.pop();
                try {
                    Files.createDirectory(next, attribute(DIRECTORY));
                } catch (FileAlreadyExistsException e) {
                    // a directory made by someone else meanwhile keeps its own protection; anything else is refused
                    if (!Files.isDirectory(next)) {
                        throw e;
                    }
                }
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
