package dev.vienna.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.vienna.events.IntentAccepted;
import dev.vienna.events.Topics;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestAgents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The agents' door: every submission authenticated by a registered agent's API key, its identity from the registry. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
class IntentsResourceTest {

    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    private static RequestSpecification as(String agentId) {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + TestAgents.get(agentId).bearer());
    }

    private IntentAccepted published(String intentId) {
        return kafka.await(Topics.INTENTS, r -> r.key().equals(intentId), Duration.ofSeconds(20))
                .value();
    }

    @Test
    void shouldPublishAnAuthenticatedIntentWithTheRegistrysIdentityBeforeAnswering202() {
        // when agent-7 submits a complete intent that names neither itself nor a tenant
        String intentId = as("agent-7")
                .body("""
                {"action":"scale_kubernetes_deployment","resource":"api-server",
                 "params":{"replicas":25,"namespace":"prod"},"justification":"traffic spike",
                 "costImpact":1200.5,"reversible":true,"blastRadius":3,"urgency":7,"labels":{"env":"prod"},
                 "owner":"carol"}""")
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .body("status", equalTo("ACCEPTED"))
                .body("tenantId", equalTo("acme"))
                .extract()
                .path("intentId");

        // then the event is on intents, keyed by the intentId, with who and for whom from the registry
        IntentAccepted event = published(intentId);
        assertThat(event.getTenantId()).isEqualTo("acme");
        assertThat(event.getIntent().getAgentId()).isEqualTo("agent-7");
        assertThat(event.getIntent().getOwners()).containsExactly("carol");
        assertThat(event.getIntent().getOwner()).isEqualTo("carol");
        assertThat(event.getIntent().getAction()).isEqualTo("scale_kubernetes_deployment");
        assertThat(event.getIntent().getParamsJson()).isEqualTo("{\"namespace\":\"prod\",\"replicas\":25}");
        assertThat(event.getIntent().getCostImpact()).isEqualTo(1200.5);
        assertThat(event.getIntent().getLabels()).containsEntry("env", "prod");
        assertThat(event.getIntent().getJustification()).isEqualTo("traffic spike");
    }

    @Test
    void shouldPublishTheIntentInTheTraceOfTheRequest() {
        // when an agent sends its own trace context with its intent
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpanId = "00f067aa0ba902b7";
        String intentId = as("agent-7")
                .header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
                .body("""
                {"action":"noop","resource":"traced"}""")
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .extract()
                .path("intentId");

        // then the record on intents continues that trace from a span of intake's own (HTTP server, then publish)
        var record = kafka.await(Topics.INTENTS, r -> r.key().equals(intentId), Duration.ofSeconds(20));
        assertThat(KafkaProbe.header(record, "traceparent"))
                .matches("00-" + traceId + "-[0-9a-f]{16}-01")
                .doesNotContain(callerSpanId);
    }

    @Test
    void shouldAnswer401WithoutAKeyOrWithOneNoAgentHas() {
        given().contentType("application/json")
                .body("{\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json");
        given().contentType("application/json")
                .header("Authorization", "Bearer vak_aaaaaaaaaaaa_" + "A".repeat(43))
                .body("{\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        // the real key's id with another secret
        String real = TestAgents.get("agent-7").bearer();
        given().contentType("application/json")
                .header("Authorization", "Bearer " + real.substring(0, 17) + "B".repeat(43))
                .body("{\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(401);
    }

    @Test
    void shouldAnswer403ToAnOperatorsToken() {
        given().contentType("application/json")
                .header("Authorization", "Bearer " + OperatorTokensResource.token("alice", "admin", "approver"))
                .body("{\"agentId\":\"agent-7\",\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void shouldRefuseABodySpeakingForAnotherAgentTenantOrPrincipal() {
        as("agent-7")
                .body("{\"agentId\":\"rogue-agent\",\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(403)
                .body("title", equalTo("Not your agent"));
        as("agent-7")
                .body("{\"tenantId\":\"globex\",\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(403)
                .body("title", equalTo("Not your tenant"));
        as("agent-7")
                .body("{\"action\":\"noop\",\"resource\":\"x\",\"owner\":\"mallory\"}")
                .post("/v1/intents")
                .then()
                .statusCode(403)
                .body("detail", containsString("acts for [carol], not mallory"));
        // naming itself and its own tenant is fine
        as("agent-7")
                .body("{\"agentId\":\"agent-7\",\"tenantId\":\"acme\",\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(202);
    }

    @Test
    void shouldRefuseASuspendedAgentWithTheReason() {
        kafka.send(
                Topics.AGENTS,
                "rogue-agent",
                TestAgents.get("rogue-agent").suspended("exfiltrating data", Instant.now()));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> as("rogue-agent")
                        .body("{\"action\":\"noop\",\"resource\":\"x\"}")
                        .post("/v1/intents")
                        .then()
                        .statusCode(403)
                        .body("title", equalTo("Agent suspended"))
                        .body("detail", equalTo("agent rogue-agent is suspended: exfiltrating data")));
    }

    @Test
    void shouldAnswerTheSameIntentForARetriedIdempotencyKey() {
        String body = """
        {"action":"noop","resource":"x","idempotencyKey":"attempt-42"}""";
        String first = as("agent-7")
                .body(body)
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .body("replayed", equalTo(false))
                .extract()
                .path("intentId");
        as("agent-7")
                .body(body)
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .body("intentId", equalTo(first))
                .body("replayed", equalTo(true));
        // the intentId comes from tenant, agent and key, not from this instance's memory: another intake instance, or
        // this one after a restart, gives the retry the same intent (policy-service decides an intentId once)
        assertThat(first).isEqualTo(IdempotencyKeys.intentIdOf("acme", "agent-7", "attempt-42"));
        // another agent's same key is its own intent
        String other = as("infra-optimizer")
                .body(body)
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .body("replayed", equalTo(false))
                .extract()
                .path("intentId");
        assertThat(other)
                .isNotEqualTo(first)
                .isEqualTo(IdempotencyKeys.intentIdOf("acme", "infra-optimizer", "attempt-42"));
        assertThat(IdempotencyKeys.intentIdOf("globex", "agent-7", "attempt-42"))
                .isNotEqualTo(first);
    }

    @Test
    void shouldPublishOnceWhenRetriesWithOneKeyRace() throws Exception {
        String body = """
        {"action":"noop","resource":"x","idempotencyKey":"race-1"}""";
        var pool = Executors.newFixedThreadPool(8);
        try {
            var answers = pool.invokeAll(Collections.nCopies(8, (Callable<String>) () -> as("agent-7")
                    .body(body)
                    .post("/v1/intents")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("intentId")));
            Set<String> ids = new HashSet<>();
            for (var answer : answers) {
                ids.add(answer.get());
            }
            assertThat(ids).hasSize(1);
            var published = kafka.readUntil(Topics.INTENTS, r -> false, Duration.ofSeconds(3)).stream()
                    .filter(r -> "race-1".equals(r.value().getIntent().getIdempotencyKey()))
                    .toList();
            assertThat(published).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRejectAnInvalidIntentWithProblemJsonNamingEachField() {
        as("agent-7")
                .body("{\"action\":\"Restart Service\",\"resource\":\"\",\"urgency\":11,\"params\":[1]}")
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Invalid intent"))
                .body("status", equalTo(400))
                .body("instance", equalTo("/v1/intents"))
                .body("errors.field", hasItem("action"))
                .body("errors.field", hasItem("resource"))
                .body("errors.field", hasItem("urgency"))
                .body("errors.field", hasItem("params"));
    }

    @Test
    void shouldRefuseInvisibleAndDirectionalCharactersInWhatOperatorsRead() {
        as("agent-7")
                .body("{\"action\":\"noop\",\"resource\":\"api\\u202Egateway\"}")
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("resource"))
                .body("errors.message", hasItem(containsString("U+202E")));
        as("agent-7")
                .body("{\"action\":\"noop\",\"resource\":\"api\\u200Bgateway\"}")
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("resource"));
    }

    @Test
    void shouldRefuseWhatIsNotIJson() {
        // a repeated member name: which value counts would depend on the parser
        as("agent-7")
                .body("{\"action\":\"noop\",\"resource\":\"x\",\"resource\":\"y\"}")
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("resource"));
        as("agent-7")
                .body("{\"action\":\"noop\",\"resource\":\"x\",\"params\":{\"n\":9007199254740993}}")
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem(startsWith("params")));
    }

    @Test
    void shouldAnswer413ForABodyOverTheLimit() {
        String huge = "x".repeat(70_000);
        as("agent-7")
                .body("{\"action\":\"noop\",\"resource\":\"x\",\"justification\":\"" + huge + "\"}")
                .post("/v1/intents")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("at most 65536"));
        String enormous = "x".repeat(1_100_000);
        as("agent-7")
                .body("{\"action\":\"noop\",\"resource\":\"x\",\"justification\":\"" + enormous + "\"}")
                .post("/v1/intents")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("title", equalTo("Request too large"));
    }

    @Test
    void shouldRejectMalformedJsonAnUnknownFieldAndAWrongType() {
        as("agent-7")
                .body("{\"action\": ")
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Malformed request body"));
        as("agent-7")
                .body("{\"action\":\"noop\",\"target\":\"api\"}")
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .body("detail", containsString("target"));
        as("agent-7")
                .body("{\"action\":\"noop\",\"resource\":\"r\",\"urgency\":\"high\"}")
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .body("detail", containsString("urgency"));
    }

    @Test
    void shouldBeReadyWithABrokerCheckAndTheRegistryAndExposeMetrics() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("agent registry followed"));
        given().get("/q/metrics").then().statusCode(200).body(notNullValue());
    }
}
