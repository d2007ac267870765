package dev.vienna.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An operator at approval-service's API with a bearer token: reads an intent's approval state and votes on it (the demo
 * and the end-to-end tests use it as a person would use curl).
 */
final class OperatorClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI approvals;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One answer: the status and the JSON body (a problem document on errors). */
    record Answer(int status, JsonNode body) {}

    OperatorClient(URI approvalService, String token) {
        this.approvals = approvalService.resolve("/v1/approvals/");
        this.token = token;
    }

    /** {@code GET /v1/approvals/{intentId}}. */
    Answer approval(String intentId) {
        return send(HttpRequest.newBuilder(approvals.resolve(intentId)).GET());
    }

    /** {@code GET /v1/approvals/pending[?tier=]}. */
    Answer pending(String tier) {
        return send(HttpRequest.newBuilder(approvals.resolve(tier == null ? "pending" : "pending?tier=" + tier))
                .GET());
    }

    /** {@code POST /v1/approvals/{intentId}/votes} with the digest the operator saw. */
    Answer vote(String intentId, String decision, String reason, String actionDigest) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("decision", decision);
        if (reason != null) {
            body.put("reason", reason);
        }
        body.put("actionDigest", actionDigest);
        try {
            return send(HttpRequest.newBuilder(approvals.resolve(intentId + "/votes"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the intent's digest and votes on exactly that action. */
    Answer voteOnWhatIsPending(String intentId, String decision, String reason) {
        Answer state = approval(intentId);
        if (state.status() != 200) {
            return state;
        }
        return vote(intentId, decision, reason, state.body().get("actionDigest").asText());
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(
                    request.header("Authorization", "Bearer " + token)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("approval-service did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
