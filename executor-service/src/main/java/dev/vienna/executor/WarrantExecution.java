package dev.vienna.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.WarrantIssued;
import dev.vienna.handlers.ActionCatalog;
import dev.vienna.handlers.ActionDispatcher;
import dev.vienna.handlers.ActionHandler;
import dev.vienna.handlers.ActionInput;
import dev.vienna.handlers.ActionOutcome;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.ExecutionReports;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The rule of this stage: a warrant's action runs only if its agent is registered and active, its token verifies for
 * this executor's audience and for the action exactly as it will run (the event's agent, action, resource and params
 * against the token's digest), a built-in handler is configured for the action, and this executor won the warrant's
 * single-use claim; otherwise nothing runs. A refusal before the claim is a REJECTED report (its event id derives from
 * the warrant, so a re-delivered warrant repeats the same report rather than adding one); a warrant someone claimed
 * first (another executor instance, or this one before a restart) gets no report from here: it ran, or was stopped
 * mid-way, elsewhere, and the post-execution check reports a warrant nobody reported on. The handler's own outcome
 * (SUCCEEDED, FAILED, or REJECTED for an argument that does not match its pattern) is the report's status.
 */
public final class WarrantExecution {

    /** The longest error a report carries; longer ones are cut. */
    static final int MAX_ERROR_CHARS = 4 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a claim may take to be acknowledged and read back. */
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(10);

    /** Claims a warrant once: completes true when this executor won it, false when someone claimed it first. */
    @FunctionalInterface
    public interface Claims {
        CompletableFuture<Boolean> claim(WarrantClaims warrant);
    }

    private final WarrantVerifier verifier;
    private final String audience;
    private final ActionCatalog catalog;
    private final ActionDispatcher dispatcher;
    private final Claims claims;
    private final String executorId;
    private final Clock clock;
    private final Function<String, Optional<String>> agentRefusal;

    /**
     * @param verifier checks everything but single use, which {@code claims} decides
     * @param agentRefusal why an agent may not act now (suspended, not registered); empty when it may
     */
    public WarrantExecution(
            WarrantVerifier verifier,
            String audience,
            ActionCatalog catalog,
            ActionDispatcher dispatcher,
            Claims claims,
            String executorId,
            Clock clock,
            Function<String, Optional<String>> agentRefusal) {
        this.verifier = verifier;
        this.audience = audience;
        this.catalog = catalog;
        this.dispatcher = dispatcher;
        this.claims = claims;
        this.executorId = executorId;
        this.clock = clock;
        this.agentRefusal = agentRefusal;
    }

    /**
     * Checks, claims and runs one DIRECT warrant. Completes with the report to publish, or empty when someone else
     * claimed the warrant first; completes exceptionally only when the claim could not be decided (not acknowledged),
     * and then nothing ran.
     */
    public CompletableFuture<Optional<ExecutionReported>> execute(WarrantIssued warrant) {
        Instant received = now();
        Optional<String> refusal = agentRefusal.apply(warrant.getAgentId());
        if (refusal.isPresent()) {
            return rejected(warrant, received, "AGENT_INACTIVE: " + refusal.get());
        }
        var action = new ActionRequest(
                warrant.getAgentId(), warrant.getAction(), warrant.getResource(), warrant.getParamsJson());
        var verification = verifier.verify(warrant.getToken(), audience, action);
        if (!verification.valid()) {
            return rejected(warrant, received, verification.reason() + ": " + verification.detail());
        }
        Optional<ActionHandler> handler = catalog.handlerFor(warrant.getAction());
        if (handler.isEmpty()) {
            String inactive = catalog.inactive().get(warrant.getAction());
            return rejected(
                    warrant,
                    received,
                    inactive != null
                            ? "action '" + warrant.getAction() + "' is not active: " + inactive
                            : "no built-in handler for action '" + warrant.getAction() + "'");
        }
        JsonNode params;
        try {
            params = JSON.readTree(warrant.getParamsJson());
        } catch (IOException e) {
            return rejected(warrant, received, "params are not JSON: " + e.getMessage());
        }
        String digest = action.digest();
        String kind = handler.get().kind();
        WarrantClaims verified = verification.claims();
        ActionInput input = new ActionInput(
                warrant.getWarrantId(),
                warrant.getIntentId(),
                warrant.getAgentId(),
                warrant.getAction(),
                warrant.getResource(),
                params,
                verified.expiresAt());
        Instant[] started = new Instant[1];
        String[] refusedLate = new String[1];
        // the claim is made on the handler's pool thread once a slot is free, so a warrant waiting for a slot is not
        // claimed yet (a crash then leaves it to be run after the restart, not UNREPORTED); the warrant's use is
        // checked again there (not its signature, which cannot change), so one revoked or expired while it waited
        // does not run
        return dispatcher
                .dispatchWhen(input, () -> {
                    var again = verifier.verifyAgain(verification, audience, action);
                    if (!again.valid()) {
                        refusedLate[0] = again.reason() + ": " + again.detail();
                        return false;
                    }
                    boolean won = awaitClaim(verified);
                    started[0] = now();
                    return won;
                })
                .thenApply(outcome -> outcome.map(o -> report(warrant, o, kind, started[0], digest))
                        .or(() -> Optional.ofNullable(refusedLate[0])
                                .map(why -> report(
                                        warrant,
                                        new ActionOutcome(ActionOutcome.Status.REJECTED, null, why, null),
                                        "none",
                                        now(),
                                        digest))));
    }

    /** Claims the warrant and waits for the answer; throws when it cannot be decided (then nothing may run). */
    private boolean awaitClaim(WarrantClaims verified) {
        try {
            return claims.claim(verified).get(CLAIM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while claiming warrant " + verified.warrantId(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "the claim of warrant " + verified.warrantId() + " was not decided: " + e, e);
        }
    }

    private CompletableFuture<Optional<ExecutionReported>> rejected(
            WarrantIssued warrant, Instant started, String reason) {
        return CompletableFuture.completedFuture(Optional.of(report(
                warrant,
                new ActionOutcome(ActionOutcome.Status.REJECTED, null, reason, null),
                "none",
                started,
                digestOf(warrant))));
    }

    private static String digestOf(WarrantIssued warrant) {
        try {
            return new ActionRequest(
                            warrant.getAgentId(), warrant.getAction(), warrant.getResource(), warrant.getParamsJson())
                    .digest();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private ExecutionReported report(
            WarrantIssued warrant, ActionOutcome outcome, String handler, Instant started, String actionDigest) {
        String output = ExecutionReports.boundedOutput(outcome.outputJson());
        return ExecutionReported.newBuilder()
                .setEventId(EventIds.of(warrant.getWarrantId(), "execution"))
                .setIntentId(warrant.getIntentId())
                .setTenantId(warrant.getTenantId())
                .setOccurredAt(now())
                .setWarrantId(warrant.getWarrantId())
                .setExecutorId(executorId)
                .setMode(warrant.getMode())
                .setStatus(ExecutionStatus.valueOf(outcome.status().name()))
                .setHandler(handler)
                .setStartedAt(started)
                .setFinishedAt(now())
                .setOutputJson(output)
                .setError(cut(outcome.error()))
                .setActionDigest(actionDigest)
                .setOutputDigest(
                        outcome.outputJson() == null ? null : ExecutionReports.outputDigest(outcome.outputJson()))
                .build();
    }

    /** An error as reported: at most {@value #MAX_ERROR_CHARS} characters, never half a surrogate pair. */
    static String cut(String error) {
        if (error == null || error.length() <= MAX_ERROR_CHARS) {
            return error;
        }
        int end = Character.isHighSurrogate(error.charAt(MAX_ERROR_CHARS - 1)) ? MAX_ERROR_CHARS - 1 : MAX_ERROR_CHARS;
        return error.substring(0, end);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
