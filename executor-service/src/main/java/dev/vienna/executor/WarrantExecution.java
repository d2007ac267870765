package dev.vienna.executor;

import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rule of this stage: a warrant's action runs only if its agent is registered and active, its token verifies for
 * this executor's audience and for the action exactly as it will run (the event's agent, action, resource and params
 * against the token's digest), and a built-in handler is configured for the action; otherwise it is REJECTED with the
 * reason and nothing runs (a suspended agent's warrant is refused here even before its kill switch reaches the
 * revocations). A handler that throws makes the execution FAILED.
 */
public final class WarrantExecution {

    /** The longest handler output a report carries whole. */
    static final int MAX_OUTPUT_CHARS = 64 * 1024;
    /** The longest error a report carries; longer ones are cut. */
    static final int MAX_ERROR_CHARS = 4 * 1024;

    private final WarrantVerifier verifier;
    private final String audience;
    private final Map<String, Handler> handlerByAction;
    private final String executorId;
    private final Clock clock;
    private final Function<String, Optional<String>> agentRefusal;

    /** @param agentRefusal why an agent may not act now (suspended, not registered); empty when it may */
    public WarrantExecution(
            WarrantVerifier verifier,
            String audience,
            Map<String, Handler> handlerByAction,
            String executorId,
            Clock clock,
            Function<String, Optional<String>> agentRefusal) {
        this.agentRefusal = agentRefusal;
        this.verifier = verifier;
        this.audience = audience;
        this.handlerByAction = Map.copyOf(handlerByAction);
        this.executorId = executorId;
        this.clock = clock;
    }

    /** Verifies and runs in one step: for callers whose single-use ledger needs no acknowledgement wait. */
    public ExecutionReported execute(WarrantIssued warrant) {
        return admit(warrant).run();
    }

    /**
     * Every check, including the single-use claim, without running anything: the result either is a rejection report or
     * runs the action when asked. Callers with a durable ledger admit a whole batch, wait for the claims'
     * acknowledgement, then run.
     */
    public Admitted admit(WarrantIssued warrant) {
        Instant started = now();
        Optional<String> refusal = agentRefusal.apply(warrant.getAgentId());
        if (refusal.isPresent()) {
            ExecutionReported rejected = report(
                    warrant, ExecutionStatus.REJECTED, "none", started, null, "AGENT_INACTIVE: " + refusal.get());
            return () -> rejected;
        }
        var action = new ActionRequest(
                warrant.getAgentId(), warrant.getAction(), warrant.getResource(), warrant.getParamsJson());
        var verification = verifier.verify(warrant.getToken(), audience, action);
        if (!verification.valid()) {
            ExecutionReported rejected = report(
                    warrant,
                    ExecutionStatus.REJECTED,
                    "none",
                    started,
                    null,
                    verification.reason() + ": " + verification.detail());
            return () -> rejected;
        }
        Handler handler = handlerByAction.get(warrant.getAction());
        if (handler == null) {
            ExecutionReported rejected = report(
                    warrant,
                    ExecutionStatus.REJECTED,
                    "none",
                    started,
                    null,
                    "no built-in handler for action '" + warrant.getAction() + "'");
            return () -> rejected;
        }
        return () -> {
            Instant running = now();
            try {
                return report(warrant, ExecutionStatus.SUCCEEDED, handler.name(), running, handler.run(warrant), null);
            } catch (Exception e) {
                return report(
                        warrant,
                        ExecutionStatus.FAILED,
                        handler.name(),
                        running,
                        null,
                        e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        };
    }

    /** A warrant past every check (or rejected): {@link #run} runs its action, or reports the rejection. */
    @FunctionalInterface
    public interface Admitted {
        ExecutionReported run();
    }

    private ExecutionReported report(
            WarrantIssued warrant,
            ExecutionStatus status,
            String handler,
            Instant started,
            String output,
            String error) {
        return ExecutionReported.newBuilder()
                .setEventId(EventIds.of(warrant.getWarrantId(), "execution"))
                .setIntentId(warrant.getIntentId())
                .setTenantId(warrant.getTenantId())
                .setOccurredAt(now())
                .setWarrantId(warrant.getWarrantId())
                .setExecutorId(executorId)
                .setMode(warrant.getMode())
                .setStatus(status)
                .setHandler(handler)
                .setStartedAt(started)
                .setFinishedAt(now())
                .setOutputJson(bounded(output))
                .setError(cut(error))
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

    /**
     * A handler's output as reported: whole up to {@value #MAX_OUTPUT_CHARS} characters, else its size and SHA-256
     * (JSON) in its place, so a report always fits in a record and a large output never stops the loop that publishes
     * it.
     */
    static String bounded(String output) {
        if (output == null || output.length() <= MAX_OUTPUT_CHARS) {
            return output;
        }
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        try {
            String sha256 = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return "{\"truncated\":true,\"bytes\":" + bytes.length + ",\"sha256\":\"" + sha256 + "\"}";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
