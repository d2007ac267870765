package dev.vienna.audit;

import dev.vienna.sdk.evidence.MerkleFrontier;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.kafka.audit.AuditChain;
import java.util.Arrays;
import java.util.Base64;

/**
 * The head of one audit chain as kept in {@value AuditTopology#CHAIN_HEADS_STORE}: the sequence and hash of its last
 * record, and the RFC 9162 Merkle tree over its records from {@code firstSequence} on: its frontier (the roots of its
 * perfect subtrees, from which the root of every later size follows) and the leaf hashes of its last, incomplete tile
 * ({@link ChainTree#TILE} leaves; complete tiles are in {@link ChainTree}'s store). One store value, written once per
 * record with the record, so the tree and the chain commit together.
 *
 * <p>Stored as text: {@code <sequence> <hash>} before the tree existed, {@code <sequence> <hash> <firstSequence>
 * <frontier> <pending leaves>} (both base64) since. A chain whose head predates the tree starts it at its next record:
 * the records before are committed to by that record's previous hash, a hash chain the verifier replays.
 *
 * @param sequence the last record's sequence, -1 for a chain with no record
 * @param hash the last record's hash ({@link AuditChain#GENESIS} for none)
 * @param firstSequence the sequence of the tree's leaf 0
 * @param tree the tree over records {@code firstSequence..sequence}, mutable: {@link #next} appends to it
 * @param pending the leaf hashes of the incomplete tile, 32 bytes each ({@code tree.size() % TILE} of them)
 */
record ChainHead(long sequence, String hash, long firstSequence, MerkleFrontier tree, byte[] pending) {

    /** A chain with no record yet. */
    static ChainHead empty(TreeHasher hasher) {
        return new ChainHead(-1, AuditChain.GENESIS, 0, MerkleFrontier.empty(hasher), new byte[0]);
    }

    /** Reads a stored head; {@code null} (no record yet) is the empty chain. */
    static ChainHead parse(String stored, TreeHasher hasher) {
        if (stored == null) {
            return empty(hasher);
        }
        String[] fields = stored.split(" ", -1);
        long sequence = Long.parseLong(fields[0]);
        if (fields.length == 2) {
            // written before the chain had a tree: the tree begins with the next record
            return new ChainHead(sequence, fields[1], sequence + 1, MerkleFrontier.empty(hasher), new byte[0]);
        }
        if (fields.length != 5) {
            throw new IllegalStateException("chain head with " + fields.length + " fields: " + stored);
        }
        Base64.Decoder base64 = Base64.getDecoder();
        return new ChainHead(
                sequence,
                fields[1],
                Long.parseLong(fields[2]),
                MerkleFrontier.fromBytes(base64.decode(fields[3]), hasher),
                base64.decode(fields[4]));
    }

    /**
     * The head after the next record: its sequence and hash become the head's, its leaf hash the tree's next leaf
     * (appended to this head's tree, which the returned head shares) and the incomplete tile's; a tile that this leaf
     * completes is handed to {@code tiles} and the new head's pending leaves are empty.
     */
    ChainHead next(long nextSequence, String nextHash, TreeHasher hasher, ChainTree.Tiles tiles) {
        byte[] leaf = hasher.leafHashOfChainHash(nextHash);
        tree.append(leaf);
        byte[] leaves = Arrays.copyOf(pending, pending.length + leaf.length);
        System.arraycopy(leaf, 0, leaves, pending.length, leaf.length);
        if (tree.size() % ChainTree.TILE == 0) {
            tiles.completed(tree.size() / ChainTree.TILE - 1, leaves);
            leaves = new byte[0];
        }
        return new ChainHead(nextSequence, nextHash, firstSequence, tree, leaves);
    }

    /** The stored form. */
    String format() {
        Base64.Encoder base64 = Base64.getEncoder();
        return sequence + " " + hash + " " + firstSequence + " " + base64.encodeToString(tree.toBytes()) + " "
                + base64.encodeToString(pending);
    }
}
