package dev.vienna.audit;

import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.evidence.TreeNodes;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The stored nodes of the chains' Merkle trees, in {@value #STORE}, from which audit-service proves any record's
 * inclusion in, and any checkpoint's consistency with, a checkpointed tree in O(log n) store reads. The tree is kept in
 * tiles of {@value #TILE} leaves: a complete tile's leaf hashes under {@code <chain>/L/<tile>}, and every perfect
 * subtree of {@value #TILE} leaves or more under {@code <chain>/<height>/<index>}; the leaves of the incomplete last
 * tile are in the chain's head ({@link ChainHead}). So the tree adds about three changelog records per {@value #TILE}
 * audit records (the tile, its root, and on average one node above), not one or two per record.
 */
final class ChainTree {

    static final String STORE = "audit-tree-nodes";

    /** Leaves per tile, a power of two. */
    static final int TILE = 16;

    private static final int TILE_HEIGHT = Integer.numberOfTrailingZeros(TILE);

    /** Where {@link ChainHead#next} hands a tile it completes. */
    interface Tiles {
        void completed(long tile, byte[] leafHashes);
    }

    private ChainTree() {}

    static String leavesKey(int chain, long tile) {
        return chain + "/L/" + tile;
    }

    static String nodeKey(int chain, int height, long index) {
        return chain + "/" + height + "/" + index;
    }

    /**
     * Stores tile {@code tile} of chain {@code chain}: its leaves, its root, and every perfect subtree it completes
     * above (each from its two halves, already stored).
     */
    static void store(
            int chain, long tile, byte[] leafHashes, TreeHasher hasher, Function<String, byte[]> get, Writer put) {
        put.put(leavesKey(chain, tile), leafHashes);
        put.put(nodeKey(chain, TILE_HEIGHT, tile), subtree(leafHashes, 0, TILE, hasher));
        long index = tile;
        for (int height = TILE_HEIGHT + 1; index % 2 == 1; height++) {
            index /= 2;
            byte[] left = get.apply(nodeKey(chain, height - 1, 2 * index));
            byte[] right = get.apply(nodeKey(chain, height - 1, 2 * index + 1));
            put.put(nodeKey(chain, height, index), hasher.nodeHash(left, right));
        }
    }

    /** Writes one node or tile. */
    interface Writer {
        void put(String key, byte[] value);
    }

    /**
     * The nodes of chain {@code chain}'s tree as stored, for proofs over any size up to the head's: nodes of a tile or
     * more read from the store, smaller ones hashed from the leaves of their tile (stored, or the head's pending ones).
     */
    static TreeNodes nodes(int chain, ChainHead head, Function<String, byte[]> get, TreeHasher hasher) {
        long openTile = head.tree().size() / TILE;
        return (height, index) -> {
            if (height >= TILE_HEIGHT) {
                byte[] node = get.apply(nodeKey(chain, height, index));
                if (node == null) {
                    throw new IllegalStateException("node " + nodeKey(chain, height, index) + " is not stored");
                }
                return node;
            }
            long first = index << height;
            long tile = first / TILE;
            byte[] leaves = tile == openTile ? head.pending() : get.apply(leavesKey(chain, tile));
            int from = (int) (first - tile * TILE);
            if (leaves == null || leaves.length < (from + (1 << height)) * TreeHasher.HASH_SIZE) {
                throw new IllegalStateException("the leaves of tile " + leavesKey(chain, tile) + " are not stored");
            }
            return subtree(leaves, from, 1 << height, hasher);
        };
    }

    /** The root of the perfect subtree over {@code count} (a power of two) leaf hashes from leaf {@code from}. */
    private static byte[] subtree(byte[] leafHashes, int from, int count, TreeHasher hasher) {
        byte[][] level = new byte[count][];
        for (int i = 0; i < count; i++) {
            int at = (from + i) * TreeHasher.HASH_SIZE;
            level[i] = Arrays.copyOfRange(leafHashes, at, at + TreeHasher.HASH_SIZE);
        }
        for (int width = count; width > 1; width /= 2) {
            for (int i = 0; i < width / 2; i++) {
                level[i] = hasher.nodeHash(level[2 * i], level[2 * i + 1]);
            }
        }
        return level[0];
    }
}
