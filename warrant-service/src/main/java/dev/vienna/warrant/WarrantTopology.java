package dev.vienna.warrant;

import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.platform.streams.DeadLetterRouting;
import dev.vienna.platform.streams.RecordSizeLimit;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.kafka.events.WarrantEvents;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantLifetime;
import dev.vienna.sdk.warrant.WarrantTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * Issues exactly one warrant per APPROVED intent (DENIED and EXPIRED get none, nor does an agent that is suspended or
 * not registered, nor a PASSBACK intent of an agent with no signing key to bind it to: its approval is dead-lettered
 * with the reason): a compact JWS for the intent's agent, action, resource and params (bound by their digest), tier,
 * mode, constraints and approvers; a PASSBACK warrant is also bound ({@code cnf.jkt}) to the agent's newest registered
 * Ed25519 key, so only that key's holder can use it. Deterministic: its id and times derive from the approval (never
 * the clock), and both signature algorithms are deterministic, so a re-delivered or re-processed approval yields the
 * byte-identical warrant (a PASSBACK one as long as the agent's binding key is the same). Reads {@code approved},
 * writes {@code warrants}.
 */
public final class WarrantTopology {

    public static final String SERVICE = "warrant-service";

    /** A policy constraint that shortens the warrant's lifetime (ISO-8601 duration, e.g. PT2M). */
    public static final String LIFETIME_CONSTRAINT = WarrantLifetime.CONSTRAINT;

    /**
     * What a warrant is issued with: the signing key per mode, issuer, executor audience, lifetime caps, why an agent
     * may get no warrant (suspended, unregistered: the reason, or empty when it may), and the RFC 7638 thumbprint of
     * the key an agent's PASSBACK warrants are bound to (empty when it has none).
     */
    public record Issuer(
            Function<ExecutionMode, WarrantKey> keyFor,
            String issuer,
            String executorAudience,
            Function<Tier, Duration> maxLifetime,
            Function<String, Optional<String>> agentRefusal,
            Function<String, Optional<String>> bindingThumbprint) {}

    public static Topology buildTopology(Issuer issuer, RecordTracing tracing) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, ApprovalDecided> approved = DeadLetterRouting.decodeOrDeadLetter(
                        builder, Topics.APPROVED, SERVICE, tracing)
                .filter(
                        (intentId, decided) -> decided.getOutcome() == ApprovalOutcome.APPROVED,
                        Named.as("approved-only"));
        // a suspended (or unknown) agent gets no warrant, held approvals included: the approval is dead-lettered
        // with the reason, so the audit log shows why no warrant followed it
        DeadLetterRouting.refuseOrPass(
                        approved, Topics.APPROVED, decided -> refusal(decided, issuer), SERVICE, "agent-allowed")
                .mapValues(decided -> issue(decided, issuer), Named.as("issue-warrant"))
                .to(Topics.WARRANTS.name(), RecordSizeLimit.produced(Topics.WARRANTS, "warrants-sink"));
        return builder.build();
    }

    /** Why {@code decided} gets no warrant: its agent may not act, or a PASSBACK one has no key to bind it to. */
    static Optional<String> refusal(ApprovalDecided decided, Issuer issuer) {
        String agentId = decided.getIntent().getAgentId();
        Optional<String> inactive = issuer.agentRefusal().apply(agentId);
        if (inactive.isPresent()) {
            return inactive.map(why -> "no warrant: " + why);
        }
        if (decided.getMode() == ExecutionMode.PASSBACK
                && issuer.bindingThumbprint().apply(agentId).isEmpty()) {
            return Optional.of("no warrant: agent " + agentId
                    + " has no registered signing key to bind its PASSBACK warrant to (cnf)");
        }
        return Optional.empty();
    }

    static WarrantIssued issue(ApprovalDecided decided, Issuer issuer) {
        var intent = decided.getIntent();
        // JWT times are whole seconds; the approval's time makes the warrant reproducible
        Instant issuedAt = decided.getOccurredAt().truncatedTo(ChronoUnit.SECONDS);
        ActionRequest action = new ActionRequest(
                intent.getAgentId(), intent.getAction(), intent.getResource(), intent.getParamsJson());
        WarrantClaims claims = new WarrantClaims(
                issuer.issuer(),
                intent.getAgentId(),
                WarrantTokens.audienceFor(
                        WarrantEvents.mode(decided.getMode()), intent.getAgentId(), issuer.executorAudience()),
                EventIds.of(decided.getIntentId(), "warrant"),
                issuedAt,
                issuedAt,
                issuedAt.plus(lifetime(decided, issuer.maxLifetime().apply(decided.getTier()))),
                decided.getIntentId(),
                decided.getTenantId(),
                intent.getAction(),
                intent.getResource(),
                WarrantEvents.tier(decided.getTier()),
                WarrantEvents.mode(decided.getMode()),
                decided.getConstraints(),
                decided.getApprovals().stream()
                        .map(a -> new WarrantClaims.Approver(
                                a.getOperatorId(), a.getApprovedAt().truncatedTo(ChronoUnit.SECONDS)))
                        .toList(),
                decided.getPolicyVersion(),
                action.digest());
        if (decided.getMode() == ExecutionMode.PASSBACK) {
            claims = claims.boundTo(issuer.bindingThumbprint()
                    .apply(intent.getAgentId())
                    .orElseThrow(() -> new IllegalStateException("checked by refusal()")));
        }
        WarrantIssued warrant = WarrantEvents.issue(
                claims, intent.getParamsJson(), issuer.keyFor().apply(decided.getMode()));
        // the event keeps the approval's exact time, so timelines order it after the approval
        warrant.setOccurredAt(decided.getOccurredAt());
        return warrant;
    }

    /**
     * The policy's lifetime constraint when it is shorter than the tier's cap; an unreadable one falls back to the cap.
     */
    static Duration lifetime(ApprovalDecided decided, Duration cap) {
        String asked = decided.getConstraints().get(LIFETIME_CONSTRAINT);
        if (asked == null) {
            return cap;
        }
        try {
            Duration requested = WarrantLifetime.parse(asked);
            return requested.compareTo(cap) > 0 ? cap : requested;
        } catch (IllegalArgumentException e) {
            return cap;
        }
    }

    private WarrantTopology() {}
}
