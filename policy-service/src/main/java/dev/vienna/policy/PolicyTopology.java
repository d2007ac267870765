package dev.vienna.policy;

import dev.vienna.events.EventIds;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.Topics;
import dev.vienna.platform.streams.DeadLetterRouting;
import dev.vienna.platform.streams.RecordSizeLimit;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.policy.engine.Decision;
import dev.vienna.policy.engine.PolicySet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Reads {@code intents}, decides each with the active policy set (rules, risk score, shadow rules), writes the decision
 * and its explanation to {@code tiered}. The policy set is read per record, so a reload takes effect with the next
 * intent. An intentId is decided once ({@link FirstDecision}).
 */
public final class PolicyTopology {

    public static final String SERVICE = "policy-service";

    /** The intents decided lately, by intentId: a window store, so entries older than {@link #DEDUPE_WINDOW} go. */
    public static final String DECIDED_STORE = "decided-intents";

    /** How long an intentId is remembered: a re-publication within it is not decided again. */
    public static final Duration DEDUPE_WINDOW = Duration.ofHours(24);

    public static Topology buildTopology(Supplier<PolicySet> policy, Clock clock, RecordTracing tracing) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DECIDED_STORE, DEDUPE_WINDOW, DEDUPE_WINDOW, false),
                Serdes.String(),
                Serdes.Long()));
        DeadLetterRouting.decodeOrDeadLetter(builder, Topics.INTENTS, SERVICE, tracing)
                .processValues(FirstDecision::new, Named.as("first-decision"), DECIDED_STORE)
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

    /**
     * Passes an intent only the first time its intentId is seen within {@link #DEDUPE_WINDOW}: an intent published
     * again (two intake instances answering one idempotency key, which derive the same intentId from it; a signed
     * submission re-delivered) is decided once, so approval never sees it twice. The re-publication stays on
     * {@code intents} and in the audit log; it is logged here. Exactly-once with the decision (the store's changelog is
     * in the same transaction).
     */
    static final class FirstDecision implements FixedKeyProcessor<String, IntentAccepted, IntentAccepted> {
        private FixedKeyProcessorContext<String, IntentAccepted> context;
        private WindowStore<String, Long> decided;

        @Override
        public void init(FixedKeyProcessorContext<String, IntentAccepted> context) {
            this.context = context;
            this.decided = context.getStateStore(DECIDED_STORE);
        }

        @Override
        public void process(FixedKeyRecord<String, IntentAccepted> record) {
            String intentId = record.value().getIntentId();
            long at = record.timestamp();
            long window = DEDUPE_WINDOW.toMillis();
            try (var earlier = decided.fetch(intentId, at - window, at + window)) {
                if (earlier.hasNext()) {
                    LOG.infof(
                            "intent %s was published again (event %s): decided once already, not again",
                            intentId, record.value().getEventId());
                    return;
                }
            }
            decided.put(intentId, at, at);
            context.forward(record);
        }
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(PolicyTopology.class);

    private PolicyTopology() {}
}
