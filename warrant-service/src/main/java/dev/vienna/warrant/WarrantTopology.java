package dev.vienna.warrant;

import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.Approval;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.platform.DeadLetterRouting;
import dev.vienna.platform.EventIds;
import dev.vienna.sdk.WarrantKey;
import dev.vienna.sdk.WarrantSignatures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Issues exactly one warrant per APPROVED intent (DENIED and EXPIRED get none): the intent's agent,
 * action, resource and params, its tier, mode and constraints, its approvers, a lifetime by tier,
 * signed with the configured key. Reads {@code approved}, writes {@code warrants}.
 */
public final class WarrantTopology {

  public static final String SERVICE = "warrant-service";

  public static Topology buildTopology(WarrantKey key, Function<Tier, Duration> lifetime, Clock clock) {
    StreamsBuilder builder = new StreamsBuilder();
    DeadLetterRouting.decodeOrDeadLetter(builder, Topics.APPROVED, SERVICE)
        .filter((intentId, decided) -> decided.getOutcome() == ApprovalOutcome.APPROVED, Named.as("approved-only"))
        .mapValues(decided -> issue(decided, key, lifetime, clock), Named.as("issue-warrant"))
        .to(Topics.WARRANTS.name(), Produced.with(Topics.WARRANTS.keySerde(), Topics.WARRANTS.valueSerde()).withName("warrants-sink"));
    return builder.build();
  }

  static WarrantIssued issue(ApprovalDecided decided, WarrantKey key, Function<Tier, Duration> lifetime, Clock clock) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    var intent = decided.getIntent();
    WarrantIssued.Builder warrant =
        WarrantIssued.newBuilder()
            .setEventId(EventIds.of(decided.getIntentId(), "warrant-issued"))
            .setIntentId(decided.getIntentId())
            .setTenantId(decided.getTenantId())
            .setOccurredAt(now)
            .setWarrantId(EventIds.of(decided.getIntentId(), "warrant"))
            .setAgentId(intent.getAgentId())
            .setAction(intent.getAction())
            .setResource(intent.getResource())
            .setParamsJson(intent.getParamsJson())
            .setTier(decided.getTier())
            .setMode(decided.getMode())
            .setConstraints(decided.getConstraints())
            .setApprovedBy(decided.getApprovals().stream().map(Approval::getOperatorId).toList())
            .setPolicyVersion(decided.getPolicyVersion())
            .setIssuedAt(now)
            .setExpiresAt(now.plus(lifetime.apply(decided.getTier())));
    return WarrantSignatures.sign(warrant, key);
  }

  private WarrantTopology() {}
}
