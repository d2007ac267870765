package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Topics;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.client.ViennaClient;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.sdk.kafka.audit.AuditLogReader;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import dev.vienna.sdk.warrant.WarrantVerifier;
import dev.vienna.testing.KafkaProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The six packaged services as separate processes on one real broker, driven as an agent and an auditor would: over
 * HTTP and by reading topics. Service logs: target/e2e/stack.log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndIT {

    private static ViennaStack stack;
    private static ViennaClient client;
    private static KafkaProbe kafka;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStacks.start("e2e");
        client = stack.client();
        kafka = new KafkaProbe(stack.bootstrapServers());
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldExecuteAT0IntentUnderAVerifiedWarrant() throws Exception {
        // given an agent's T0 intent
        String intentId = client.submit(
                Map.of("agentId", "e2e-agent", "action", "noop", "resource", "e2e", "params", Map.of("check", 1)));

        // then its lifecycle ends EXECUTED after every stage (the claim and the report travel on
        // different topics, so wait for the whole timeline)
        awaitState(intentId, "EXECUTED");
        List<String> expected = List.of(
                "IntentAccepted",
                "IntentTiered",
                "ApprovalDecided",
                "WarrantIssued",
                "WarrantClaimed",
                "ExecutionReported");
        JsonNode lifecycle = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> client.lifecycle(intentId).orElseThrow(),
                        l -> l.get("events").findValuesAsText("type").size() == expected.size());
        assertThat(lifecycle.get("events").findValuesAsText("type")).containsExactlyElementsOf(expected);
        assertThat(lifecycle.get("tier").asText()).isEqualTo("T0");

        // and the warrant it ran under verifies with the run's public key, for exactly this action
        var warrant = kafka.await(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(30))
                .value();
        var action = new ActionRequest("e2e-agent", "noop", "e2e", "{\"check\":1}");
        var published = WarrantKeyRing.fromJwks(HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(stack.jwksUri()).build(), HttpResponse.BodyHandlers.ofString())
                .body());
        var verification = new WarrantVerifier(published.keys(), Clock.systemUTC(), Duration.ofSeconds(30))
                .verify(warrant.getToken(), "vienna-executor", action);
        assertThat(verification.valid()).as(verification.detail()).isTrue();
        assertThat(lifecycle.get("warrantId").asText()).isEqualTo(warrant.getWarrantId());
        // and the timeline shows the token with its claims
        assertThat(lifecycle.at("/warrant/token").asText()).isEqualTo(warrant.getToken());
        assertThat(lifecycle.at("/warrant/claims/actionDigest").asText()).isEqualTo(action.digest());
        assertThat(lifecycle.at("/warrant/claims/audience").asText()).isEqualTo("vienna-executor");
        var execution = kafka.await(Topics.EXECUTIONS, r -> r.key().equals(intentId), Duration.ofSeconds(30))
                .value();
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.getWarrantId()).isEqualTo(warrant.getWarrantId());

        // and an auditor replaying the audit log sees the same timeline
        var printed = new ByteArrayOutputStream();
        int exit = ViennaCli.run(
                List.of("audit", "timeline", intentId, "--bootstrap", stack.bootstrapServers()),
                new PrintStream(printed, true));
        assertThat(exit).isZero();
        assertThat(printed.toString())
                .contains("IntentAccepted", "WarrantIssued", "ExecutionReported", "SUCCEEDED by executor-service");
    }

    @Test
    @Order(2)
    void shouldHoldAT2IntentForApproval() throws Exception {
        String intentId = client.submit(Map.of(
                "agentId",
                "e2e-agent",
                "action",
                "scale_kubernetes_deployment",
                "resource",
                "api-server",
                "params",
                Map.of("replicas", 25)));
        awaitState(intentId, "PENDING_APPROVAL");
        // operators see it with a token of the stack's local issuer (./vienna token)
        var viewer = new OperatorClient(
                stack.uriOf("approval-service"),
                stack.operatorIssuer().token("vera", Duration.ofMinutes(5), List.of("viewer")));
        var pending = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> viewer.pending("T2"),
                        p -> p.body().findValuesAsText("intentId").contains(intentId));
        assertThat(pending.status()).isEqualTo(200);
        assertThat(new OperatorClient(stack.uriOf("approval-service"), "not-a-token")
                        .pending("T2")
                        .status())
                .isEqualTo(401);
        assertThat(kafka.readUntil(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(3)))
                .as("no warrant without an approval")
                .noneMatch(r -> r.key().equals(intentId));
    }

    @Test
    @Order(3)
    void shouldDeadLetterAnUndecodableRecordAndKeepThePipelineWorking() {
        String key = "garbage-" + UUID.randomUUID();
        kafka.sendRaw(Topics.INTENTS, key.getBytes(), "{\"this\":\"is not avro\"}".getBytes());

        var dead = kafka.readRawUntil(
                Topics.DEAD_LETTER.name(),
                r -> r.key() != null && new String(r.key()).equals(key),
                Duration.ofSeconds(60));
        assertThat(dead)
                .filteredOn(r -> r.key() != null && new String(r.key()).equals(key))
                .first()
                .satisfies(r -> {
                    assertThat(new String(r.value())).isEqualTo("{\"this\":\"is not avro\"}");
                    assertThat(DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.SERVICE))
                            .isEqualTo("policy-service");
                    assertThat(DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON))
                            .contains("not a IntentAccepted");
                });

        String after =
                client.submit(Map.of("agentId", "e2e-agent", "action", "restart_service", "resource", "api-gateway"));
        awaitState(after, "EXECUTED");
    }

    @Test
    @Order(4)
    void shouldAnswerAMalformedBodyWithProblemJson() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(stack.uriOf("intake-service").resolve("/v1/intents"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"agentId\":"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    @Order(5)
    void shouldLeaveAnAuditChainThatVerifiesAndRecordsTheBadInput() {
        // audit-service writes the dead letter and the undecodable record too; wait until it has
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(AuditLogReader.readAll(stack.bootstrapServers(), Duration.ofSeconds(30)))
                                .extracting(r -> r.getEventType())
                                .contains("DeadLettered", "Undecodable", "ExecutionReported"));
        var report = AuditChain.verify(AuditLogReader.readAll(stack.bootstrapServers(), Duration.ofSeconds(30)));
        assertThat(report.breaks()).isEmpty();
        assertThat(report.records()).isGreaterThanOrEqualTo(13);
        assertThat(stack.deadServices()).isEmpty();
    }

    private static JsonNode awaitState(String intentId, String state) {
        return client.awaitState(intentId, Set.of(state), Duration.ofSeconds(60));
    }
}
