package dev.vienna.sdk.evidence;

import java.util.function.LongFunction;

/**
 * Where proof generation reads the tree from: the hashes of its perfect subtrees. Node {@code (height, index)} is the
 * root of the {@code 2^height} leaves starting at leaf {@code index << height}, that is RFC 9162's
 * {@code MTH(D[index·2^height : (index+1)·2^height])}; height 0 is a leaf hash. {@link MerkleProofs} asks only for
 * nodes that lie wholly inside the tree it proves, and O(log n) of them per proof, so a store that keeps perfect
 * subtree hashes (or tiles of them) makes proofs O(log n) reads.
 */
@FunctionalInterface
public interface TreeNodes {

    /** The 32-byte hash of the perfect subtree at {@code height} and {@code index}. */
    byte[] node(int height, long index);

    /**
     * Nodes computed from leaf hashes alone ({@code index -> leaf hash}, for example a read from a key-value store). A
     * node of height h costs 2^h leaf reads and about 2^h node hashes, so a proof over a tree of n leaves costs O(n):
     * the subtrees of one proof are disjoint. Uses {@code hasher}, so it is no more thread-safe than the hasher.
     */
    static TreeNodes fromLeaves(LongFunction<byte[]> leafHashes, TreeHasher hasher) {
        return (height, index) -> {
            MerkleFrontier subtree = MerkleFrontier.empty(hasher);
            long first = index << height;
            for (long leaf = first; leaf < first + (1L << height); leaf++) {
                byte[] leafHash = leafHashes.apply(leaf);
                if (leafHash == null || leafHash.length != TreeHasher.HASH_SIZE) {
                    throw new IllegalStateException("leaf " + leaf + " is not a 32-byte hash");
                }
                subtree.append(leafHash);
            }
            return subtree.root();
        };
    }
}
