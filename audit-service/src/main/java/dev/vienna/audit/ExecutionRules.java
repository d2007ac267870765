package dev.vienna.audit;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.sdk.warrant.ExecutionReport;
import dev.vienna.sdk.warrant.ExecutionReports;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The checks of one execution report against the warrant it names (the rules are listed on {@link ExecutionVerifier}).
 * Every failing rule gives one reason; none means VERIFIED. Values from the report are quoted (in reasons and as the
 * reporter) at most {@value #MAX_QUOTED_CHARS} characters long, so a verdict stays small whatever a report holds.
 */
final class ExecutionRules {

    static final int MAX_QUOTED_CHARS = 200;

    private final VerificationSettings settings;

    ExecutionRules(VerificationSettings settings) {
        this.settings = settings;
    }

    /** The reasons the report fails (empty: it passes) and who reported it. */
    record Judgement(List<String> reasons, String reporter) {}

    /**
     * Judges {@code report} of the warrant {@code warrantId} with {@code terms}; {@code firstReport} is the event id of
     * a report of it judged before (null when this is the first).
     */
    Judgement judge(String warrantId, WatchedWarrant.Terms terms, ExecutionReported report, String firstReport) {
        List<String> reasons = new ArrayList<>();
        // a REJECTED report says nothing ran: it must come from the entitled reporter, once, but the rules about
        // what ran, and when, do not apply (an executor refuses an expired warrant after its expiry, rightly)
        boolean ran = report.getStatus() != ExecutionStatus.REJECTED;
        sameIntent(terms, report, reasons);
        if (ran) {
            validAtStart(terms, report, reasons);
        }
        String reporter = terms.mode() == ExecutionMode.DIRECT
                ? directReporter(report, reasons)
                : passbackReporter(warrantId, terms, report, reasons);
        if (ran) {
            sameAction(terms, report, reasons);
        }
        if (firstReport != null) {
            reasons.add(secondReport(warrantId, firstReport));
        }
        Instant deadline = deadline(terms);
        if (ran && report.getOccurredAt().isAfter(deadline)) {
            reasons.add("reported at " + report.getOccurredAt() + ", after the warrant's expiry plus grace ("
                    + terms.expiresAt() + " + " + settings.grace() + " = " + deadline + ")");
        }
        return new Judgement(List.copyOf(reasons), reporter);
    }

    /** When a warrant's report is due at the latest: its expiry plus the grace. */
    Instant deadline(WatchedWarrant.Terms terms) {
        return terms.expiresAt().plus(settings.grace());
    }

    static String secondReport(String warrantId, String firstReport) {
        return "second execution report for warrant " + quoted(warrantId) + "; the first was " + quoted(firstReport);
    }

    private static void sameIntent(WatchedWarrant.Terms terms, ExecutionReported report, List<String> reasons) {
        if (!terms.intentId().equals(report.getIntentId())) {
            reasons.add("the report is for intent " + quoted(report.getIntentId()) + ", the warrant for intent "
                    + terms.intentId());
        }
        if (!terms.tenantId().equals(report.getTenantId())) {
            reasons.add("the report is in tenant " + quoted(report.getTenantId()) + ", the warrant in tenant "
                    + terms.tenantId());
        }
    }

    private void validAtStart(WatchedWarrant.Terms terms, ExecutionReported report, List<String> reasons) {
        Instant started = report.getStartedAt();
        if (started.isBefore(terms.issuedAt().minus(settings.clockSkew()))) {
            reasons.add("execution started at " + started + ", before the warrant was issued at " + terms.issuedAt()
                    + " (clock skew allowed: " + settings.clockSkew() + ")");
        }
        if (started.isAfter(terms.expiresAt().plus(settings.clockSkew()))) {
            reasons.add("execution started at " + started + ", after the warrant expired at " + terms.expiresAt()
                    + " (clock skew allowed: " + settings.clockSkew() + ")");
        }
    }

    /** A DIRECT warrant: reported as DIRECT, by a configured executor, without an agent's signed report. */
    private String directReporter(ExecutionReported report, List<String> reasons) {
        if (report.getMode() != ExecutionMode.DIRECT) {
            reasons.add("a DIRECT warrant reported as " + report.getMode());
        }
        if (!settings.executorIds().contains(report.getExecutorId())) {
            reasons.add("reported by " + quoted(report.getExecutorId()) + ", which is not one of the executors "
                    + new TreeSet<>(settings.executorIds()));
        }
        if (present(report.getSignedReport())) {
            reasons.add("a DIRECT report carries a signed report: only a PASSBACK report is the agent's");
        }
        return quoted(report.getExecutorId());
    }

    /**
     * A PASSBACK warrant: reported as PASSBACK, with the agent's signed report by the key the warrant is bound to,
     * saying what the event says. The reporter is the agent and its key when the signed report verifies, else the
     * event's executor id.
     */
    private String passbackReporter(
            String warrantId, WatchedWarrant.Terms terms, ExecutionReported report, List<String> reasons) {
        if (report.getMode() != ExecutionMode.PASSBACK) {
            reasons.add("a PASSBACK warrant reported as " + report.getMode());
        }
        if (terms.confirmationKeyThumbprint() == null) {
            reasons.add("PASSBACK warrant " + warrantId + " is bound to no agent key: no report of it can be verified");
        }
        if (!present(report.getSignedReport())) {
            reasons.add("a PASSBACK report without the agent's signed report");
        }
        if (terms.confirmationKeyThumbprint() == null || !present(report.getSignedReport())) {
            return quoted(report.getExecutorId());
        }
        ExecutionReports.Verification verification =
                ExecutionReports.verify(report.getSignedReport(), terms.confirmationKeyThumbprint());
        if (!verification.valid()) {
            reasons.add(
                    "the signed report does not verify against the warrant's key: " + quoted(verification.problem()));
            return quoted(report.getExecutorId());
        }
        ExecutionReport signed = verification.report();
        disagreement("warrantId", signed.warrantId(), report.getWarrantId(), "the event's", reasons);
        disagreement("intentId", signed.intentId(), report.getIntentId(), "the event's", reasons);
        disagreement("agentId", signed.agentId(), terms.agentId(), "the warrant's", reasons);
        disagreement("actionDigest", signed.actionDigest(), report.getActionDigest(), "the event's", reasons);
        disagreement("status", signed.status().name(), report.getStatus().name(), "the event's", reasons);
        disagreement(
                "startedAt",
                signed.startedAt().toEpochMilli(),
                report.getStartedAt().toEpochMilli(),
                "the event's",
                reasons);
        disagreement(
                "finishedAt",
                signed.finishedAt().toEpochMilli(),
                report.getFinishedAt().toEpochMilli(),
                "the event's",
                reasons);
        return "agent:" + terms.agentId() + " key " + quoted(verification.keyId());
    }

    private static void disagreement(String field, Object signed, Object other, String whose, List<String> reasons) {
        if (!Objects.equals(signed, other)) {
            reasons.add("the signed report's " + field + " is " + quoted(String.valueOf(signed)) + ", " + whose + " "
                    + quoted(String.valueOf(other)));
        }
    }

    private static void sameAction(WatchedWarrant.Terms terms, ExecutionReported report, List<String> reasons) {
        if (report.getActionDigest().isEmpty()) {
            reasons.add("the report names no executed action digest; the warrant's is " + terms.actionDigest());
        } else if (!report.getActionDigest().equals(terms.actionDigest())) {
            reasons.add("executed action digest " + quoted(report.getActionDigest()) + " is not the warrant's "
                    + terms.actionDigest());
        }
    }

    private static boolean present(String text) {
        return text != null && !text.isEmpty();
    }

    /** {@code text} cut to {@value #MAX_QUOTED_CHARS} characters, never half a surrogate pair. */
    static String quoted(String text) {
        if (text == null || text.length() <= MAX_QUOTED_CHARS) {
            return text;
        }
        int end =
                Character.isHighSurrogate(text.charAt(MAX_QUOTED_CHARS - 1)) ? MAX_QUOTED_CHARS - 1 : MAX_QUOTED_CHARS;
        return text.substring(0, end) + "... (" + (text.length() - end) + " more characters)";
    }
}
