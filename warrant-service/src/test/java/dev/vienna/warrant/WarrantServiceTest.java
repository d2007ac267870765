package dev.vienna.warrant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.KafkaBrokerResource;
import dev.vienna.kafka.local.KafkaProbe;
import dev.vienna.kafka.local.TestEvents;
import dev.vienna.sdk.ActionRequest;
import dev.vienna.sdk.WarrantKeyRing;
import dev.vienna.sdk.WarrantVerifier;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class WarrantServiceTest {


  private final KafkaProbe kafka = new KafkaProbe(KafkaBrokerResource.broker().bootstrapServers());

  @Test
  void shouldPublishThePublicKeysButNoPrivateMaterial() {
    given().get("/.well-known/jwks.json").then().statusCode(200)
        .contentType("application/jwk-set+json")
        .body("keys.kid", org.hamcrest.Matchers.contains("vienna-test-1"))
        .body("keys[0].kty", org.hamcrest.Matchers.equalTo("OKP"))
        .body("keys[0].crv", org.hamcrest.Matchers.equalTo("Ed25519"))
        .body("keys[0].d", org.hamcrest.Matchers.nullValue());
  }

  @Test
  void shouldPublishAWarrantThatVerifiesWithThePublicKeyOnly() throws Exception {
    String intentId = UUID.randomUUID().toString();
    kafka.send(Topics.APPROVED, intentId, TestEvents.approved(intentId, "noop", Tier.T0, ExecutionMode.DIRECT));

    var warrant = kafka.await(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(60)).value();
    var action = new ActionRequest(warrant.getAgentId(), warrant.getAction(), warrant.getResource(), warrant.getParamsJson());
    // verified with nothing but what the service publishes
    String jwks = given().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
    var verification = new WarrantVerifier(WarrantKeyRing.fromJwks(jwks).keys(), Clock.systemUTC(), Duration.ofSeconds(30))
        .verify(warrant.getToken(), "vienna-executor", action);
    assertThat(verification.valid()).as(verification.detail()).isTrue();
    assertThat(warrant.getKeyId()).isEqualTo("vienna-test-1");
    assertThat(warrant.getParamsJson()).isEqualTo("{\"replicas\":25}");
    assertThat(Duration.between(warrant.getIssuedAt(), warrant.getExpiresAt())).isEqualTo(Duration.ofMinutes(15));
  }
}
