package dev.vienna.policy;

import dev.vienna.events.EventIds;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.Topics;
import dev.vienna.platform.streams.DeadLetterRouting;
import dev.vienna.platform.streams.RecordSizeLimit;
import dev.vienna.policy.engine.Decision;
import dev.vienna.policy.engine.PolicySet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;

/**
 * Reads {@code intents}, decides each with the active policy set (rules, risk score, shadow rules), writes the decision
 * and its explanation to {@code tiered}. The policy set is read per record, so a reload takes effect with the next
 * intent.
 */
public final class PolicyTopology {

    public static final String SERVICE = "policy-service";

    public static Topology buildTopology(Supplier<PolicySet> policy, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        DeadLetterRouting.decodeOrDeadLetter(builder, Topics.INTENTS, SERVICE)
                .mapValues(accepted -> tier(accepted, policy.get(), clock.instant()), Named.as("decide"))
                .to(Topics.TIERED.name(), RecordSizeLimit.produced(Topics.TIERED, "tiered-sink"));
        return builder.build();
    }

    static IntentTiered tier(IntentAccepted accepted, PolicySet policy, Instant now) {
        Decision d = policy.evaluate(accepted.getIntent(), now);
        return IntentTiered.newBuilder()
                .setEventId(EventIds.of(accepted.getIntentId(), "tiered"))
                .setIntentId(accepted.getIntentId())
                .setTenantId(accepted.getTenantId())
                .setOccurredAt(now.truncatedTo(ChronoUnit.MILLIS))
                .setIntent(accepted.getIntent())
                .setDecision(d.decision())
                .setTier(d.tier())
                .setMode(d.mode())
                .setRequiredApprovals(d.requiredApprovals())
                .setReasons(d.reasons())
                .setConstraints(d.constraints())
                .setPolicyVersion(d.policyVersion())
                .setRiskScore(d.riskScore())
                .setScoreFactors(d.scoreFactors())
                .setScoreTier(d.scoreTier())
                .setMatchedRules(d.matchedRules())
                .setApproverRole(d.approverRole())
                .setJustificationRequired(d.justificationRequired())
                .setApprovalTtl(d.approvalTtl() == null ? null : d.approvalTtl().toString())
                .build();
    }

    private PolicyTopology() {}
}
