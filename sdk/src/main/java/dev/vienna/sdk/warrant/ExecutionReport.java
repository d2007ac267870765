package dev.vienna.sdk.warrant;

import java.time.Instant;

/**
 * What an agent says it did with a PASSBACK warrant: the warrant, the digest of the action it executed (its
 * {@link dev.vienna.sdk.canonical.ActionRequest#digest()}), whether it succeeded, when it started and finished, the
 * SHA-256 of its output (hex; null when none) and its error (null when none). {@link ExecutionReports} signs it.
 */
public record ExecutionReport(
        String warrantId,
        String intentId,
        String agentId,
        String actionDigest,
        Status status,
        Instant startedAt,
        Instant finishedAt,
        String outputDigest,
        String error) {

    /** SUCCEEDED: the action ran and did what it should; FAILED: it ran, or began to, and did not. */
    public enum Status {
        SUCCEEDED,
        FAILED
    }
}
