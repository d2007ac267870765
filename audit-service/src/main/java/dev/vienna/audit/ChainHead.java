package dev.vienna.audit;

import dev.vienna.sdk.evidence.MerkleFrontier;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.kafka.audit.AuditChain;
import java.util.Base64;

/**
 * The head of one audit chain as kept in {@value AuditTopology#CHAIN_HEADS_STORE}: the sequence and hash of its last
 * record, and the RFC 9162 Merkle tree over its records from {@code firstSequence} on, as the frontier (the roots of
 * its perfect subtrees) from which the root of every later size follows. One store value, written once per record with
 * the record, so the tree and the chain commit together.
 *
 * <p>Stored as text: {@code <sequence> <hash>} before the tree existed, {@code <sequence> <hash> <firstSequence>
 * <frontier, base64>} since. A chain whose head predates the tree starts it at its next record: the records before are
 * committed to by that record's previous hash, a hash chain the verifier replays.
 *
 * @param sequence the last record's sequence, -1 for a chain with no record
 * @param hash the last record's hash ({@link AuditChain#GENESIS} for none)
 * @param firstSequence the sequence of the tree's leaf 0
 * @param tree the tree over records {@code firstSequence..sequence}, mutable: {@link #next} appends to it
 */
record ChainHead(long sequence, String hash, long firstSequence, MerkleFrontier tree) {

    /** A chain with no record yet. */
    static ChainHead empty(TreeHasher hasher) {
        return new ChainHead(-1, AuditChain.GENESIS, 0, MerkleFrontier.empty(hasher));
    }

    /** Reads a stored head; {@code null} (no record yet) is the empty chain. */
    static ChainHead parse(String stored, TreeHasher hasher) {
        if (stored == null) {
            return empty(hasher);
        }
        String[] fields = stored.split(" ");
        long sequence = Long.parseLong(fields[0]);
        if (fields.length == 2) {
            // written before the chain had a tree: the tree begins with the next record
            return new ChainHead(sequence, fields[1], sequence + 1, MerkleFrontier.empty(hasher));
        }
        if (fields.length != 4) {
            throw new IllegalStateException("chain head with " + fields.length + " fields: " + stored);
        }
        return new ChainHead(
                sequence,
                fields[1],
                Long.parseLong(fields[2]),
                MerkleFrontier.fromBytes(Base64.getDecoder().decode(fields[3]), hasher));
    }

    /**
     * The head after the next record: its sequence and hash become the head's, its hash the tree's next leaf (appended
     * to this head's tree, which the returned head shares).
     */
    ChainHead next(long nextSequence, String nextHash, TreeHasher hasher) {
        tree.append(hasher.leafHashOfChainHash(nextHash));
        return new ChainHead(nextSequence, nextHash, firstSequence, tree);
    }

    /** The stored form. */
    String format() {
        return sequence + " " + hash + " " + firstSequence + " "
                + Base64.getEncoder().encodeToString(tree.toBytes());
    }
}
