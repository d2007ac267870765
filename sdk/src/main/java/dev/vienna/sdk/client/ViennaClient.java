package dev.vienna.sdk.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP client for agents: submit an intent to intake-service, read the agent's own intents' lifecycles from
 * audit-service and wait for one to reach a state. Every request carries the agent's API key as {@code Authorization:
 * Bearer <key>}; the services answer 401 without it and 403 for another agent's intent. Needs only the JDK's HTTP
 * client and Jackson. Thread-safe; one instance per agent process is enough.
 */
public final class ViennaClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI intake;
    private final URI audit;
    private final String authorization;

    /**
     * @param apiKey the agent's API key ({@code vak_...}) as issued by {@code POST /v1/agents} or {@code ./vienna agent
     *     register}
     */
    public ViennaClient(URI intake, URI audit, String apiKey) {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), intake, audit, apiKey);
    }

    private ViennaClient(HttpClient http, URI intake, URI audit, String apiKey) {
        if (apiKey == null || apiKey.isBlank() || apiKey.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("an agent API key is required (printable ASCII, no spaces)");
        }
        this.http = http;
        this.intake = intake;
        this.audit = audit;
        this.authorization = "Bearer " + apiKey;
    }

    /** The same endpoints and HTTP connection pool, speaking as the agent that holds {@code apiKey}. */
    public ViennaClient as(String apiKey) {
        return new ViennaClient(http, intake, audit, apiKey);
    }

    /** Submits an intent; returns the intentId. Validate it first with {@link IntentRequest#validate()}. */
    public String submit(IntentRequest intent) {
        return submitJson(write(intent));
    }

    /** Submits an intent body given as a map of its JSON fields; returns the intentId. */
    public String submit(Map<String, ?> intent) {
        return submitJson(write(intent));
    }

    private String submitJson(String body) {
        Response response = send(HttpRequest.newBuilder(intake.resolve("/v1/intents"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (response.status() != 202) {
            throw new ViennaException("intake refused the intent: HTTP " + response.status() + " " + response.body());
        }
        return response.json().get("intentId").asText();
    }

    /** The intent's lifecycle as audit-service knows it now, or empty when it has not seen it yet. */
    public Optional<JsonNode> lifecycle(String intentId) {
        Response response = send(
                HttpRequest.newBuilder(audit.resolve("/v1/intents/" + intentId)).GET());
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (response.status() != 200) {
            throw new ViennaException("audit-service answered HTTP " + response.status() + " " + response.body());
        }
        return Optional.of(response.json());
    }

    /**
     * Waits until audit-service reports the intent in one of {@code states} (e.g. EXECUTED, DENIED) and returns that
     * lifecycle, polling every 200 ms; a {@link ViennaException} names the last state seen when {@code timeout} passes
     * first.
     */
    public JsonNode awaitState(String intentId, Set<String> states, Duration timeout) {
        return awaitLifecycle(
                intentId,
                timeout,
                states.toString(),
                l -> states.contains(l.path("state").asText()));
    }

    /** The states an intent ends in. */
    public static final Set<String> FINAL_STATES = Set.of("EXECUTED", "FAILED", "REJECTED", "DENIED", "EXPIRED");

    /**
     * Waits until policy has tiered the intent and returns how it will be executed: DIRECT (Vienna runs it) or PASSBACK
     * (the agent runs it with its warrant, e.g. through a {@code PassbackExecutor}).
     */
    public String awaitMode(String intentId, Duration timeout) {
        return awaitLifecycle(intentId, timeout, "a mode", l -> !l.path("mode").isNull() && l.has("mode"))
                .path("mode")
                .asText();
    }

    /** Waits until the intent has a warrant and returns its lifecycle (warrantId, warrantToken). */
    public JsonNode awaitWarrant(String intentId, Duration timeout) {
        return awaitLifecycle(intentId, timeout, "a warrant", l -> l.hasNonNull("warrantToken"));
    }

    /**
     * Waits until the intent reached a final state and, when it had a warrant that was executed, its post-execution
     * verdict (VERIFIED, VIOLATION, UNREPORTED); returns the lifecycle.
     */
    public JsonNode awaitOutcome(String intentId, Duration timeout) {
        return awaitLifecycle(intentId, timeout, "an outcome", l -> {
            String state = l.path("state").asText();
            if (!FINAL_STATES.contains(state)) {
                return false;
            }
            boolean ran = Set.of("EXECUTED", "FAILED", "REJECTED").contains(state);
            return !ran || l.hasNonNull("verdict");
        });
    }

    private JsonNode awaitLifecycle(
            String intentId, Duration timeout, String what, java.util.function.Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "not audited yet";
        while (true) {
            Optional<JsonNode> lifecycle = lifecycle(intentId);
            if (lifecycle.isPresent()) {
                last = lifecycle.get().path("state").asText() + ", verdict "
                        + lifecycle.get().path("verdict").asText("none");
                if (done.test(lifecycle.get())) {
                    return lifecycle.get();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new ViennaException(
                        "intent " + intentId + " did not reach " + what + " within " + timeout + "; last: " + last);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ViennaException("interrupted", e);
            }
        }
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(
                    request.header("Authorization", authorization)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new ViennaException("request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ViennaException("interrupted", e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private record Response(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new ViennaException("not JSON: " + body, e);
            }
        }
    }

    /** A request Vienna refused or could not answer. */
    public static final class ViennaException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ViennaException(String message) {
            super(message);
        }

        public ViennaException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
