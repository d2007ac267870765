package dev.vienna.testing;

import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Intent;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.SubmissionChannel;
import dev.vienna.events.Tier;
import dev.vienna.events.VoteDecision;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.kafka.events.WarrantEvents;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantTokens;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builders of pipeline events for tests, one place for every module's fixtures. */
public final class TestEvents {

    public static Intent intent(String action) {
        return Intent.newBuilder()
                .setAgentId("agent-7")
                .setAction(action)
                .setResource("api-server")
                .setParamsJson("{\"replicas\":25}")
                .setJustification("load test")
                .build();
    }

    public static IntentAccepted accepted(String intentId, String action) {
        return IntentAccepted.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setIntentId(intentId)
                .setTenantId("acme")
                .setOccurredAt(now())
                .setChannel(SubmissionChannel.HTTP)
                .setIntent(intent(action))
                .build();
    }

    public static IntentTiered tiered(String intentId, String action, Tier tier) {
        boolean human = tier == Tier.T2 || tier == Tier.T3;
        return IntentTiered.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setIntentId(intentId)
                .setTenantId("acme")
                .setOccurredAt(now())
                .setIntent(intent(action))
                .setDecision(PolicyDecision.ALLOW)
                .setTier(tier)
                .setMode(human ? ExecutionMode.PASSBACK : ExecutionMode.DIRECT)
                .setRequiredApprovals(tier == Tier.T3 ? 2 : human ? 1 : 0)
                .setReasons(List.of("test"))
                .setConstraints(Map.of())
                .setPolicyVersion("test-policy")
                .build();
    }

    public static ApprovalDecided approved(String intentId, String action, Tier tier, ExecutionMode mode) {
        return ApprovalDecided.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setIntentId(intentId)
                .setTenantId("acme")
                .setOccurredAt(now())
                .setIntent(intent(action))
                .setOutcome(ApprovalOutcome.APPROVED)
                .setTier(tier)
                .setMode(mode)
                .setAutomatic(true)
                .setApprovals(List.of())
                .setConstraints(Map.of("max_replicas", "params.replicas <= 50"))
                .setPolicyVersion("test-policy")
                .build();
    }

    /** The digest of the intent's action, as an operator's vote must name it (sdk ActionRequest). */
    public static String digestOf(Intent intent) {
        return new ActionRequest(intent.getAgentId(), intent.getAction(), intent.getResource(), intent.getParamsJson())
                .digest();
    }

    /** An operator's vote on {@code intent} (tenant acme), cast now by a holder of the approver role. */
    public static ApprovalVoteCast vote(
            String intentId, Intent intent, String operatorId, VoteDecision decision, String reason) {
        return ApprovalVoteCast.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setIntentId(intentId)
                .setTenantId("acme")
                .setOccurredAt(now())
                .setOperatorId(operatorId)
                .setDecision(decision)
                .setReason(reason)
                .setActionDigest(digestOf(intent))
                .setRoles(List.of("approver"))
                .build();
    }

    /** The executor audience the services use by default. */
    public static final String EXECUTOR_AUDIENCE = "vienna-executor";

    /** A signed warrant for {@code restart_service} on api-gateway, valid for 15 minutes from now. */
    public static WarrantIssued warrant(String intentId, ExecutionMode mode, WarrantKey key) {
        return warrant(intentId, mode, key, "agent-7");
    }

    /** The same for another agent (kill-switch tests revoke a whole agent). */
    public static WarrantIssued warrant(String intentId, ExecutionMode mode, WarrantKey key, String agentId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String params = "{\"graceful\":true}";
        ActionRequest action = new ActionRequest(agentId, "restart_service", "api-gateway", params);
        WarrantClaims claims = new WarrantClaims(
                "vienna",
                action.agentId(),
                WarrantTokens.audienceFor(WarrantEvents.mode(mode), action.agentId(), EXECUTOR_AUDIENCE),
                "w-" + intentId,
                now,
                now,
                now.plusSeconds(900),
                intentId,
                "acme",
                action.action(),
                action.resource(),
                WarrantClaims.Tier.T1,
                WarrantEvents.mode(mode),
                Map.of(),
                List.of(),
                "test-policy",
                action.digest());
        return WarrantEvents.issue(claims, params, key);
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private TestEvents() {}
}
