package dev.vienna.intake;

import dev.vienna.events.AgentChanged;
import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.WarrantIssued;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.security.Agents;
import dev.vienna.sdk.warrant.ExecutionReport;
import dev.vienna.sdk.warrant.ExecutionReports;
import dev.vienna.sdk.warrant.KeyThumbprints;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/**
 * The check of a passback agent's signed execution report, the same whether it came over HTTP ({@code POST
 * /v1/executions}, from the agent its API key names) or Kafka ({@code execution-reports}, from whichever agent's key
 * signed it): the warrant is a known passback warrant of that agent, bound to one of its registered keys; the report's
 * signature verifies against that key; it names that agent and the warrant's intent; the warrant was claimed by that
 * agent (over HTTP or through its Kafka feed); the output, when sent, has the report's digest. What passes becomes the
 * {@link ExecutionReported} to publish; what does not is a {@link ProblemException} with the reason.
 */
@ApplicationScoped
public class PassbackReports {

    @Inject
    PassbackWarrants warrants;

    @Inject
    Agents agents;

    private final Clock clock = Clock.systemUTC();

    /** The claimant and reporter name of an agent's HTTP claims. */
    static String claimant(String agentId) {
        return "agent:" + agentId;
    }

    /** The claimant name of intake's claim for an agent's Kafka feed, made when it forwards a warrant there. */
    static String feedClaimant(String agentId) {
        return "agent:" + agentId + "/feed";
    }

    /**
     * Checks a report sent by {@code agent} (null when the channel does not say who sent it: then the warrant's agent,
     * whose key must have signed it).
     */
    ExecutionReported accept(AgentChanged agent, String signedReport, String output) {
        // the bound key comes from the warrant, so the warrant id is read first; nothing else is trusted until the
        // signature verified against that key
        String warrantId = ExecutionReports.warrantIdOf(signedReport)
                .orElseThrow(() ->
                        new ProblemException(400, "Invalid report", "not a signed execution report naming a warrant"));
        if (agent == null) {
            WarrantIssued warrant = known(warrantId);
            agent = agents.registry()
                    .agent(warrant.getAgentId())
                    .orElseThrow(() -> new ProblemException(
                            403, "Unknown agent", "agent " + warrant.getAgentId() + " is not registered"));
        }
        WarrantIssued warrant = ownWarrant(agent, warrantId);
        requireRegisteredBindingKey(agent, warrant);
        var verification = ExecutionReports.verify(signedReport, warrant.getConfirmationKeyThumbprint());
        if (!verification.valid()) {
            throw new ProblemException(400, "Invalid report", verification.problem());
        }
        ExecutionReport report = verification.report();
        if (!report.agentId().equals(agent.getAgentId()) || !report.intentId().equals(warrant.getIntentId())) {
            throw new ProblemException(
                    400,
                    "Invalid report",
                    "the report names agent " + report.agentId() + " and intent " + report.intentId()
                            + "; the warrant is agent " + warrant.getAgentId() + "'s for intent "
                            + warrant.getIntentId());
        }
        String agentId = agent.getAgentId();
        var claim = warrants.ledger().firstClaim(warrant.getWarrantId());
        if (claim.isEmpty()
                || !(claim.get().claimant().equals(claimant(agentId))
                        || claim.get().claimant().equals(feedClaimant(agentId)))) {
            throw new ProblemException(
                    409,
                    "Not claimed",
                    "warrant " + warrant.getWarrantId() + " was "
                            + claim.map(c -> "claimed by " + c.claimant()).orElse("not claimed")
                            + "; an agent claims a warrant before it runs it");
        }
        if (output != null && !ExecutionReports.outputDigest(output).equals(report.outputDigest())) {
            throw new ProblemException(400, "Invalid report", "the output does not have the report's outputDigest");
        }
        return ExecutionReported.newBuilder()
                .setEventId(EventIds.of(warrant.getWarrantId() + "\u0000" + signedReport, "passback-report"))
                .setIntentId(warrant.getIntentId())
                .setTenantId(warrant.getTenantId())
                .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .setWarrantId(warrant.getWarrantId())
                .setExecutorId(claimant(agentId))
                .setMode(ExecutionMode.PASSBACK)
                .setStatus(ExecutionStatus.valueOf(report.status().name()))
                .setHandler("passback")
                .setStartedAt(report.startedAt())
                .setFinishedAt(report.finishedAt())
                .setOutputJson(ExecutionReports.boundedOutput(output))
                .setError(report.error())
                .setActionDigest(report.actionDigest())
                .setOutputDigest(report.outputDigest())
                .setSignedReport(signedReport)
                .build();
    }

    private WarrantIssued known(String warrantId) {
        return warrants.warrant(warrantId)
                .orElseThrow(() -> new ProblemException(
                        404, "No such warrant", "no passback warrant " + warrantId + " is known (or it expired)"));
    }

    /** The passback warrant {@code warrantId}, which must be {@code agent}'s. */
    WarrantIssued ownWarrant(AgentChanged agent, String warrantId) {
        WarrantIssued warrant = known(warrantId);
        if (!warrant.getAgentId().equals(agent.getAgentId())) {
            throw new ProblemException(
                    403, "Not your warrant", "warrant " + warrantId + " is agent " + warrant.getAgentId() + "'s");
        }
        return warrant;
    }

    /** The warrant's bound key must still be one of the agent's registered, unrevoked signing keys. */
    static void requireRegisteredBindingKey(AgentChanged agent, WarrantIssued warrant) {
        boolean registered = warrant.getConfirmationKeyThumbprint() != null
                && agent.getSigningKeys().stream()
                        .filter(key -> key.getRevokedAt() == null)
                        .anyMatch(key -> KeyThumbprints.ofEd25519(key.getPublicKey())
                                .map(warrant.getConfirmationKeyThumbprint()::equals)
                                .orElse(false));
        if (!registered) {
            throw new ProblemException(
                    403,
                    "Key not registered",
                    "warrant " + warrant.getWarrantId() + " is bound to a key that is not (or no longer) a registered"
                            + " signing key of agent " + agent.getAgentId());
        }
    }
}
