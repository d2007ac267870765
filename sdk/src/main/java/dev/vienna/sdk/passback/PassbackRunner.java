package dev.vienna.sdk.passback;

import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.passback.PassbackExecutor.Action;
import dev.vienna.sdk.passback.PassbackExecutor.PassbackWarrant;
import dev.vienna.sdk.passback.PassbackExecutor.Result;
import dev.vienna.sdk.warrant.ExecutionReport;
import dev.vienna.sdk.warrant.ExecutionReports;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One PASSBACK warrant's run, whichever way it reached the agent: verify it offline for exactly the action it will run
 * (signature against the published keys, validity, audience {@code agent:<agentId>}, the action digest, constraints,
 * and that it is bound to this agent's own key), claim it once across the agent's instances, run the agent's
 * {@link Action}, and report with an execution report signed by the agent's key. A warrant that does not verify is not
 * claimed; one whose claim is lost or undecided is not run. The {@link Channel} carries the claim and the report:
 * intake over HTTP ({@link PassbackExecutor}) or the agent's Kafka feed (sdk-kafka's {@code KafkaPassbackExecutor}).
 */
public final class PassbackRunner {

    /** A warrant as delivered: its token and the action it says it authorizes (checked against the token). */
    public record Offer(
            String warrantId, String intentId, String action, String resource, String paramsJson, String token) {}

    /** How a claim ended: WON (run it), LOST (another claimed it first), REFUSED (not decided: do not run). */
    public record ClaimAnswer(Outcome outcome, String detail) {
        public enum Outcome {
            WON,
            LOST,
            REFUSED
        }

        public static ClaimAnswer won() {
            return new ClaimAnswer(Outcome.WON, "claimed");
        }
    }

    /** What carries an agent's claims and reports to Vienna. */
    public interface Channel {
        /** Claims the warrant for this instance; answers once the claim is decided. */
        ClaimAnswer claim(Offer offer);

        /** Sends the signed report (and the output it names); null once accepted, else why it was refused. */
        String report(Offer offer, String signedReport, String output);
    }

    private final String agentId;
    private final WarrantKey agentKey;
    private final WarrantVerifier verifier;
    private final Action action;
    private final Clock clock;

    public PassbackRunner(String agentId, WarrantKey agentKey, WarrantVerifier verifier, Action action, Clock clock) {
        this.agentId = agentId;
        this.agentKey = agentKey;
        this.verifier = verifier;
        this.action = action;
        this.clock = clock;
    }

    /** The agent whose warrants this runs. */
    public String agentId() {
        return agentId;
    }

    /** Verifies, claims, runs and reports one warrant: EXECUTED, FAILED, REFUSED, LOST or UNREPORTED. */
    public Result run(Offer offer, Channel channel) {
        String params = offer.paramsJson() == null ? "{}" : offer.paramsJson();
        ActionRequest request = new ActionRequest(agentId, offer.action(), offer.resource(), params);
        var verification = verifier.verify(
                offer.token(), "agent:" + agentId, request, WarrantVerifier.Presenter.holding(agentKey));
        if (!verification.valid()) {
            return result(offer, "REFUSED", verification.reason() + ": " + verification.detail());
        }
        ClaimAnswer claim = channel.claim(offer);
        switch (claim.outcome()) {
            case LOST -> {
                return result(offer, "LOST", claim.detail());
            }
            case REFUSED -> {
                return result(offer, "REFUSED", claim.detail());
            }
            case WON -> {}
        }
        Instant started = now();
        String output;
        String error = null;
        ExecutionReport.Status status;
        try {
            output = action.run(new PassbackWarrant(verification.claims(), params));
            status = ExecutionReport.Status.SUCCEEDED;
        } catch (Exception e) {
            output = null;
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            status = ExecutionReport.Status.FAILED;
        }
        ExecutionReport report = new ExecutionReport(
                offer.warrantId(),
                offer.intentId(),
                agentId,
                request.digest(),
                status,
                started,
                now(),
                output == null ? null : ExecutionReports.outputDigest(output),
                error);
        String refused = channel.report(offer, ExecutionReports.sign(report, agentKey), output);
        if (refused != null) {
            return result(offer, "UNREPORTED", "ran (" + status + ") but the report was refused: " + refused);
        }
        return result(
                offer,
                status == ExecutionReport.Status.SUCCEEDED ? "EXECUTED" : "FAILED",
                error == null ? "reported" : error);
    }

    private static Result result(Offer offer, String outcome, String detail) {
        return new Result(offer.warrantId(), offer.intentId(), outcome, detail);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
