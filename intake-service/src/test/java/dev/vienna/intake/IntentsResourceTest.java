package dev.vienna.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import dev.vienna.events.IntentAccepted;
import dev.vienna.events.Topics;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class IntentsResourceTest {

    private final KafkaProbe kafka = new KafkaProbe(KafkaBrokerResource.broker().bootstrapServers());

    @Test
    void shouldPublishAnAcceptedIntentKeyedByItsIdBeforeAnswering202() {
        // when an agent submits a complete intent
        String intentId = given().contentType("application/json")
                .body("""
                {"agentId":"infra-optimizer","action":"scale_kubernetes_deployment","resource":"api-server",
                 "params":{"replicas":25,"namespace":"prod"},"justification":"traffic spike",
                 "costImpact":1200.5,"reversible":true,"blastRadius":3,"urgency":7,"labels":{"env":"prod"},
                 "owner":"carol@example.com"}""")
                .when()
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .body("status", equalTo("ACCEPTED"))
                .body("tenantId", equalTo("default"))
                .extract()
                .path("intentId");

        // then the event is on the intents topic, keyed by the intentId, with every field carried over
        var record = kafka.await(Topics.INTENTS, r -> r.key().equals(intentId), Duration.ofSeconds(20));
        IntentAccepted event = record.value();
        assertThat(event.getIntentId()).isEqualTo(intentId);
        assertThat(event.getIntent().getAgentId()).isEqualTo("infra-optimizer");
        assertThat(event.getIntent().getAction()).isEqualTo("scale_kubernetes_deployment");
        assertThat(event.getIntent().getParamsJson()).isEqualTo("{\"namespace\":\"prod\",\"replicas\":25}");
        assertThat(event.getIntent().getCostImpact()).isEqualTo(1200.5);
        assertThat(event.getIntent().getUrgency()).isEqualTo(7);
        assertThat(event.getIntent().getLabels()).containsEntry("env", "prod");
        assertThat(event.getIntent().getOwner()).isEqualTo("carol@example.com");
        assertThat(event.getIntent().getJustification()).isEqualTo("traffic spike");
        assertThat(event.getOccurredAt()).isNotNull();
    }

    @Test
    void shouldAnswerTheSameIntentForARetriedIdempotencyKey() {
        String body = """
        {"agentId":"retry-agent","action":"noop","resource":"x","idempotencyKey":"attempt-42"}""";
        String first = given().contentType("application/json")
                .body(body)
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .body("replayed", equalTo(false))
                .extract()
                .path("intentId");
        given().contentType("application/json")
                .body(body)
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .body("intentId", equalTo(first))
                .body("replayed", equalTo(true));
    }

    @Test
    void shouldPublishOnceWhenRetriesWithOneKeyRace() throws Exception {
        String body = """
        {"agentId":"racing-agent","action":"noop","resource":"x","idempotencyKey":"race-1"}""";
        var pool = Executors.newFixedThreadPool(8);
        try {
            var answers = pool.invokeAll(
                    Collections.nCopies(8, (Callable<String>) () -> given().contentType("application/json")
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
        given().contentType("application/json")
                .body("{\"action\":\"Restart Service\",\"resource\":\"\",\"urgency\":11,\"params\":[1]}")
                .when()
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Invalid intent"))
                .body("status", equalTo(400))
                .body("instance", equalTo("/v1/intents"))
                .body("errors.field", hasItem("agentId"))
                .body("errors.field", hasItem("action"))
                .body("errors.field", hasItem("resource"))
                .body("errors.field", hasItem("urgency"))
                .body("errors.field", hasItem("params"));
    }

    @Test
    void shouldLeaveTheOwnerEmptyWhenTheAgentNamesNoneAndRejectAMalformedOne() {
        String intentId = given().contentType("application/json")
                .body("{\"agentId\":\"ownerless-agent\",\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .extract()
                .path("intentId");
        assertThat(kafka.await(Topics.INTENTS, r -> r.key().equals(intentId), Duration.ofSeconds(20))
                        .value()
                        .getIntent()
                        .getOwner())
                .isNull();

        given().contentType("application/json")
                .body("{\"agentId\":\"a\",\"action\":\"noop\",\"resource\":\"x\",\"owner\":\"carol smith\"}")
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("owner"));
    }

    @Test
    void shouldRejectMalformedJson() {
        given().contentType("application/json")
                .body("{\"agentId\": ")
                .when()
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Malformed request body"));
    }

    @Test
    void shouldRejectAnUnknownFieldByName() {
        given().contentType("application/json")
                .body("{\"agentId\":\"a\",\"action\":\"noop\",\"target\":\"api\"}")
                .when()
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", Matchers.containsString("unknown field 'target'"));
    }

    @Test
    void shouldRejectAFieldOfTheWrongType() {
        given().contentType("application/json")
                .body("{\"agentId\":\"a\",\"action\":\"noop\",\"resource\":\"r\",\"urgency\":\"high\"}")
                .when()
                .post("/v1/intents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", Matchers.containsString("field 'urgency'"));
    }

    @Test
    void shouldAnswer413ForAnIntentTheBrokerCanNeverTakeAndKeepAccepting() {
        // given an intent larger than the broker takes in one record (the producer's 1 MB max.request.size)
        String huge = "x".repeat(1_200_000);
        // when it is submitted, it is refused as one that can never succeed (not 503: a retry cannot help)
        given().contentType("application/json")
                .body("{\"agentId\":\"big-agent\",\"action\":\"noop\",\"resource\":\"x\",\"params\":{\"blob\":\"" + huge
                        + "\"}}")
                .post("/v1/intents")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("title", equalTo("Not recorded"))
                .body("detail", Matchers.containsString("RecordTooLargeException"));
        // then the publishing channel goes on: the next intent is accepted and published
        String intentId = given().contentType("application/json")
                .body("{\"agentId\":\"big-agent\",\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(202)
                .extract()
                .path("intentId");
        assertThat(kafka.await(Topics.INTENTS, r -> r.key().equals(intentId), Duration.ofSeconds(20))
                        .value()
                        .getIntentId())
                .isEqualTo(intentId);
    }

    @Test
    void shouldBeReadyWithABrokerCheckAndExposeMetrics() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200).body(notNullValue());
    }
}
