package dev.vienna.policy;

import dev.vienna.events.IntentAccepted;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.Topics;
import dev.vienna.platform.DeadLetterRouting;
import dev.vienna.events.EventIds;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** Reads {@code intents}, classifies each intent with the {@link TierTable}, writes {@code tiered}. */
public final class PolicyTopology {

  public static final String SERVICE = "policy-service";

  public static Topology buildTopology(TierTable table, Clock clock) {
    StreamsBuilder builder = new StreamsBuilder();
    DeadLetterRouting.decodeOrDeadLetter(builder, Topics.INTENTS, SERVICE)
        .mapValues(accepted -> tier(accepted, table, clock), Named.as("classify"))
        .to(Topics.TIERED.name(), Produced.with(Topics.TIERED.keySerde(), Topics.TIERED.valueSerde()).withName("tiered-sink"));
    return builder.build();
  }

  static IntentTiered tier(IntentAccepted accepted, TierTable table, Clock clock) {
    TierTable.Classification c = table.classify(accepted.getIntent());
    return IntentTiered.newBuilder()
        .setEventId(EventIds.of(accepted.getIntentId(), "tiered"))
        .setIntentId(accepted.getIntentId())
        .setTenantId(accepted.getTenantId())
        .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
        .setIntent(accepted.getIntent())
        .setDecision(c.decision())
        .setTier(c.tier())
        .setMode(c.mode())
        .setRequiredApprovals(c.requiredApprovals())
        .setReasons(c.reasons())
        .setConstraints(Map.of())
        .setPolicyVersion(table.version())
        .build();
  }

  private PolicyTopology() {}
}
