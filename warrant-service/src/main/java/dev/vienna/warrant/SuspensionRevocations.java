package dev.vienna.warrant;

import dev.vienna.events.AgentChanged;
import dev.vienna.events.AgentStatus;
import dev.vienna.events.EventIds;
import dev.vienna.events.RevocationScope;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.platform.Publisher;
import dev.vienna.platform.security.Agents;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The kill switch that a suspension is: when the registry shows an agent SUSPENDED, every warrant it was issued up to
 * the suspension is revoked, by an agent-wide revocation on {@code warrant-revocations} (so every verifier, executors
 * and agents' own, refuses them), attributed to whoever suspended it. Once both the registry and the revocations are
 * read to their end, every suspended agent whose suspension no revocation covers yet gets one; from then on each new
 * suspension does. The revocation's id derives from the agent and the suspension time, so two instances, or a restart,
 * publish the same record (the compacted topic keeps one). Runs on its own thread: publishing waits for the broker.
 */
@ApplicationScoped
public class SuspensionRevocations {

    private static final Logger LOG = Logger.getLogger(SuspensionRevocations.class);

    @Inject
    Agents agents;

    @Inject
    WarrantChecks checks;

    @Inject
    Publisher publisher;

    @Inject
    WarrantConfig config;

    private final ScheduledExecutorService worker =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "suspensions"));

    void start(@Observes StartupEvent event) {
        worker.execute(() -> {
            try {
                while (!agents.registry().awaitCaughtUp(Duration.ofMinutes(1))
                        || !checks.awaitCurrent(Duration.ofMinutes(1))) {
                    LOG.error("registry or revocations not read yet: suspensions wait to be enforced");
                }
                agents.registry().onChange(change -> worker.execute(() -> revokeIfSuspended(change)));
                List<AgentChanged> all = agents.registry().all();
                all.forEach(this::revokeIfSuspended);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void revokeIfSuspended(AgentChanged agent) {
        if (agent.getStatus() != AgentStatus.SUSPENDED || agent.getSuspendedAt() == null) {
            return;
        }
        Instant upTo = agent.getSuspendedAt();
        if (covered(agent.getAgentId(), upTo)) {
            return;
        }
        WarrantRevoked revoked = WarrantRevoked.newBuilder()
                .setEventId(EventIds.of(agent.getAgentId() + "@" + upTo.toEpochMilli(), "suspension-revocation"))
                .setIntentId("")
                .setTenantId(agent.getTenantId())
                .setOccurredAt(upTo)
                .setScope(RevocationScope.AGENT)
                .setAgentId(agent.getAgentId())
                .setRevokedBefore(upTo)
                .setRevokedBy(agent.getChangedBy())
                .setReason("agent suspended" + (agent.getReason() == null ? "" : ": " + agent.getReason()))
                .build();
        try {
            publisher.publish(
                    Topics.WARRANT_REVOCATIONS, WarrantsResource.keyOf(revoked), revoked, config.publishTimeout());
            checks.revocations().revokeAgentUpTo(agent.getAgentId(), upTo);
            LOG.infof("agent %s suspended: its warrants issued up to %s are revoked", agent.getAgentId(), upTo);
        } catch (Publisher.NotPublished e) {
            LOG.errorf(e, "the revocation of suspended agent %s was not recorded; retrying", agent.getAgentId());
            // later, without holding up other suspensions meanwhile
            worker.schedule(
                    () -> revokeIfSuspended(
                            agents.registry().agent(agent.getAgentId()).orElse(agent)),
                    1,
                    TimeUnit.SECONDS);
        }
    }

    /** Whether the revocations already revoke every warrant the agent was issued up to {@code upTo}. */
    private boolean covered(String agentId, Instant upTo) {
        return checks.revocations()
                .agentRevokedUpTo(agentId)
                .filter(revoked -> !revoked.isBefore(upTo))
                .isPresent();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.shutdownNow();
    }
}
