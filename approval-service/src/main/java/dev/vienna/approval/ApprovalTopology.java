package dev.vienna.approval;

import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.Topics;
import dev.vienna.platform.DeadLetterRouting;
import dev.vienna.events.EventIds;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The approval gate: an intent the policy denied is DENIED; one that needs no operator approval
 * (T0/T1) is APPROVED at once; any other waits in the {@value #PENDING_STORE} store for operators.
 * Reads {@code tiered}, writes {@code approved}.
 */
public final class ApprovalTopology {

  public static final String SERVICE = "approval-service";
  public static final String PENDING_STORE = "pending-approvals";

  public static Topology buildTopology(Clock clock) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), Topics.TIERED.valueSerde()));
    DeadLetterRouting.decodeOrDeadLetter(builder, Topics.TIERED, SERVICE)
        .process(() -> new ApprovalGate(clock), Named.as("approval-gate"), PENDING_STORE)
        .to(Topics.APPROVED.name(), Produced.with(Topics.APPROVED.keySerde(), Topics.APPROVED.valueSerde()).withName("approved-sink"));
    return builder.build();
  }

  static final class ApprovalGate implements Processor<String, IntentTiered, String, ApprovalDecided> {
    private final Clock clock;
    private ProcessorContext<String, ApprovalDecided> context;
    private KeyValueStore<String, IntentTiered> pending;

    ApprovalGate(Clock clock) {
      this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, ApprovalDecided> context) {
      this.context = context;
      this.pending = context.getStateStore(PENDING_STORE);
    }

    @Override
    public void process(Record<String, IntentTiered> record) {
      IntentTiered tiered = record.value();
      if (tiered.getDecision() == PolicyDecision.DENY) {
        context.forward(record.withValue(decide(tiered, ApprovalOutcome.DENIED)));
      } else if (tiered.getRequiredApprovals() == 0) {
        context.forward(record.withValue(decide(tiered, ApprovalOutcome.APPROVED)));
      } else {
        pending.put(tiered.getIntentId(), tiered);
      }
    }

    private ApprovalDecided decide(IntentTiered tiered, ApprovalOutcome outcome) {
      return ApprovalDecided.newBuilder()
          .setEventId(EventIds.of(tiered.getIntentId(), "approval"))
          .setIntentId(tiered.getIntentId())
          .setTenantId(tiered.getTenantId())
          .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
          .setIntent(tiered.getIntent())
          .setOutcome(outcome)
          .setTier(tiered.getTier())
          .setMode(tiered.getMode())
          .setAutomatic(true)
          .setApprovals(List.of())
          .setConstraints(tiered.getConstraints())
          .setPolicyVersion(tiered.getPolicyVersion())
          .build();
    }
  }

  private ApprovalTopology() {}
}
