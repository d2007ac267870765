package dev.vienna.policy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.KafkaBrokerResource;
import dev.vienna.kafka.local.KafkaProbe;
import dev.vienna.kafka.local.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class PolicyServiceTest {

  private final KafkaProbe kafka = new KafkaProbe(KafkaBrokerResource.broker().bootstrapServers());

  @Test
  void shouldTierIntentsFromTheBrokerWithTheShippedTable() {
    String restart = UUID.randomUUID().toString();
    String deploy = UUID.randomUUID().toString();
    kafka.send(Topics.INTENTS, restart, TestEvents.accepted(restart, "restart_service"));
    kafka.send(Topics.INTENTS, deploy, TestEvents.accepted(deploy, "deploy_production"));

    var t1 = kafka.await(Topics.TIERED, r -> r.key().equals(restart), Duration.ofSeconds(60)).value();
    var t3 = kafka.await(Topics.TIERED, r -> r.key().equals(deploy), Duration.ofSeconds(60)).value();
    assertThat(t1.getTier()).isEqualTo(Tier.T1);
    assertThat(t1.getMode()).isEqualTo(ExecutionMode.DIRECT);
    assertThat(t3.getTier()).isEqualTo(Tier.T3);
    assertThat(t3.getMode()).isEqualTo(ExecutionMode.PASSBACK);
  }

  @Test
  void shouldBeReadyOnceTheTopologyRuns() {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
  }
}
