package dev.vienna.audit;

import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.ExecutionVerdict;
import dev.vienna.events.Topics;
import dev.vienna.events.VerdictOutcome;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.platform.tracing.RecordTracing;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Post-execution verification: checks every execution report against the warrant it names and publishes one
 * {@link ExecutionVerdict} per judgement on {@code execution-verdicts}, keyed by intentId (audit-service then chains it
 * and records it on the intent's lifecycle). Reads {@code warrants}, {@code warrant-claims} and {@code executions} (a
 * record that does not decode is ignored here; the appender chains it). Its stores, {@value #WARRANTS_STORE},
 * {@value #HELD_STORE} and {@value #DUE_STORE}, are changelogged and commit with the verdicts and the audit chain
 * (exactly-once). "Now" and a verdict's {@code occurredAt} are the stream thread's wall clock, in milliseconds. The
 * three topics are keyed by intentId, so a warrant, its claim and its reports meet in one task only when the report
 * names the warrant's intent.
 *
 * <p>A report of warrant W (settings: grace G, clock skew S, executor ids X) is VERIFIED when no rule fails, else a
 * VIOLATION with one reason per failing rule:
 *
 * <ol>
 *   <li>W was issued. A report of a warrant this task has not seen is held: it is judged by the rules below when W
 *       arrives; if W has not arrived by the report's {@code occurredAt} + G, the first scan after that (below) makes
 *       it a VIOLATION "no warrant W was issued" (plus "second execution report ..." when another report of W was
 *       judged before). A warrant forgotten (below) counts as not seen.
 *   <li>The report's intentId and tenantId are W's.
 *   <li>W was valid when execution started: {@code issuedAt - S <= startedAt <= expiresAt + S} (not checked for status
 *       REJECTED: nothing ran, and an executor refuses an expired warrant after its expiry, rightly).
 *   <li>The reporter is entitled. DIRECT W: the report's mode is DIRECT, its {@code executorId} is one of X and it
 *       carries no {@code signedReport}. PASSBACK W: the report's mode is PASSBACK, W has a
 *       {@code confirmationKeyThumbprint}, and the report carries a {@code signedReport} that
 *       {@code ExecutionReports.verify} accepts for that thumbprint, whose warrantId, intentId, actionDigest, status
 *       and startedAt/finishedAt (milliseconds) are the event's and whose agentId is W's agent.
 *   <li>The executed {@code actionDigest} is W's (not checked for status REJECTED: nothing ran).
 *   <li>It is W's only report: a report with another eventId than one judged before is a VIOLATION "second execution
 *       report for warrant W; the first was E"; a report whose eventId was judged already (a re-delivery) gives no
 *       verdict at all.
 *   <li>It was reported in time: {@code occurredAt <= expiresAt + G} (not checked for status REJECTED).
 * </ol>
 *
 * <p>A wall-clock punctuator scans {@value #DUE_STORE} every {@code scanInterval}, a range scan ordered by due time up
 * to now. At the first scan at or after W's {@code expiresAt + G}, W gets an UNREPORTED verdict if no report of it was
 * judged (its reason names the first {@code WarrantClaimed} of W seen, if any). A report that arrives after that is
 * judged by the rules above: a VIOLATION for lateness when its {@code occurredAt} is past {@code expiresAt + G}. What
 * is kept is forgotten after {@code retention}: W, {@code retention} after its {@code expiresAt + G}; a warrant known
 * only by a claim, {@code retention} after the claim's {@code expiresAt + G}; one known only by reports judged without
 * it, {@code retention} after such a report's {@code occurredAt + G}.
 *
 * <p>Verdict event ids are deterministic: {@code EventIds.of(W, "verdict")} for W's first verdict,
 * {@code EventIds.of(W, "verdict-n")} for its n-th. The reporter is {@code agent:<W's agent> key <keyId>} when a
 * PASSBACK report's signed report verifies, else the report's {@code executorId}; none for UNREPORTED.
 */
final class ExecutionVerifier implements Processor<byte[], byte[], String, ExecutionVerdict> {

    /** warrantId -> {@link WatchedWarrant}. */
    static final String WARRANTS_STORE = "verification-warrants";

    /** {@code <warrantId>/<occurredAt, 19 digits>/<eventId>} -> a report whose warrant has not been seen. */
    static final String HELD_STORE = "verification-held-reports";

    /**
     * {@code <due epoch ms, 19 digits>/<kind>/<ref>} -> ref: a warrant's deadline ({@code deadline}, at expiresAt +
     * grace) or end of retention ({@code forget}), ref its warrantId; a held report's deadline ({@code held}), ref its
     * key in {@value #HELD_STORE}.
     */
    static final String DUE_STORE = "verification-due";

    private static final String DEADLINE = "deadline";
    private static final String FORGET = "forget";
    private static final String HELD = "held";

    private final VerificationSettings settings;
    private final RecordTracing tracing;
    private final ExecutionRules rules;
    private final Deserializer<WarrantIssued> warrantDecoder =
            Topics.WARRANTS.valueSerde().deserializer();
    private final Deserializer<WarrantClaimed> claimDecoder =
            Topics.WARRANT_CLAIMS.valueSerde().deserializer();
    private final Deserializer<ExecutionReported> reportDecoder =
            Topics.EXECUTIONS.valueSerde().deserializer();
    private ProcessorContext<String, ExecutionVerdict> context;
    private KeyValueStore<String, WatchedWarrant> warrants;
    private KeyValueStore<String, ExecutionReported> held;
    private KeyValueStore<String, String> due;

    ExecutionVerifier(VerificationSettings settings, RecordTracing tracing) {
        this.settings = settings;
        this.tracing = tracing;
        this.rules = new ExecutionRules(settings);
    }

    @Override
    public void init(ProcessorContext<String, ExecutionVerdict> context) {
        this.context = context;
        this.warrants = context.getStateStore(WARRANTS_STORE);
        this.held = context.getStateStore(HELD_STORE);
        this.due = context.getStateStore(DUE_STORE);
        context.schedule(
                settings.scanInterval(), PunctuationType.WALL_CLOCK_TIME, now -> scan(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().orElseThrow().topic();
        if (topic.equals(Topics.WARRANTS.name())) {
            WarrantIssued issued = decoded(warrantDecoder, topic, record.value());
            if (issued != null) {
                issued(issued);
            }
        } else if (topic.equals(Topics.WARRANT_CLAIMS.name())) {
            WarrantClaimed claimed = decoded(claimDecoder, topic, record.value());
            if (claimed != null) {
                claimed(claimed);
            }
        } else if (topic.equals(Topics.EXECUTIONS.name())) {
            ExecutionReported report = decoded(reportDecoder, topic, record.value());
            if (report != null) {
                reported(report);
            }
        }
    }

    private static <V> V decoded(Deserializer<V> decoder, String topic, byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return decoder.deserialize(topic, value);
        } catch (RuntimeException e) {
            return null; // chained as Undecodable by the appender; nothing to verify
        }
    }

    /** Remembers a warrant's terms (the first WarrantIssued of it counts) and judges its held reports. */
    private void issued(WarrantIssued issued) {
        String warrantId = issued.getWarrantId();
        WatchedWarrant watched = warrants.get(warrantId);
        if (watched != null && watched.terms() != null) {
            return;
        }
        watched = (watched == null ? WatchedWarrant.unknown(warrantId) : watched)
                .withTerms(WatchedWarrant.Terms.of(issued));
        due.put(dueKey(rules.deadline(watched.terms()), DEADLINE, warrantId), warrantId);
        for (KeyValue<String, ExecutionReported> entry : heldReportsOf(warrantId)) {
            held.delete(entry.key);
            due.delete(dueKey(heldUntil(entry.value), HELD, entry.key));
            if (!watched.reports().contains(entry.value.getEventId())) {
                watched = judge(watched, entry.value);
            }
        }
        warrants.put(warrantId, watched);
    }

    private List<KeyValue<String, ExecutionReported>> heldReportsOf(String warrantId) {
        List<KeyValue<String, ExecutionReported>> reports = new ArrayList<>();
        try (var iterator = held.prefixScan(warrantId + "/", Serdes.String().serializer())) {
            iterator.forEachRemaining(entry -> {
                if (entry.value.getWarrantId().equals(warrantId)) {
                    reports.add(entry);
                }
            });
        }
        return reports;
    }

    /** Remembers the first claim of a warrant, for an UNREPORTED verdict to name. */
    private void claimed(WarrantClaimed claimed) {
        String warrantId = claimed.getWarrantId();
        WatchedWarrant watched = warrants.get(warrantId);
        if (watched == null) {
            watched = WatchedWarrant.unknown(warrantId);
            Instant forgetAt = claimed.getExpiresAt().plus(settings.grace()).plus(settings.retention());
            due.put(dueKey(forgetAt, FORGET, warrantId), warrantId);
        }
        warrants.put(warrantId, watched.withClaim(claimed.getExecutorId(), claimed.getOccurredAt()));
    }

    private void reported(ExecutionReported report) {
        String warrantId = report.getWarrantId();
        WatchedWarrant watched = warrants.get(warrantId);
        if (watched != null && watched.reports().contains(report.getEventId())) {
            return; // a re-delivery of a report already judged
        }
        if (watched == null || watched.terms() == null) {
            String key = heldKey(report);
            held.put(key, report);
            due.put(dueKey(heldUntil(report), HELD, key), key);
            return;
        }
        warrants.put(warrantId, judge(watched, report));
    }

    /** Judges a report of a known warrant and publishes the verdict. */
    private WatchedWarrant judge(WatchedWarrant watched, ExecutionReported report) {
        WatchedWarrant.Terms terms = watched.terms();
        ExecutionRules.Judgement judgement = rules.judge(watched.warrantId(), terms, report, watched.firstReport());
        publish(
                watched,
                terms.intentId(),
                terms.tenantId(),
                terms.mode(),
                judgement.reasons().isEmpty() ? VerdictOutcome.VERIFIED : VerdictOutcome.VIOLATION,
                judgement.reasons(),
                report.getEventId(),
                report.getStatus(),
                judgement.reporter());
        return watched.judged(report.getEventId());
    }

    /** Everything due up to {@code now}, in due order. */
    private void scan(Instant now) {
        List<KeyValue<String, String>> overdue = new ArrayList<>();
        try (var iterator = due.range(String.format("%019d", 0), String.format("%019d0", now.toEpochMilli()))) {
            iterator.forEachRemaining(overdue::add);
        }
        for (KeyValue<String, String> entry : overdue) {
            due.delete(entry.key);
            String kind = entry.key.substring(20, entry.key.indexOf('/', 20));
            Instant at = Instant.ofEpochMilli(Long.parseLong(entry.key.substring(0, 19)));
            switch (kind) {
                case DEADLINE -> deadlinePassed(entry.value);
                case FORGET -> forget(entry.value, at);
                case HELD -> noWarrantCame(entry.value);
                default -> throw new IllegalStateException("unknown due entry " + entry.key);
            }
        }
    }

    /** A warrant's expiry plus grace passed: UNREPORTED when no report was judged; forgotten after the retention. */
    private void deadlinePassed(String warrantId) {
        WatchedWarrant watched = warrants.get(warrantId);
        if (watched == null || watched.terms() == null) {
            return;
        }
        Instant deadline = rules.deadline(watched.terms());
        if (watched.reports().isEmpty()) {
            String reason = watched.claimedBy() != null
                    ? "no execution report by " + deadline + "; claimed by "
                            + ExecutionRules.quoted(watched.claimedBy()) + " at " + watched.claimedAt()
                    : "no execution report and no claim by " + deadline;
            publish(
                    watched,
                    watched.terms().intentId(),
                    watched.terms().tenantId(),
                    watched.terms().mode(),
                    VerdictOutcome.UNREPORTED,
                    List.of(reason),
                    null,
                    null,
                    null);
            watched = watched.unreported();
            warrants.put(warrantId, watched);
        }
        due.put(dueKey(deadline.plus(settings.retention()), FORGET, warrantId), warrantId);
    }

    /**
     * Forgets a warrant, unless it has terms whose own end of retention is later than {@code at} (an entry made for its
     * claim or report before it was issued).
     */
    private void forget(String warrantId, Instant at) {
        WatchedWarrant watched = warrants.get(warrantId);
        if (watched == null) {
            return;
        }
        if (watched.terms() != null
                && at.isBefore(rules.deadline(watched.terms()).plus(settings.retention()))) {
            return;
        }
        warrants.delete(warrantId);
    }

    /** A held report whose warrant did not come by its occurredAt plus grace: a VIOLATION. */
    private void noWarrantCame(String heldKey) {
        ExecutionReported report = held.get(heldKey);
        if (report == null) {
            return; // judged when its warrant came
        }
        held.delete(heldKey);
        String warrantId = report.getWarrantId();
        WatchedWarrant watched = warrants.get(warrantId);
        if (watched == null) {
            watched = WatchedWarrant.unknown(warrantId);
        }
        if (watched.reports().contains(report.getEventId())) {
            return;
        }
        List<String> reasons = new ArrayList<>();
        reasons.add("no warrant " + ExecutionRules.quoted(warrantId) + " was issued");
        if (watched.firstReport() != null) {
            reasons.add(ExecutionRules.secondReport(warrantId, watched.firstReport()));
        }
        publish(
                watched,
                report.getIntentId(),
                report.getTenantId(),
                report.getMode(),
                VerdictOutcome.VIOLATION,
                reasons,
                report.getEventId(),
                report.getStatus(),
                ExecutionRules.quoted(report.getExecutorId()));
        warrants.put(warrantId, watched.judged(report.getEventId()));
        Instant forgetAt = heldUntil(report).plus(settings.retention());
        due.put(dueKey(forgetAt, FORGET, warrantId), warrantId);
    }

    private void publish(
            WatchedWarrant watched,
            String intentId,
            String tenantId,
            ExecutionMode mode,
            VerdictOutcome outcome,
            List<String> reasons,
            String executionEventId,
            ExecutionStatus status,
            String reporter) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        ExecutionVerdict verdict = ExecutionVerdict.newBuilder()
                .setEventId(verdictId(watched.warrantId(), watched.verdicts() + 1))
                .setIntentId(intentId)
                .setTenantId(tenantId)
                .setOccurredAt(now)
                .setWarrantId(watched.warrantId())
                .setVerdict(outcome)
                .setReasons(List.copyOf(reasons))
                .setMode(mode)
                .setExecutionEventId(executionEventId)
                .setStatus(status)
                .setReporter(reporter)
                .build();
        // judged while a record is processed: the verdict joins that record's trace; from the scan: a trace of its own
        context.forward(new Record<>(intentId, verdict, now.toEpochMilli(), tracing.headers(Context.current())));
    }

    /** The event id of a warrant's n-th verdict (n from 1). */
    static String verdictId(String warrantId, int n) {
        return EventIds.of(warrantId, n == 1 ? "verdict" : "verdict-" + n);
    }

    private Instant heldUntil(ExecutionReported report) {
        return report.getOccurredAt().plus(settings.grace());
    }

    private static String heldKey(ExecutionReported report) {
        return report.getWarrantId() + "/"
                + String.format("%019d", Math.max(0, report.getOccurredAt().toEpochMilli())) + "/"
                + report.getEventId();
    }

    static String dueKey(Instant at, String kind, String ref) {
        return String.format("%019d", Math.max(0, at.toEpochMilli())) + "/" + kind + "/" + ref;
    }
}
