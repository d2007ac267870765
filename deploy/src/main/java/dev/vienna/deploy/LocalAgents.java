package dev.vienna.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.events.KafkaAccess;
import dev.vienna.issuer.LocalOperatorIssuer;
import dev.vienna.kafka.local.KafkaCredentials;
import dev.vienna.kafka.local.LocalKafka;
import dev.vienna.sdk.secret.SecretFiles;
import dev.vienna.sdk.warrant.WarrantKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The agent registry from the operator's side, as {@code ./vienna agent} and the local stack use it: intake-service's
 * registry API with a token from the local operator issuer (role admin or security). Registering makes the agent's
 * Ed25519 key pair here and sends only its public half; the private key, the API key the registry answers (shown once)
 * and, when asked, the agent's Kafka client settings are kept under {@code <data>/agents/<agentId>/}, owner-only from
 * their first byte.
 */
final class LocalAgents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI intake;
    private final LocalOperatorIssuer issuer;
    private final Path agentsDir;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A registered agent with the secrets this machine keeps for it. */
    record Agent(String agentId, String tenantId, String apiKey) {
        @Override
        public String toString() {
            return "Agent[" + agentId + " of " + tenantId + ", API key hidden]";
        }
    }

    /** A refused registry call: its status and problem detail. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    LocalAgents(URI intake, LocalOperatorIssuer issuer, Path dataDir) {
        this.intake = intake;
        this.issuer = issuer;
        this.agentsDir = dataDir.resolve("agents");
    }

    /**
     * Registers {@code agentId} with a new key pair; returns it with its API key, also written beside its keys. With
     * {@code kafkaAdmin} (a super user's client settings) it also creates the agent's Kafka principal, which may only
     * write signed intents and execution reports (and, with {@code kafkaFeed}, use its own passback feed, created here:
     * its PASSBACK warrants then come over Kafka, not HTTP), and keeps its client settings in {@link #kafkaConfigFile}.
     */
    Agent register(
            String agentId, String tenantId, List<String> owners, Map<String, Object> kafkaAdmin, boolean kafkaFeed)
            throws InterruptedException, ExecutionException {
        WarrantKey key = WarrantKey.generateEd25519(agentId + "-1");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agentId", agentId);
        body.put("tenantId", tenantId);
        body.put("owners", owners);
        body.put("publicKey", Base64.getUrlEncoder().withoutPadding().encodeToString(key.publicKey()));
        body.put("signingKeyId", key.keyId());
        JsonNode answer = send("POST", "/v1/agents", body, "admin", 201);
        String apiKey = answer.get("apiKey").asText();
        Path dir = SecretFiles.directory(agentsDir.resolve(agentId));
        SecretFiles.write(dir.resolve("api-key"), apiKey + "\n");
        SecretFiles.write(dir.resolve(key.keyId() + ".ed25519"), key.encodedPrivateOrSecret() + "\n");
        SecretFiles.write(
                dir.resolve(key.keyId() + ".ed25519.pub"),
                Base64.getUrlEncoder().withoutPadding().encodeToString(key.publicKey()) + "\n");
        if (kafkaAdmin != null) {
            KafkaCredentials principal = LocalKafka.grant(
                    kafkaAdmin, kafkaFeed ? KafkaAccess.passbackAgent(agentId) : KafkaAccess.agent(agentId));
            SecretFiles.write(
                    kafkaConfigFile(agentId),
                    principal.clientProperties(
                            kafkaAdmin.get("bootstrap.servers").toString()));
        }
        return new Agent(agentId, tenantId, apiKey);
    }

    JsonNode suspend(String agentId, String reason) {
        return send("POST", "/v1/agents/" + agentId + "/suspend", Map.of("reason", reason), "security", 200);
    }

    JsonNode resume(String agentId, String reason) {
        return send("POST", "/v1/agents/" + agentId + "/resume", Map.of("reason", reason), "security", 200);
    }

    JsonNode list() {
        return send("GET", "/v1/agents", null, "viewer", 200);
    }

    /** Where the secrets of {@code agentId} are kept on this machine (API key, signing key, Kafka settings). */
    Path agentDir(String agentId) {
        return agentsDir.resolve(agentId);
    }

    /** Where the API key of {@code agentId} is kept on this machine. */
    Path apiKeyFile(String agentId) {
        return agentsDir.resolve(agentId).resolve("api-key");
    }

    /** Where the Kafka client settings of {@code agentId}'s principal are kept on this machine. */
    Path kafkaConfigFile(String agentId) {
        return agentsDir.resolve(agentId).resolve("kafka.properties");
    }

    private JsonNode send(String method, String path, Object body, String role, int expected) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(intake.resolve(path))
                    .timeout(Duration.ofSeconds(30))
                    .header(
                            "Authorization",
                            "Bearer " + issuer.token("vienna-cli", Duration.ofMinutes(5), List.of(role)))
                    .header("Content-Type", "application/json");
            request.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() != expected) {
                throw new Refused(
                        response.statusCode() + " " + json.path("title").asText() + ": "
                                + json.path("detail").asText());
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach intake-service at " + intake + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
