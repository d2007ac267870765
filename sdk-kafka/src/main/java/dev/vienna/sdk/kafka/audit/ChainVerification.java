package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.sdk.evidence.MerkleFrontier;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.kafka.audit.AuditProblem.Kind;
import dev.vienna.sdk.kafka.audit.AuditProblem.Severity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One chain's verification as its records stream by, holding only the link to the last record and the Merkle frontier
 * of each tree its checkpoints describe (one per first sequence; normally one). Each record is checked for its
 * sequence, id, key, previous hash and content hash, and appended to the trees; when a tree reaches a checkpoint's size
 * its root is compared then. After a break it goes on from the record it got, so one removed record is named once, not
 * again for each record after it. <b>Not thread-safe.</b>
 */
final class ChainVerification {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final int chain;
    private final int maxProblems;
    private final TreeHasher hasher;
    private final List<Tree> trees = new ArrayList<>();
    private final int checkpoints;
    private final List<AuditProblem> problems = new ArrayList<>();
    private final byte[] leafData = new byte[TreeHasher.HASH_SIZE];
    private final byte[] leafHash = new byte[TreeHasher.HASH_SIZE];
    private final StringBuilder expectedId = new StringBuilder(32);
    private long moreProblems;
    private long records;
    private long lastSequence = -1;
    private String lastHash = AuditChain.GENESIS;
    private boolean lastUnreadable;
    private Gap pendingGap;

    /** Sequences jumped from {@code expected} to {@code found}: named once the next record shows it was no swap. */
    private record Gap(long expected, long found, String recordId, String where, boolean afterUnreadable) {}

    /** The tree of the chain's records from sequence {@code first} on, and the checkpoints of it by size. */
    private static final class Tree {
        final long first;
        final List<CheckpointRecords.Trusted> checkpoints;
        int next;
        MerkleFrontier frontier;
        CheckpointRecords.Trusted newestMatched;
        CheckpointRecords.Trusted firstMismatch;
        int mismatches;

        Tree(long first, List<CheckpointRecords.Trusted> checkpoints) {
            this.first = first;
            this.checkpoints = checkpoints;
        }

        long size() {
            return frontier == null ? 0 : frontier.size();
        }
    }

    ChainVerification(int chain, List<CheckpointRecords.Trusted> checkpoints, TreeHasher hasher, int maxProblems) {
        this.chain = chain;
        this.hasher = hasher;
        this.maxProblems = maxProblems;
        this.checkpoints = checkpoints.size();
        Map<Long, List<CheckpointRecords.Trusted>> byFirst = new TreeMap<>();
        checkpoints.forEach(c -> byFirst.computeIfAbsent(c.firstSequence(), f -> new ArrayList<>())
                .add(c));
        byFirst.forEach((first, list) -> {
            list.sort(Comparator.comparingLong(CheckpointRecords.Trusted::size));
            trees.add(new Tree(first, list));
        });
    }

    int chain() {
        return chain;
    }

    /** A record without a value. It is not taken as a record of the chain: the next record is checked as if absent. */
    void tombstone(RawRecord raw) {
        records++;
        fail(
                Kind.TOMBSTONE,
                -1,
                printableKey(raw.key()),
                raw,
                "a tombstone: at compaction it deletes the record " + "it keys"
                        + (raw.key() == null ? "" : ", " + printableKey(raw.key())));
        lastUnreadable = true;
    }

    /** A record whose value does not decode; like a tombstone, the next record is checked as if it were absent. */
    void undecodable(RawRecord raw, String reason) {
        records++;
        fail(Kind.UNDECODABLE, -1, printableKey(raw.key()), raw, reason);
        lastUnreadable = true;
    }

    /**
     * A decoded record and the SHA-256 of its canonical form.
     *
     * @param contentHash the recomputed hash, 32 bytes
     */
    void record(RawRecord raw, AuditRecord r, byte[] contentHash) {
        records++;
        long sequence = r.getSequence();
        String id = r.getRecordId();
        if (r.getChain() != chain) {
            fail(
                    Kind.WRONG_CHAIN,
                    sequence,
                    id,
                    raw,
                    "the record names chain " + r.getChain() + " but is on partition " + chain);
        }
        long expected = lastSequence + 1;
        if (sequence > expected) {
            flushGap();
            pendingGap = new Gap(expected, sequence, id, where(raw), lastUnreadable);
        } else if (sequence < expected) {
            if (pendingGap != null && sequence == pendingGap.expected()) {
                fail(
                        Kind.REORDERED,
                        sequence,
                        id,
                        raw,
                        "record " + sequence + " comes after record " + pendingGap.found()
                                + ": the records are out of order");
                pendingGap = null;
            } else {
                fail(
                        Kind.REORDERED,
                        sequence,
                        id,
                        raw,
                        "sequence " + sequence + " after sequence " + lastSequence
                                + ": the record is repeated or out of order");
            }
        } else {
            flushGap();
            checkInPlace(raw, r, sequence, id);
        }
        boolean contentIntact = hexEquals(r.getHash(), contentHash);
        if (!contentIntact) {
            fail(
                    Kind.CONTENT_ALTERED,
                    sequence,
                    id,
                    raw,
                    "the record's content does not hash to its hash " + CheckpointRecords.printable(r.getHash())
                            + ": altered after it was chained");
        }
        if (sequence >= expected) {
            lastSequence = sequence;
            lastHash = r.getHash();
        }
        lastUnreadable = false;
        append(sequence, contentIntact ? contentHash : parseHex(r.getHash()));
    }

    private void checkInPlace(RawRecord raw, AuditRecord r, long sequence, String id) {
        if (!isRecordId(id, sequence)) {
            fail(
                    Kind.RECORD_ID,
                    sequence,
                    CheckpointRecords.printable(id),
                    raw,
                    "the record id is not " + expectedId + ", its chain and sequence");
        } else if (!keyIs(raw.key(), id)) {
            fail(
                    Kind.RECORD_ID,
                    sequence,
                    id,
                    raw,
                    "the record's key " + printableKey(raw.key()) + " is not its record id");
        }
        if (lastUnreadable && sequence > 0) {
            return; // the link to the unreadable record cannot be checked; the sequence fits, so it was not this one
        }
        if (!lastHash.equals(r.getPreviousHash())) {
            fail(
                    Kind.PREVIOUS_HASH,
                    sequence,
                    id,
                    raw,
                    sequence == 0
                            ? "the chain's first record does not start from the genesis hash"
                            : "its previous hash is not the hash of record " + (sequence - 1) + ": the link was cut");
        }
    }

    private void append(long sequence, byte[] data) {
        for (Tree tree : trees) {
            if (tree.frontier == null) {
                if (sequence != tree.first) {
                    continue;
                }
                tree.frontier = MerkleFrontier.empty(hasher);
                checkCheckpoints(tree);
            }
            if (data == null) {
                continue; // no hash to take as leaf data: the tree falls behind and its next root will not match
            }
            hasher.leafHashInto(data, 0, TreeHasher.HASH_SIZE, leafHash, 0);
            tree.frontier.append(leafHash);
            checkCheckpoints(tree);
        }
    }

    private void checkCheckpoints(Tree tree) {
        long size = tree.frontier.size();
        while (tree.next < tree.checkpoints.size()
                && tree.checkpoints.get(tree.next).size() == size) {
            CheckpointRecords.Trusted checkpoint = tree.checkpoints.get(tree.next++);
            if (checkpoint.hasRoot(tree.frontier.root())) {
                tree.newestMatched = checkpoint;
            } else {
                if (tree.firstMismatch == null) {
                    tree.firstMismatch = checkpoint;
                }
                tree.mismatches++;
            }
        }
    }

    /**
     * Names what the records do not match: checkpoints beyond the chain's end, and the first checkpoint whose root the
     * records do not give, with the newest one they do give; and, without any checkpoint, that there is none.
     */
    ChainSummary finish(boolean requireCheckpoints) {
        flushGap();
        for (Tree tree : trees) {
            if (tree.firstMismatch != null) {
                rootMismatch(tree);
            }
            if (tree.next < tree.checkpoints.size()) {
                truncated(tree);
            }
        }
        if (checkpoints == 0 && records > 0) {
            problems.add(new AuditProblem(
                    Kind.NO_CHECKPOINT,
                    requireCheckpoints ? Severity.FAILURE : Severity.WARNING,
                    chain,
                    -1,
                    null,
                    null,
                    "the chain has " + records + " records and no trusted checkpoint: only its hash chain vouches for"
                            + " them, and records removed from its end would not show"));
        }
        Tree newest = trees.stream()
                .max(Comparator.comparingLong(
                        t -> t.checkpoints.get(t.checkpoints.size() - 1).size()))
                .orElse(null);
        long newestSize = newest == null
                ? -1
                : newest.checkpoints.get(newest.checkpoints.size() - 1).size();
        long notYetCheckpointed = newest == null ? records : Math.max(0, newest.size() - newestSize);
        return new ChainSummary(chain, records, checkpoints, newestSize, notYetCheckpointed, moreProblems, problems);
    }

    /** What {@link #finish} found, with the chain's problems in order. */
    record ChainSummary(
            int chain,
            long records,
            int checkpoints,
            long newestCheckpointSize,
            long notYetCheckpointed,
            long moreProblems,
            List<AuditProblem> problems) {}

    private void rootMismatch(Tree tree) {
        CheckpointRecords.Trusted bad = tree.firstMismatch;
        long from = tree.first
                + (tree.newestMatched == null || tree.newestMatched.size() > bad.size()
                        ? 0
                        : tree.newestMatched.size());
        String matched = tree.newestMatched == null
                ? "no checkpoint of the chain matches them"
                : "they do give the root of the checkpoint of " + tree.newestMatched.size() + " records";
        problems.add(new AuditProblem(
                Kind.ROOT_MISMATCH,
                Severity.FAILURE,
                chain,
                from,
                null,
                bad.where(),
                "the chain's records do not give the Merkle root of " + bad.describe() + "; " + matched
                        + ": a record among sequences " + from + " to " + (tree.first + bad.size() - 1)
                        + " was rewritten, removed or moved since it was checkpointed"
                        + (tree.mismatches > 1
                                ? " (" + (tree.mismatches - 1) + " later checkpoints do not match either)"
                                : "")));
    }

    private void truncated(Tree tree) {
        long has = tree.size();
        List<CheckpointRecords.Trusted> beyond = tree.checkpoints.subList(tree.next, tree.checkpoints.size()).stream()
                .filter(c -> c.size() > has)
                .toList();
        if (beyond.isEmpty()) {
            return; // only empty checkpoints of a tree whose first record never came: they commit to nothing
        }
        CheckpointRecords.Trusted largest = beyond.get(beyond.size() - 1);
        problems.add(new AuditProblem(
                Kind.TRUNCATED,
                Severity.FAILURE,
                chain,
                tree.first + has,
                null,
                largest.where(),
                largest.describe() + " commits to " + largest.size() + " records"
                        + (tree.first == 0 ? "" : " from sequence " + tree.first) + ", the chain has " + has
                        + (beyond.size() > 1
                                ? " (" + (beyond.size() - 1) + " smaller checkpoints also reach beyond it)"
                                : "")
                        + ": records from sequence " + (tree.first + has) + " on were removed"));
    }

    private void flushGap() {
        Gap gap = pendingGap;
        if (gap == null) {
            return;
        }
        pendingGap = null;
        long missing = gap.found() - gap.expected();
        add(new AuditProblem(
                Kind.SEQUENCE_GAP,
                Severity.FAILURE,
                chain,
                gap.found(),
                gap.recordId(),
                gap.where(),
                "sequence " + gap.found() + " where " + gap.expected() + " was expected: "
                        + (missing == 1 ? "record " + gap.expected() + " is" : missing + " records are") + " missing"
                        + (gap.afterUnreadable() ? " (the unreadable record before it may have been one)" : "")));
    }

    private void fail(Kind kind, long sequence, String recordId, RawRecord raw, String reason) {
        add(new AuditProblem(kind, Severity.FAILURE, chain, sequence, recordId, where(raw), reason));
    }

    private void add(AuditProblem problem) {
        if (problems.size() < maxProblems) {
            problems.add(problem);
        } else {
            moreProblems++;
        }
    }

    private static String where(RawRecord raw) {
        return "audit partition " + raw.partition() + " offset " + raw.offset();
    }

    /** Whether {@code id} is {@link AuditChain#recordId}{@code (chain, sequence)}, without formatting a string. */
    private boolean isRecordId(String id, long sequence) {
        expectedId.setLength(0);
        expectedId.append(chain).append('-');
        int digits = sequence <= 0 ? 1 : (int) Math.log10(sequence) + 1;
        for (int i = digits; i < 12; i++) {
            expectedId.append('0');
        }
        expectedId.append(sequence);
        return id.contentEquals(expectedId);
    }

    private static boolean keyIs(byte[] key, String id) {
        if (key == null || key.length != id.length()) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code hex} is the 64 lower-case hex digits of {@code hash}. */
    private static boolean hexEquals(String hex, byte[] hash) {
        if (hex.length() != 2 * TreeHasher.HASH_SIZE) {
            return false;
        }
        for (int i = 0; i < TreeHasher.HASH_SIZE; i++) {
            if (hex.charAt(2 * i) != HEX[(hash[i] >> 4) & 0xf] || hex.charAt(2 * i + 1) != HEX[hash[i] & 0xf]) {
                return false;
            }
        }
        return true;
    }

    /** The 32 bytes of a record's stated hash into the leaf data buffer, or null when it is not 64 hex digits. */
    private byte[] parseHex(String hex) {
        if (hex.length() != 2 * TreeHasher.HASH_SIZE) {
            return null;
        }
        for (int i = 0; i < TreeHasher.HASH_SIZE; i++) {
            int high = Character.digit(hex.charAt(2 * i), 16);
            int low = Character.digit(hex.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0) {
                return null;
            }
            leafData[i] = (byte) (high << 4 | low);
        }
        return leafData;
    }

    static String printableKey(byte[] key) {
        return key == null ? "(no key)" : CheckpointRecords.printable(new String(key, StandardCharsets.UTF_8));
    }
}
