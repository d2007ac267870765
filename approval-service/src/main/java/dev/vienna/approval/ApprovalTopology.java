package dev.vienna.approval;

import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.Topics;
import dev.vienna.platform.streams.DeadLetterRouting;
import dev.vienna.platform.streams.RecordSizeLimit;
import dev.vienna.platform.tracing.RecordTracing;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.jboss.logging.Logger;

/**
 * The approval gate, keyed by intentId: an intent the policy denied is DENIED and one that needs no approval is
 * APPROVED at once (at the policy decision's time); any other is held in the {@value #APPROVALS_STORE} store until the
 * operators' votes on {@code approval-votes} (co-partitioned with {@code tiered}, same sub-topology) decide it by the
 * {@link ApprovalRules}, or a wall-clock punctuator EXPIRES it at its deadline. A vote that does not count is never
 * dropped silently: it goes to {@code dead-letter} with the reason. Every decision, automatic ones included, stays in
 * the store for {@code decidedRetention}, so late votes are refused as such and a re-delivered or re-tiered policy
 * decision for an intent already held or decided changes nothing; then the punctuator deletes it. Reads {@code tiered}
 * and {@code approval-votes}, writes {@code approved} and {@code dead-letter}; exactly-once, so a vote and the decision
 * it completes are committed together.
 */
public final class ApprovalTopology {

    public static final String SERVICE = "approval-service";
    /**
     * intentId -> {@link ApprovalState} of every intent held for operators (pending, or decided within the retention)
     * and of every intent decided automatically within the retention.
     */
    public static final String APPROVALS_STORE = "approvals";
    /**
     * {@code <epoch ms, 19 digits>/<intentId>} -> intentId: when each held intent is due (its deadline, or the end of
     * its retention).
     */
    public static final String DUE_STORE = "approvals-due";

    private static final Logger LOG = Logger.getLogger(ApprovalTopology.class);

    /** How the gate runs: the rules, how often the punctuator looks at the clock, how long decisions are kept. */
    public record Settings(ApprovalRules rules, Duration punctuationInterval, Duration decidedRetention) {
        public static Settings of(ApprovalConfig config) {
            return new Settings(ApprovalRules.of(config), config.punctuationInterval(), config.decidedRetention());
        }
    }

    public static Topology buildTopology(Settings settings, RecordTracing tracing) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(APPROVALS_STORE), Serdes.String(), new ApprovalStateSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DUE_STORE), Serdes.String(), Serdes.String()));

        KStream<String, Input> tiered = DeadLetterRouting.decodeOrDeadLetter(builder, Topics.TIERED, SERVICE, tracing)
                .mapValues(Input::tiered, Named.as("tiered-input"));
        KStream<String, Input> votes = DeadLetterRouting.decodeOrDeadLetter(
                        builder, Topics.APPROVAL_VOTES, SERVICE, tracing)
                .mapValues(Input::vote, Named.as("vote-input"));
        Map<String, KStream<String, Output>> outputs = tiered.merge(votes, Named.as("approval-inputs"))
                .process(
                        () -> new ApprovalGate(settings, tracing),
                        Named.as("approval-gate"),
                        APPROVALS_STORE,
                        DUE_STORE)
                .split(Named.as("approval-"))
                .branch((intentId, out) -> out.decided() != null, Branched.as("decided"))
                .defaultBranch(Branched.as("refused"));
        outputs.get("approval-decided")
                .mapValues(Output::decided, Named.as("decision"))
                .to(Topics.APPROVED.name(), RecordSizeLimit.produced(Topics.APPROVED, "approved-sink"));
        var voteBytes = Topics.APPROVAL_VOTES.valueSerde().serializer();
        outputs.get("approval-refused")
                .mapValues(
                        out -> voteBytes.serialize(Topics.APPROVAL_VOTES.name(), out.refused()),
                        Named.as("refused-vote-bytes"))
                .to(
                        Topics.DEAD_LETTER.name(),
                        RecordSizeLimit.produced(Topics.DEAD_LETTER, "refused-vote-dead-letter"));
        return builder.build();
    }

    /** What the gate consumes: a policy verdict or a vote. */
    record Input(IntentTiered tiered, ApprovalVoteCast vote) {
        static Input tiered(IntentTiered tiered) {
            return new Input(tiered, null);
        }

        static Input vote(ApprovalVoteCast vote) {
            return new Input(null, vote);
        }
    }

    /** What the gate produces: a decision, or a vote that did not count (its reason travels in dead-letter headers). */
    record Output(ApprovalDecided decided, ApprovalVoteCast refused) {}

    static final class ApprovalGate implements Processor<String, Input, String, Output> {
        private final Settings settings;
        private final RecordTracing tracing;
        private ProcessorContext<String, Output> context;
        private KeyValueStore<String, ApprovalState> approvals;
        private KeyValueStore<String, String> due;

        ApprovalGate(Settings settings, RecordTracing tracing) {
            this.settings = settings;
            this.tracing = tracing;
        }

        @Override
        public void init(ProcessorContext<String, Output> context) {
            this.context = context;
            this.approvals = context.getStateStore(APPROVALS_STORE);
            this.due = context.getStateStore(DUE_STORE);
            context.schedule(
                    settings.punctuationInterval(),
                    PunctuationType.WALL_CLOCK_TIME,
                    now -> expireAndForget(Instant.ofEpochMilli(now)));
        }

        @Override
        public void process(Record<String, Input> record) {
            if (record.value().tiered() != null) {
                hold(record.key(), record.value().tiered(), record);
            } else {
                count(record.key(), record.value().vote(), record);
            }
        }

        /**
         * A policy decision for an intent this gate already holds or decided (re-delivered, or tiered again) changes
         * nothing, whatever it says; checked before anything else, so a later ALLOW with no approvals cannot approve an
         * intent held for operators, nor a DENY undo an automatic approval.
         */
        private void hold(String intentId, IntentTiered tiered, Record<String, Input> record) {
            ApprovalState known = approvals.get(intentId);
            if (known != null) {
                LOG.infof(
                        "intent %s is already %s; the policy decision %s (%s, %d approval(s), policy %s) changes nothing",
                        intentId,
                        known.decided() ? known.decision().getOutcome() : "held for approval",
                        tiered.getEventId(),
                        tiered.getDecision(),
                        tiered.getRequiredApprovals(),
                        tiered.getPolicyVersion());
            } else if (tiered.getDecision() == PolicyDecision.DENY) {
                decideAutomatically(record, tiered, ApprovalOutcome.DENIED);
            } else if (tiered.getRequiredApprovals() <= 0) {
                decideAutomatically(record, tiered, ApprovalOutcome.APPROVED);
            } else {
                ApprovalState state =
                        ApprovalState.pending(tiered, settings.rules().deadlineOf(tiered));
                approvals.put(intentId, state);
                due.put(dueKey(state.deadline(), intentId), intentId);
            }
        }

        /**
         * Decides at once (at the policy decision's time, so a re-processed intent is decided identically) and keeps
         * the decision for the retention like any other, so a later policy decision for the intent is ignored.
         */
        private void decideAutomatically(Record<String, Input> record, IntentTiered tiered, ApprovalOutcome outcome) {
            ApprovalDecided decided = ApprovalRules.decideAutomatically(tiered, outcome);
            ApprovalState done =
                    ApprovalState.pending(tiered, decided.getOccurredAt()).withDecision(decided);
            approvals.put(done.intentId(), done);
            due.put(dueKey(now().plus(settings.decidedRetention()), done.intentId()), done.intentId());
            emit(record, decided);
        }

        private void count(String intentId, ApprovalVoteCast vote, Record<String, Input> record) {
            Instant now = now();
            ApprovalState state = approvals.get(intentId);
            if (state != null && !state.decided() && !now.isBefore(state.deadline())) {
                state = expire(state);
            }
            Optional<ApprovalRules.Refusal> refusal = !intentId.equals(vote.getIntentId())
                    ? Optional.of(new ApprovalRules.Refusal(
                            ApprovalRules.Kind.UNKNOWN_INTENT,
                            "record key " + intentId + " is not the vote's intent " + vote.getIntentId()))
                    : settings.rules().refusal(state, vote, now);
            if (refusal.isPresent()) {
                refuse(record, vote, refusal.get());
                return;
            }
            ApprovalState counted = state.withVote(vote);
            Optional<ApprovalOutcome> outcome = settings.rules().outcome(counted);
            if (outcome.isPresent()) {
                decide(counted, ApprovalRules.decide(counted, outcome.get(), vote.getOccurredAt()), record.timestamp());
            } else {
                approvals.put(intentId, counted);
            }
        }

        /** Every held intent whose deadline passed is EXPIRED; every decision older than the retention is forgotten. */
        private void expireAndForget(Instant now) {
            List<KeyValue<String, String>> overdue = new ArrayList<>();
            try (var iterator = due.all()) {
                while (iterator.hasNext()) {
                    KeyValue<String, String> entry = iterator.next();
                    if (Instant.ofEpochMilli(Long.parseLong(entry.key.substring(0, 19)))
                            .isAfter(now)) {
                        break;
                    }
                    overdue.add(entry);
                }
            }
            for (KeyValue<String, String> entry : overdue) {
                due.delete(entry.key);
                ApprovalState state = approvals.get(entry.value);
                if (state == null) {
                    continue;
                }
                if (state.decided()) {
                    approvals.delete(entry.value);
                } else {
                    expire(state);
                }
            }
        }

        private ApprovalState expire(ApprovalState state) {
            ApprovalDecided expired = ApprovalRules.decide(state, ApprovalOutcome.EXPIRED, state.deadline());
            return decide(state, expired, now().toEpochMilli());
        }

        /** Stores the decision, re-files the intent as due at the end of the retention and publishes the decision. */
        private ApprovalState decide(ApprovalState state, ApprovalDecided decided, long timestamp) {
            ApprovalState done = state.withDecision(decided);
            approvals.put(state.intentId(), done);
            due.delete(dueKey(state.deadline(), state.intentId()));
            due.put(dueKey(now().plus(settings.decidedRetention()), state.intentId()), state.intentId());
            // decided by a vote: the decision joins the vote's trace; expired by the punctuator: a trace of its own
            context.forward(new Record<>(
                    state.intentId(), new Output(decided, null), timestamp, tracing.headers(Context.current())));
            return done;
        }

        private void emit(Record<String, Input> record, ApprovalDecided decided) {
            context.forward(record.withValue(new Output(decided, null)));
        }

        private void refuse(Record<String, Input> record, ApprovalVoteCast vote, ApprovalRules.Refusal refusal) {
            var metadata = context.recordMetadata().orElseThrow();
            var headers = DeadLetterHeaders.describe(
                    new RecordHeaders(record.headers().toArray()),
                    "vote refused (" + refusal.kind() + "): " + refusal.detail(),
                    SERVICE,
                    metadata.topic(),
                    metadata.partition(),
                    metadata.offset(),
                    now().toEpochMilli());
            LOG.infof(
                    "vote %s by %s on intent %s refused: %s",
                    vote.getEventId(), vote.getOperatorId(), vote.getIntentId(), refusal.detail());
            context.forward(new Record<>(record.key(), new Output(null, vote), record.timestamp(), headers));
        }

        private Instant now() {
            return Instant.ofEpochMilli(context.currentSystemTimeMs());
        }
    }

    static String dueKey(Instant at, String intentId) {
        return String.format("%019d/%s", Math.max(0, at.toEpochMilli()), intentId);
    }

    private ApprovalTopology() {}
}
