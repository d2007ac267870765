package dev.vienna.sdk.evidence;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compact state of an append-only RFC 9162 Merkle tree: the roots of its perfect subtrees, one per set bit of the
 * tree size (at most 63 hashes), enough to append the next leaf and to compute the root. Appending costs one leaf plus,
 * on average, one node hash and allocates nothing; {@link #root()} costs one node hash per set bit of the size.
 *
 * <p>Serialized by {@link #toBytes()} as: format byte {@code 0x01}, the tree size as 8 bytes big-endian, then the
 * 32-byte subtree roots from the largest (leftmost) subtree to the smallest: {@code 9 + 32·bitCount(size)} bytes, small
 * enough for a key-value store value per chain.
 *
 * <p>Mutable and <b>not thread-safe</b>; it hashes with the {@link TreeHasher} it was created with.
 */
public final class MerkleFrontier {

    private static final byte FORMAT = 0x01;
    private static final int HEADER_BYTES = 1 + Long.BYTES;
    private static final int MAX_LEVELS = 63;
    private static final int HASH = TreeHasher.HASH_SIZE;

    private final TreeHasher hasher;
    /** The subtree root of height h at {@code h * 32}, valid when bit h of {@link #size} is set. */
    private final byte[] roots = new byte[MAX_LEVELS * HASH];

    private final byte[] carry = new byte[HASH];
    private long size;

    private MerkleFrontier(TreeHasher hasher) {
        this.hasher = hasher;
    }

    public static MerkleFrontier empty(TreeHasher hasher) {
        return new MerkleFrontier(hasher);
    }

    /**
     * Reads a frontier written by {@link #toBytes()}.
     *
     * @throws EvidenceFormatException if the bytes are not a frontier of this format
     */
    public static MerkleFrontier fromBytes(byte[] bytes, TreeHasher hasher) {
        if (bytes == null) {
            throw new EvidenceFormatException("frontier bytes are missing");
        }
        if (bytes.length < HEADER_BYTES) {
            throw new EvidenceFormatException(
                    "a frontier has at least " + HEADER_BYTES + " bytes, this one " + bytes.length);
        }
        if (bytes[0] != FORMAT) {
            throw new EvidenceFormatException("unknown frontier format " + (bytes[0] & 0xff) + ", expected " + FORMAT);
        }
        long size = ByteBuffer.wrap(bytes, 1, Long.BYTES).getLong();
        if (size < 0) {
            throw new EvidenceFormatException("frontier tree size is negative: " + size);
        }
        int expected = HEADER_BYTES + HASH * Long.bitCount(size);
        if (bytes.length != expected) {
            throw new EvidenceFormatException("a frontier of tree size " + size + " has " + expected + " bytes ("
                    + Long.bitCount(size) + " hashes), this one " + bytes.length);
        }
        MerkleFrontier frontier = new MerkleFrontier(hasher);
        frontier.size = size;
        int offset = HEADER_BYTES;
        for (int height = MAX_LEVELS - 1; height >= 0; height--) {
            if (hasSubtree(size, height)) {
                System.arraycopy(bytes, offset, frontier.roots, height * HASH, HASH);
                offset += HASH;
            }
        }
        return frontier;
    }

    /** The number of leaves appended so far. */
    public long size() {
        return size;
    }

    /**
     * Appends the next leaf, given as its leaf hash ({@link TreeHasher#leafHash}).
     *
     * @throws IllegalArgumentException if {@code leafHash} is not 32 bytes
     * @throws IllegalStateException if the tree already holds {@link Long#MAX_VALUE} leaves
     */
    public void append(byte[] leafHash) {
        if (leafHash == null || leafHash.length != HASH) {
            throw new IllegalArgumentException("a leaf hash is 32 bytes");
        }
        if (size == Long.MAX_VALUE) {
            throw new IllegalStateException("the tree is full at " + Long.MAX_VALUE + " leaves");
        }
        System.arraycopy(leafHash, 0, carry, 0, HASH);
        int height = 0;
        while (hasSubtree(size, height)) {
            hasher.nodeHashInto(roots, height * HASH, carry, 0, carry, 0);
            height++;
        }
        System.arraycopy(carry, 0, roots, height * HASH, HASH);
        size++;
    }

    /** The RFC 9162 root hash of the tree so far; {@link TreeHasher#emptyRoot()} when it is empty. */
    public byte[] root() {
        if (size == 0) {
            return TreeHasher.emptyRoot();
        }
        int lowest = Long.numberOfTrailingZeros(size);
        byte[] root = Arrays.copyOfRange(roots, lowest * HASH, (lowest + 1) * HASH);
        for (int height = lowest + 1; height < MAX_LEVELS; height++) {
            if (hasSubtree(size, height)) {
                hasher.nodeHashInto(roots, height * HASH, root, 0, root, 0);
            }
        }
        return root;
    }

    /** The roots of the perfect subtrees, from the largest (leftmost) to the smallest; empty for the empty tree. */
    public List<byte[]> subtreeRoots() {
        List<byte[]> largestFirst = new ArrayList<>(Long.bitCount(size));
        for (int height = MAX_LEVELS - 1; height >= 0; height--) {
            if (hasSubtree(size, height)) {
                largestFirst.add(Arrays.copyOfRange(roots, height * HASH, (height + 1) * HASH));
            }
        }
        return largestFirst;
    }

    /** The serialized form, read back by {@link #fromBytes}. */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + HASH * Long.bitCount(size));
        out.put(FORMAT).putLong(size);
        for (int height = MAX_LEVELS - 1; height >= 0; height--) {
            if (hasSubtree(size, height)) {
                out.put(roots, height * HASH, HASH);
            }
        }
        return out.array();
    }

    /** An independent copy that hashes with the same hasher. */
    public MerkleFrontier copy() {
        MerkleFrontier copy = new MerkleFrontier(hasher);
        copy.size = size;
        System.arraycopy(roots, 0, copy.roots, 0, roots.length);
        return copy;
    }

    private static boolean hasSubtree(long size, int height) {
        return (size >>> height & 1) == 1;
    }

    @Override
    public String toString() {
        return "MerkleFrontier[size=" + size + "]";
    }
}
