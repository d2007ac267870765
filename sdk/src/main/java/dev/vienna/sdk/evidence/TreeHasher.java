package dev.vienna.sdk.evidence;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * RFC 9162 §2.1.1 Merkle tree hashing with SHA-256: a leaf hash is SHA-256(0x00 || data), an interior node hash is
 * SHA-256(0x01 || left || right), the hash of the empty tree is SHA-256 of nothing.
 *
 * <p>One instance reuses one {@link MessageDigest}, so it is <b>not thread-safe</b>: give each thread (each Kafka
 * Streams task, each verifier worker) its own. The {@code into} variants write into a caller's buffer and allocate
 * nothing.
 */
public final class TreeHasher {

    /** Bytes in every hash of the tree. */
    public static final int HASH_SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final byte[] EMPTY_ROOT = newDigest().digest();

    private final MessageDigest digest = newDigest();
    private final byte[] chainHash = new byte[HASH_SIZE];

    /** The root hash of the tree with no leaves: SHA-256 of the empty string. */
    public static byte[] emptyRoot() {
        return EMPTY_ROOT.clone();
    }

    public byte[] leafHash(byte[] data) {
        return leafHash(data, 0, data.length);
    }

    public byte[] leafHash(byte[] data, int offset, int length) {
        byte[] out = new byte[HASH_SIZE];
        leafHashInto(data, offset, length, out, 0);
        return out;
    }

    /** Writes the leaf hash of {@code data[offset, offset+length)} at {@code out[outOffset]}. */
    public void leafHashInto(byte[] data, int offset, int length, byte[] out, int outOffset) {
        digest.update(LEAF_PREFIX);
        digest.update(data, offset, length);
        finish(out, outOffset);
    }

    /**
     * The leaf hash of an audit record: its leaf data is the 32 raw bytes of the record's chain hash, given here as the
     * 64 hex digits the record carries (either case). Decodes without allocating a string or an intermediate array.
     *
     * @throws IllegalArgumentException if {@code hex} is not 64 hex digits
     */
    public byte[] leafHashOfChainHash(CharSequence hex) {
        if (hex.length() != 2 * HASH_SIZE) {
            throw new IllegalArgumentException("a chain hash is 64 hex digits, not " + hex.length() + " characters");
        }
        for (int i = 0; i < HASH_SIZE; i++) {
            int high = Character.digit(hex.charAt(2 * i), 16);
            int low = Character.digit(hex.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("a chain hash is hex digits only; offset " + 2 * i + " is not");
            }
            chainHash[i] = (byte) (high << 4 | low);
        }
        return leafHash(chainHash);
    }

    public byte[] nodeHash(byte[] left, byte[] right) {
        byte[] out = new byte[HASH_SIZE];
        nodeHashInto(left, 0, right, 0, out, 0);
        return out;
    }

    /**
     * Writes the node hash of the 32-byte hashes at {@code left[leftOffset]} and {@code right[rightOffset]} at
     * {@code out[outOffset]}. The output may overlap either input: both are read before it is written.
     */
    public void nodeHashInto(byte[] left, int leftOffset, byte[] right, int rightOffset, byte[] out, int outOffset) {
        digest.update(NODE_PREFIX);
        digest.update(left, leftOffset, HASH_SIZE);
        digest.update(right, rightOffset, HASH_SIZE);
        finish(out, outOffset);
    }

    private void finish(byte[] out, int outOffset) {
        try {
            digest.digest(out, outOffset, HASH_SIZE);
        } catch (DigestException e) {
            throw new IllegalArgumentException("no room for a hash at offset " + outOffset, e);
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
