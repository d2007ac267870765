package dev.vienna.approval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.KafkaBrokerResource;
import dev.vienna.kafka.local.KafkaProbe;
import dev.vienna.kafka.local.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ApprovalServiceTest {

  private final KafkaProbe kafka = new KafkaProbe(KafkaBrokerResource.broker().bootstrapServers());

  @Test
  void shouldApproveT1OnTheBrokerAndListT3AsPending() {
    String t1 = UUID.randomUUID().toString();
    String t3 = UUID.randomUUID().toString();
    kafka.send(Topics.TIERED, t1, TestEvents.tiered(t1, "restart_service", Tier.T1));
    kafka.send(Topics.TIERED, t3, TestEvents.tiered(t3, "deploy_production", Tier.T3));

    var approved = kafka.await(Topics.APPROVED, r -> r.key().equals(t1), Duration.ofSeconds(60)).value();
    assertThat(approved.getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);

    Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        given().get("/v1/approvals/pending").then().statusCode(200)
            .body("intentId", hasItem(t3))
            .body("intentId", not(hasItem(t1))));
    given().get("/v1/approvals/pending?tier=T3").then().statusCode(200)
        .body("find { it.intentId == '" + t3 + "' }.requiredApprovals", equalTo(2))
        .body("find { it.intentId == '" + t3 + "' }.params.replicas", equalTo(25));
    given().get("/v1/approvals/pending?tier=T1").then().statusCode(200).body("intentId", not(hasItem(t3)));
  }

  @Test
  void shouldRejectAnUnknownTierFilterWithProblemJson() {
    given().get("/v1/approvals/pending?tier=T9").then().statusCode(400)
        .contentType("application/problem+json").body("title", equalTo("Invalid tier"));
  }
}
