package dev.vienna.sdk.passback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.sdk.warrant.PossessionProofs;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs an agent's PASSBACK warrants over HTTP, for agents without a Kafka principal: long-polls intake-service for them
 * ({@code GET /v1/passback/warrants}) and runs each with a {@link PassbackRunner} (verified offline, claimed once
 * across all the agent's instances with {@code POST /v1/passback/warrants/{id}/claim} and a proof of possession, run,
 * and reported with a report signed by the agent's key on {@code POST /v1/executions}). A warrant that does not verify
 * is not claimed and not run. Needs only the JDK HTTP client, Jackson and the sdk; one executor per agent process, on
 * its own thread ({@link #start}) or driven by the caller ({@link #runOnce}).
 */
public final class PassbackExecutor implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the agent does for a verified, claimed warrant: returns its output (JSON text, or null), or throws. */
    @FunctionalInterface
    public interface Action {
        String run(PassbackWarrant warrant) throws Exception;
    }

    /** A verified warrant about to run: its verified claims and the params it authorizes. */
    public record PassbackWarrant(WarrantClaims claims, String paramsJson) {}

    /**
     * What became of one warrant: EXECUTED, FAILED (the action threw), REFUSED (did not verify), LOST (claimed by
     * another).
     */
    public record Result(String warrantId, String intentId, String outcome, String detail) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI intake;
    private final String authorization;
    private final String agentId;
    private final WarrantKey agentKey;
    private final PassbackRunner runner;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Consumer<Result> listener = result -> {};
    /** Warrants refused here, oldest first: not tried again. */
    private final java.util.Set<String> refused =
            java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());

    private static final int MAX_REMEMBERED = 10_000;
    private Thread thread;

    /**
     * @param apiKey the agent's API key
     * @param agentKey the agent's registered Ed25519 key, private half included (its warrants are bound to it)
     * @param verifier checks warrants offline: the published keys (e.g. a {@code JwksKeyResolver} on warrant-service's
     *     {@code /.well-known/jwks.json}); its single-use hook is not needed, the claim decides
     */
    public PassbackExecutor(
            URI intake,
            String apiKey,
            String agentId,
            WarrantKey agentKey,
            WarrantVerifier verifier,
            Action action,
            Clock clock) {
        this.intake = intake;
        this.authorization = "Bearer " + apiKey;
        this.agentId = agentId;
        this.agentKey = agentKey;
        this.clock = clock;
        this.runner = new PassbackRunner(agentId, agentKey, verifier, action, clock);
    }

    /** Called with each warrant's result, on the executor's thread. */
    public PassbackExecutor onResult(Consumer<Result> listener) {
        this.listener = listener;
        return this;
    }

    /**
     * Polls once (waiting up to {@code wait} for a warrant) and handles what came; returns each warrant's result. A
     * warrant this executor refused before is not tried again (it stays unclaimed until it expires); when the poll
     * brought only such warrants, it waits {@code wait} before returning, so a refused warrant never makes a busy loop.
     */
    public List<Result> runOnce(Duration wait) {
        JsonNode answer =
                send("GET", "/v1/passback/warrants?waitSeconds=" + Math.min(30, wait.toSeconds()), null, 200, wait);
        List<Result> results = new ArrayList<>();
        for (JsonNode warrant : answer.path("warrants")) {
            String warrantId = warrant.path("warrantId").asText();
            if (refused.contains(warrantId)) {
                continue;
            }
            Result result = handle(warrant);
            if (result.outcome().equals("REFUSED")) {
                remember(warrantId);
            }
            results.add(result);
            listener.accept(result);
        }
        if (results.isEmpty() && !answer.path("warrants").isEmpty()) {
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return results;
    }

    private void remember(String warrantId) {
        synchronized (refused) {
            if (refused.size() >= MAX_REMEMBERED) {
                refused.remove(refused.iterator().next());
            }
            refused.add(warrantId);
        }
    }

    private Result handle(JsonNode w) {
        var offer = new PassbackRunner.Offer(
                w.path("warrantId").asText(),
                w.path("intentId").asText(),
                w.path("action").asText(),
                w.path("resource").asText(),
                w.path("params").asText("{}"),
                w.path("token").asText());
        return runner.run(offer, channel);
    }

    /** Claims and reports through intake's passback API. */
    private final PassbackRunner.Channel channel = new PassbackRunner.Channel() {
        @Override
        public PassbackRunner.ClaimAnswer claim(PassbackRunner.Offer offer) {
            ObjectNode claim = JSON.createObjectNode()
                    .put(
                            "proof",
                            PossessionProofs.sign(
                                    offer.warrantId(), PossessionProofs.CLAIM, clock.instant(), agentKey));
            Reply claimed = request(
                    "POST", "/v1/passback/warrants/" + offer.warrantId() + "/claim", claim, Duration.ofSeconds(15));
            if (claimed.status() == 200) {
                return PassbackRunner.ClaimAnswer.won();
            }
            String detail = claimed.body().path("detail").asText();
            return claimed.status() == 409
                    ? new PassbackRunner.ClaimAnswer(PassbackRunner.ClaimAnswer.Outcome.LOST, detail)
                    : new PassbackRunner.ClaimAnswer(
                            PassbackRunner.ClaimAnswer.Outcome.REFUSED,
                            "claim answered HTTP " + claimed.status() + ": " + detail);
        }

        @Override
        public String report(PassbackRunner.Offer offer, String signedReport, String output) {
            ObjectNode body = JSON.createObjectNode().put("report", signedReport);
            if (output != null) {
                body.put("output", output);
            }
            Reply reported = request("POST", "/v1/executions", body, Duration.ofSeconds(15));
            return reported.status() == 202
                    ? null
                    : "HTTP " + reported.status() + " "
                            + reported.body().path("detail").asText();
        }
    };

    /** Runs {@link #runOnce} in a loop on a thread of its own until {@link #close}. */
    public synchronized void start() {
        if (running.getAndSet(true)) {
            return;
        }
        thread = new Thread(
                () -> {
                    while (running.get()) {
                        try {
                            runOnce(Duration.ofSeconds(10));
                        } catch (RuntimeException e) {
                            try {
                                Thread.sleep(1000);
                            } catch (InterruptedException interrupted) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    }
                },
                "passback-" + agentId);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void close() {
        running.set(false);
        if (thread != null) {
            thread.interrupt();
        }
    }

    private JsonNode send(String method, String path, JsonNode body, int expected, Duration wait) {
        Reply reply = request(method, path, body, wait.plusSeconds(15));
        if (reply.status() != expected) {
            throw new IllegalStateException(method + " " + path + " answered HTTP " + reply.status() + ": "
                    + reply.body().path("detail").asText());
        }
        return reply.body();
    }

    private record Reply(int status, JsonNode body) {}

    private Reply request(String method, String path, JsonNode body, Duration timeout) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(intake.resolve(path))
                    .timeout(timeout)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Reply(response.statusCode(), json);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
