package dev.vienna.sdk.evidence;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * RFC 9162 inclusion and consistency proofs: generated from a tree's {@link TreeNodes} (§2.1.3.1, §2.1.4.1) and
 * verified against root hashes (§2.1.3.2, §2.1.4.2). Proof hashes are ordered from the leaf (or old subtree) up, as the
 * RFC's PATH and SUBPROOF produce them.
 *
 * <p>Generation reads O(log n) perfect subtree hashes; what each read costs is up to the {@link TreeNodes} (from leaves
 * alone, O(n) in all). It throws {@link IllegalArgumentException} on sizes or indices that do not fit, since its caller
 * owns the tree. Verification takes untrusted input and never throws: it returns a {@link Verdict} saying why it
 * refused.
 *
 * <p>Hashes with one {@link TreeHasher}: <b>not thread-safe</b>, one instance per thread.
 */
public final class MerkleProofs {

    /** No proof in a tree of at most {@link Long#MAX_VALUE} leaves has more hashes than this. */
    public static final int MAX_PROOF_HASHES = 64;

    private static final int HASH = TreeHasher.HASH_SIZE;

    private final TreeHasher hasher;

    public MerkleProofs() {
        this(new TreeHasher());
    }

    public MerkleProofs(TreeHasher hasher) {
        this.hasher = hasher;
    }

    public TreeHasher hasher() {
        return hasher;
    }

    /** The root hash of the first {@code treeSize} leaves: one node read per set bit of the size. */
    public byte[] root(long treeSize, TreeNodes nodes) {
        if (treeSize < 0) {
            throw new IllegalArgumentException("tree size is negative: " + treeSize);
        }
        return rangeHash(0, treeSize, nodes);
    }

    /** PATH(index, D[treeSize]) of RFC 9162 §2.1.3.1: the hashes that prove leaf {@code index} is in the tree. */
    public List<byte[]> inclusionProof(long index, long treeSize, TreeNodes nodes) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + treeSize);
        }
        List<byte[]> proof = new ArrayList<>();
        addPath(0, index, treeSize, nodes, proof);
        return proof;
    }

    /** {@link #inclusionProof} reading leaf hashes only: O(treeSize) leaf reads and hashes. */
    public List<byte[]> inclusionProofFromLeaves(long index, long treeSize, LongFunction<byte[]> leafHashes) {
        return inclusionProof(index, treeSize, TreeNodes.fromLeaves(leafHashes, hasher));
    }

    /**
     * PROOF(size1, D[size2]) of RFC 9162 §2.1.4.1: the hashes that prove the tree of {@code size1} leaves is a prefix
     * of the tree of {@code size2}. Empty when {@code size1} is 0 or equals {@code size2}.
     */
    public List<byte[]> consistencyProof(long size1, long size2, TreeNodes nodes) {
        if (size1 < 0 || size2 < size1) {
            throw new IllegalArgumentException("no consistency proof from size " + size1 + " to size " + size2);
        }
        List<byte[]> proof = new ArrayList<>();
        if (size1 == 0 || size1 == size2) {
            return proof;
        }
        int level = Long.numberOfTrailingZeros(size1);
        long index = (size1 - 1) >>> level;
        if (index != 0) {
            proof.add(node(nodes, level, index));
        }
        addPath(level, index, size2, nodes, proof);
        return proof;
    }

    /** {@link #consistencyProof} reading leaf hashes only: O(size2) leaf reads and hashes. */
    public List<byte[]> consistencyProofFromLeaves(long size1, long size2, LongFunction<byte[]> leafHashes) {
        return consistencyProof(size1, size2, TreeNodes.fromLeaves(leafHashes, hasher));
    }

    /**
     * Adds the path from node {@code (level, index)} up to the root of a tree of {@code treeSize} leaves: its siblings
     * below the level where it joins the tree's right border (the highest one may be a partial subtree), then the left
     * siblings along the border.
     */
    private void addPath(int level, long index, long treeSize, TreeNodes nodes, List<byte[]> proof) {
        long last = (treeSize - 1) >>> level;
        int inner = 64 - Long.numberOfLeadingZeros(index ^ last);
        for (int h = 0; h < inner; h++) {
            proof.add(subtreeHash(level + h, (index >>> h) ^ 1, treeSize, nodes));
        }
        for (int h = inner; index >>> h != 0; h++) {
            if ((index >>> h & 1) == 1) {
                proof.add(node(nodes, level + h, (index >>> h) ^ 1));
            }
        }
    }

    /** The hash of node {@code (height, index)} cut at {@code treeSize}: a perfect node, or a partial right subtree. */
    private byte[] subtreeHash(int height, long index, long treeSize, TreeNodes nodes) {
        long start = index << height;
        if (treeSize - start >= 1L << height) {
            return node(nodes, height, index);
        }
        return rangeHash(start, treeSize, nodes);
    }

    /** MTH(D[start:end]) for a start aligned to a power of two at least end - start, from perfect nodes. */
    private byte[] rangeHash(long start, long end, TreeNodes nodes) {
        long length = end - start;
        if (length == 0) {
            return TreeHasher.emptyRoot();
        }
        byte[] hash = null;
        long nodeEnd = end;
        for (int height = 0; height < 63; height++) {
            if ((length >>> height & 1) == 1) {
                nodeEnd -= 1L << height;
                byte[] node = node(nodes, height, nodeEnd >>> height);
                hash = hash == null ? node : hasher.nodeHash(node, hash);
            }
        }
        return hash;
    }

    private static byte[] node(TreeNodes nodes, int height, long index) {
        byte[] hash = nodes.node(height, index);
        if (hash == null || hash.length != HASH) {
            throw new IllegalStateException("node (" + height + ", " + index + ") is not a 32-byte hash");
        }
        return hash;
    }

    /**
     * RFC 9162 §2.1.3.2: whether {@code proof} shows that {@code leafHash} is leaf {@code index} of the tree of
     * {@code treeSize} leaves whose root is {@code root}. The tree size enters only through the shape of the path (leaf
     * 0 of a tree of 3 has the same path in a tree of 4), so take size and root together from one checkpoint. Never
     * throws.
     */
    public Verdict verifyInclusion(byte[] leafHash, long index, long treeSize, List<byte[]> proof, byte[] root) {
        try {
            Verdict malformed = checkShape(proof, root, "root");
            if (malformed != null) {
                return malformed;
            }
            if (leafHash == null || leafHash.length != HASH) {
                return Verdict.refuse("the leaf hash is not 32 bytes");
            }
            if (treeSize <= 0) {
                return Verdict.refuse("a tree of size " + treeSize + " has no leaves");
            }
            if (index < 0 || index >= treeSize) {
                return Verdict.refuse("leaf index " + index + " is not in a tree of size " + treeSize);
            }
            int expected = pathLength(index, treeSize - 1);
            if (proof.size() != expected) {
                return Verdict.refuse("the proof has " + proof.size() + " hashes; leaf " + index + " of a tree of size "
                        + treeSize + " needs " + expected);
            }
            byte[] r = leafHash.clone();
            long fn = index;
            long sn = treeSize - 1;
            for (byte[] p : proof) {
                if (sn == 0) {
                    return Verdict.refuse("the proof is longer than the path to the root");
                }
                if ((fn & 1) == 1 || fn == sn) {
                    hasher.nodeHashInto(p, 0, r, 0, r, 0);
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                } else {
                    hasher.nodeHashInto(r, 0, p, 0, r, 0);
                }
                fn >>>= 1;
                sn >>>= 1;
            }
            if (sn != 0) {
                return Verdict.refuse("the proof is shorter than the path to the root");
            }
            if (!MessageDigest.isEqual(r, root)) {
                return Verdict.refuse("the proof does not lead to the root: another leaf, index, tree size or root");
            }
            return Verdict.accept();
        } catch (RuntimeException e) {
            return Verdict.refuse("the proof could not be read: " + e.getClass().getSimpleName());
        }
    }

    /**
     * RFC 9162 §2.1.4.2: whether {@code proof} shows that the tree of {@code size1} leaves with root {@code root1} is a
     * prefix of the tree of {@code size2} leaves with root {@code root2}. Equal sizes need equal roots and an empty
     * proof; from size 0 the proof is empty and {@code root1} the empty tree's hash. Never throws.
     */
    public Verdict verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        try {
            Verdict malformed = checkShape(proof, root2, "second root");
            if (malformed != null) {
                return malformed;
            }
            if (root1 == null || root1.length != HASH) {
                return Verdict.refuse("the first root is not 32 bytes");
            }
            if (size1 < 0 || size2 < 0) {
                return Verdict.refuse("a tree size is negative: " + size1 + ", " + size2);
            }
            if (size1 > size2) {
                return Verdict.refuse("the first tree (size " + size1 + ") is larger than the second (" + size2 + ")");
            }
            if (size1 == size2) {
                if (!proof.isEmpty()) {
                    return Verdict.refuse("trees of equal size need an empty proof, not " + proof.size() + " hashes");
                }
                return MessageDigest.isEqual(root1, root2)
                        ? Verdict.accept()
                        : Verdict.refuse("trees of equal size " + size1 + " have different roots");
            }
            if (size1 == 0) {
                if (!proof.isEmpty()) {
                    return Verdict.refuse("from the empty tree the proof is empty, not " + proof.size() + " hashes");
                }
                return MessageDigest.isEqual(root1, TreeHasher.emptyRoot())
                        ? Verdict.accept()
                        : Verdict.refuse("the first root is not the empty tree's hash");
            }
            int expected = consistencyLength(size1, size2);
            if (proof.size() != expected) {
                return Verdict.refuse("the proof has " + proof.size() + " hashes; from size " + size1 + " to size "
                        + size2 + " it needs " + expected);
            }
            return checkConsistency(size1, size2, root1, root2, proof);
        } catch (RuntimeException e) {
            return Verdict.refuse("the proof could not be read: " + e.getClass().getSimpleName());
        }
    }

    private Verdict checkConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        List<byte[]> path = proof;
        if (Long.bitCount(size1) == 1) {
            path = new ArrayList<>(proof.size() + 1);
            path.add(root1);
            path.addAll(proof);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0).clone();
        byte[] sr = path.get(0).clone();
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return Verdict.refuse("the proof is longer than the path to the second root");
            }
            if ((fn & 1) == 1 || fn == sn) {
                hasher.nodeHashInto(c, 0, fr, 0, fr, 0);
                hasher.nodeHashInto(c, 0, sr, 0, sr, 0);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                hasher.nodeHashInto(sr, 0, c, 0, sr, 0);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            return Verdict.refuse("the proof is shorter than the path to the second root");
        }
        if (!MessageDigest.isEqual(fr, root1)) {
            return Verdict.refuse("the proof does not lead to the first root");
        }
        if (!MessageDigest.isEqual(sr, root2)) {
            return Verdict.refuse("the proof does not lead to the second root");
        }
        return Verdict.accept();
    }

    /** Null for a proof list of 32-byte hashes and a 32-byte root, otherwise the refusal. */
    private static Verdict checkShape(List<byte[]> proof, byte[] root, String rootName) {
        if (proof == null) {
            return Verdict.refuse("no proof");
        }
        if (proof.size() > MAX_PROOF_HASHES) {
            return Verdict.refuse(
                    "the proof has " + proof.size() + " hashes; none needs more than " + MAX_PROOF_HASHES);
        }
        for (int i = 0; i < proof.size(); i++) {
            byte[] hash = proof.get(i);
            if (hash == null || hash.length != HASH) {
                return Verdict.refuse("proof hash " + i + " is not 32 bytes");
            }
        }
        if (root == null || root.length != HASH) {
            return Verdict.refuse("the " + rootName + " is not 32 bytes");
        }
        return null;
    }

    /** The number of hashes from node {@code index} to the root of a tree whose last node at that level is last. */
    private static int pathLength(long index, long last) {
        int inner = 64 - Long.numberOfLeadingZeros(index ^ last);
        return inner + Long.bitCount(index >>> inner);
    }

    private static int consistencyLength(long size1, long size2) {
        int level = Long.numberOfTrailingZeros(size1);
        long index = (size1 - 1) >>> level;
        return (index != 0 ? 1 : 0) + pathLength(index, (size2 - 1) >>> level);
    }
}
