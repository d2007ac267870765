package dev.vienna.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.sdk.kafka.audit.AuditLogReader;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class AuditServiceTest {

    private final KafkaProbe kafka = new KafkaProbe(KafkaBrokerResource.broker().bootstrapServers());

    @Test
    void shouldServeTheLifecycleAndWriteAVerifiableChain() {
        String intentId = UUID.randomUUID().toString();
        kafka.send(Topics.INTENTS, intentId, TestEvents.accepted(intentId, "scale_kubernetes_deployment"));
        kafka.send(Topics.TIERED, intentId, TestEvents.tiered(intentId, "scale_kubernetes_deployment", Tier.T2));

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/v1/intents/" + intentId)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("PENDING_APPROVAL"))
                        .body("tier", equalTo("T2"))
                        .body("action", equalTo("scale_kubernetes_deployment"))
                        .body("events.type", hasItems("IntentAccepted", "IntentTiered")));

        var audit = kafka.await(
                Topics.AUDIT,
                r -> intentId.equals(r.value().getIntentId())
                        && r.value().getEventType().equals("IntentTiered"),
                Duration.ofSeconds(30));
        assertThat(audit.partition()).isEqualTo(audit.value().getChain());
        var report = AuditChain.verify(
                AuditLogReader.readAll(KafkaBrokerResource.broker().bootstrapServers(), Duration.ofSeconds(30)));
        assertThat(report.breaks()).isEmpty();
        assertThat(report.records()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldAnswer404ProblemForAnUnknownIntent() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/v1/intents/no-such-intent")
                        .then()
                        .statusCode(404)
                        .contentType("application/problem+json")
                        .body("title", equalTo("Unknown intent")));
    }
}
