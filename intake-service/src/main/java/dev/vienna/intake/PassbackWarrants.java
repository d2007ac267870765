package dev.vienna.intake;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.kafka.claims.ClaimLedger;
import dev.vienna.sdk.kafka.follow.TopicFollower;
import dev.vienna.sdk.kafka.revocation.RevocationListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * What intake knows of passback warrants, for the agents that run them: every PASSBACK warrant on {@code warrants}
 * until it expires (a follower of the whole topic), who claimed each on {@code warrant-claims} (the fenced
 * {@link ClaimLedger}, which also records an agent's claims), and the revocations on {@code warrant-revocations}. A
 * long-polling agent is woken as soon as a warrant for it arrives. Ready once all three are read to their end and still
 * followed.
 */
@ApplicationScoped
public class PassbackWarrants {

    /** How long after its expiry a warrant is still known (to answer a late report with a clear refusal). */
    private static final Duration KEEP_AFTER_EXPIRY = Duration.ofMinutes(10);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private final Clock clock = Clock.systemUTC();
    private final Map<String, WarrantIssued> byId = new ConcurrentHashMap<>();
    private final Object arrivals = new Object();
    private volatile TopicFollower<WarrantIssued> follower;
    private volatile ClaimLedger ledger;
    private volatile RevocationListener revocations;

    void start(@Observes StartupEvent event) {
        revocations = new RevocationListener(kafka);
        ledger = new ClaimLedger(kafka, "intake-service", clock, Duration.ofSeconds(30));
        follower = new TopicFollower<>(kafka, Topics.WARRANTS, this::apply, clock, Duration.ofSeconds(30));
    }

    /** Makes a warrant known before the follower reads it (the forwarder read it first, on its own consumer). */
    void know(WarrantIssued warrant) {
        apply(warrant);
    }

    private void apply(WarrantIssued warrant) {
        if (warrant.getMode() != ExecutionMode.PASSBACK) {
            return;
        }
        Instant now = clock.instant();
        if (warrant.getExpiresAt().plus(KEEP_AFTER_EXPIRY).isBefore(now)) {
            return;
        }
        byId.put(warrant.getWarrantId(), warrant);
        if (byId.size() % 1024 == 0) {
            byId.values().removeIf(w -> w.getExpiresAt().plus(KEEP_AFTER_EXPIRY).isBefore(now));
        }
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    /** A passback warrant by id, while it is known. */
    public Optional<WarrantIssued> warrant(String warrantId) {
        return Optional.ofNullable(byId.get(warrantId));
    }

    /**
     * The agent's passback warrants that are still valid, not claimed and not revoked, oldest first; waits up to
     * {@code wait} for one when there is none.
     */
    public List<WarrantIssued> pendingFor(String agentId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<WarrantIssued> pending = pendingFor(agentId);
            long left = deadline - System.nanoTime();
            if (!pending.isEmpty() || left <= 0) {
                return pending;
            }
            synchronized (arrivals) {
                arrivals.wait(Math.max(1, Math.min(Duration.ofNanos(left).toMillis(), 500)));
            }
        }
    }

    private List<WarrantIssued> pendingFor(String agentId) {
        Instant now = clock.instant();
        return byId.values().stream()
                .filter(w -> w.getAgentId().equals(agentId))
                .filter(w -> w.getExpiresAt().isAfter(now))
                .filter(w -> ledger.firstClaim(w.getWarrantId()).isEmpty())
                .filter(w -> revocation(w).isEmpty())
                .sorted(Comparator.comparing(WarrantIssued::getIssuedAt))
                .limit(100)
                .toList();
    }

    /** Why the warrant is revoked (by id or by its agent's kill switch); empty when it is not. */
    public Optional<String> revocation(WarrantIssued warrant) {
        return revocations.revocations().isRevoked(warrant.getWarrantId(), warrant.getAgentId(), warrant.getIssuedAt())
                ? Optional.of("warrant " + warrant.getWarrantId() + " was revoked")
                : Optional.empty();
    }

    /** The fenced claims of warrants, agents' and executors' alike. */
    public ClaimLedger ledger() {
        return ledger;
    }

    boolean ready() {
        return follower != null
                && follower.caughtUp()
                && follower.healthy()
                && ledger.caughtUp()
                && ledger.healthy()
                && revocations.caughtUp()
                && revocations.healthy();
    }

    /** Waits until {@link #ready()}; false when {@code timeout} passed first. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Produces
    @Readiness
    @ApplicationScoped
    HealthCheck passbackFollowed() {
        return () -> HealthCheckResponse.named("passback warrants, their claims and revocations followed")
                .status(ready())
                .build();
    }

    void stop(@Observes ShutdownEvent event) {
        if (follower != null) {
            follower.close();
        }
        if (ledger != null) {
            ledger.close();
        }
        if (revocations != null) {
            revocations.close();
        }
    }
}
