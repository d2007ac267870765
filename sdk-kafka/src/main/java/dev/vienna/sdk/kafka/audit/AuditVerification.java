package dev.vienna.sdk.kafka.audit;

import java.util.List;

/**
 * The outcome of {@link AuditLogVerifier}: every chain's summary and every problem found. The log is {@link #intact()}
 * when no problem is a {@link AuditProblem.Severity#FAILURE failure}.
 *
 * @param records audit records read, tombstones and undecodable ones included
 * @param checkpointRecords checkpoint records read
 * @param partitions the partitions the audit topic has
 * @param chains one summary per chain: every partition, and any chain a checkpoint names beyond them
 * @param problems every problem, record problems in log order per chain, then each chain's checkpoint problems
 */
public record AuditVerification(
        long records, long checkpointRecords, int partitions, List<Chain> chains, List<AuditProblem> problems) {

    public AuditVerification {
        chains = List.copyOf(chains);
        problems = List.copyOf(problems);
    }

    /** Whether the log verifies: no problem that is a failure. */
    public boolean intact() {
        return problems.stream().noneMatch(AuditProblem::failure);
    }

    public List<AuditProblem> failures() {
        return problems.stream().filter(AuditProblem::failure).toList();
    }

    /** The kinds of the problems found, in order, for tests and summaries. */
    public List<AuditProblem.Kind> kinds() {
        return problems.stream().map(AuditProblem::kind).toList();
    }

    /** What one chain's verification found. */
    public enum Status {
        /** Every record checks, and every checkpoint of the chain matches its records. */
        INTACT,
        /** Every record checks, but no trusted checkpoint covers the chain yet. */
        NOT_CHECKPOINTED,
        /** No record and no checkpoint: a partition nothing was written to. */
        EMPTY,
        /** A failure concerns this chain. */
        BROKEN,
        /** Checkpoints say the chain has records; it has none, or its partition is gone. */
        MISSING
    }

    /**
     * One chain's summary.
     *
     * @param chain the chain (partition) number
     * @param records records read on its partition
     * @param checkpoints trusted checkpoints of the chain
     * @param newestCheckpointSize the tree size of its largest trusted checkpoint, -1 without one
     * @param notYetCheckpointed records after what the largest checkpoint commits to (not a problem: the next
     *     checkpoint will cover them)
     * @param moreProblems problems of this chain not listed, beyond the verifier's per-chain limit
     * @param status what was found
     */
    public record Chain(
            int chain,
            long records,
            int checkpoints,
            long newestCheckpointSize,
            long notYetCheckpointed,
            long moreProblems,
            Status status) {}
}
