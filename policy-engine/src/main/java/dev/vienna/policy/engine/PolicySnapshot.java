package dev.vienna.policy.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A policy directory as {@link PolicyLoader#read} found it at one moment: each policy file's name and the bytes read
 * from it, once (or why it could not be read), and the version those exact bytes hash to. {@link PolicyLoader#load}
 * parses these bytes and stamps this version, so a decision's policy version always names the content that made it,
 * however the files change on disk meanwhile.
 *
 * @param listingError why the directory could not be listed (null when it was)
 * @param version {@code sha256:} and 16 hex digits over every file's name and bytes (or read error) in name order, and
 *     the listing error if any: the same content gives the same version
 */
public record PolicySnapshot(Path directory, List<File> files, String listingError, String version) {

    public PolicySnapshot {
        files = List.copyOf(files);
    }

    /** One policy file: its bytes as read, or why they could not be read (then {@code bytes} is null). */
    public record File(String name, byte[] bytes, String readError) {
        public File {
            bytes = bytes == null ? null : bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes == null ? null : bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof File f
                    && f.name.equals(name)
                    && Arrays.equals(f.bytes, bytes)
                    && Objects.equals(f.readError, readError);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return name + (bytes == null ? " (" + readError + ")" : " (" + bytes.length + " bytes)");
        }
    }

    static PolicySnapshot of(Path directory, List<File> files, String listingError) {
        return new PolicySnapshot(directory, files, listingError, hash(files, listingError));
    }

    private static String hash(List<File> files, String listingError) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (File file : files) {
                sha.update(file.name().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(
                        file.bytes != null
                                ? file.bytes
                                : ("unreadable: " + file.readError()).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            if (listingError != null) {
                sha.update(("unlisted: " + listingError).getBytes(StandardCharsets.UTF_8));
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
