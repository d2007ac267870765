package dev.vienna.sdk.kafka.claims;

import dev.vienna.events.Topics;
import dev.vienna.events.WarrantClaimed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;

/**
 * The fenced single-use ledger of warrants on {@code warrant-claims} (a {@link ClaimLog}): whoever claims a warrant
 * first, in the log's order, is the only one who may run it. A claim is sent, and once the broker has acknowledged it
 * at offset o the ledger reads the partition up to o: the claim won only if no other claim of that warrant precedes it
 * there. A partition is totally ordered, so of any number of claimants (two executor instances across a rebalance, two
 * instances of one passback agent, a restarted process and its predecessor) exactly one wins, whatever their timing,
 * and a claimant that cannot learn the answer (the broker does not acknowledge, the ledger is not followed) does not
 * run.
 *
 * <p>The topic is followed continuously from its beginning by one thread (a raw consumer with manual assignment, no
 * group: every claimant needs all of it); claims of warrants expired an hour ago are forgotten in memory (an expired
 * warrant is refused anyway). The topic is compacted by intentId, so after compaction a warrant's newest claim may
 * stand for its first: the warrant still reads as claimed, which is what single use needs.
 */
public final class ClaimLedger implements AutoCloseable {

    /** The first claim of a warrant in the log: who made it, when, where. */
    public record Claim(String warrantId, String claimant, Instant claimedAt, Instant expiresAt, long offset) {}

    /** A claim decided: won (this claimant may run the warrant) or lost (someone claimed it first: {@code first}). */
    public record Outcome(boolean won, Claim first) {}

    private final ClaimLog<WarrantClaimed> log;

    /**
     * Starts following {@code warrant-claims}; {@code kafka} holds the client settings of a principal that may read and
     * write it.
     */
    public ClaimLedger(Map<String, Object> kafka, String clientId, Clock clock, Duration staleAfter) {
        this.log = new ClaimLog<>(
                kafka,
                Topics.WARRANT_CLAIMS,
                Function.identity(),
                Function.identity(),
                claim -> {},
                clientId,
                clock,
                staleAfter);
    }

    /**
     * Claims a warrant for {@code claim.getExecutorId()}: completes with the outcome once it is known (at once when the
     * warrant is already known to be claimed), or exceptionally when the claim was not acknowledged, in which case the
     * warrant must not run (the claim may still have been recorded).
     */
    public CompletableFuture<Outcome> claim(WarrantClaimed claim) {
        return log.claim(claim);
    }

    /** The same, the claim's record carrying {@code headers} (the claimant's trace context, {@code traceparent}). */
    public CompletableFuture<Outcome> claim(WarrantClaimed claim, Headers headers) {
        return log.claim(claim, headers);
    }

    /** The first claim of {@code warrantId} read so far. */
    public Optional<Claim> firstClaim(String warrantId) {
        return log.firstClaim(warrantId);
    }

    /** True once every partition was read to the end it had when the ledger started. */
    public boolean caughtUp() {
        return log.caughtUp();
    }

    /** False once the follower stopped or has not polled for {@code staleAfter}. */
    public boolean healthy() {
        return log.healthy();
    }

    /** Waits until {@link #caughtUp()}; false when {@code timeout} passed first. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return log.awaitCaughtUp(timeout);
    }

    @Override
    public void close() {
        log.close();
    }
}
