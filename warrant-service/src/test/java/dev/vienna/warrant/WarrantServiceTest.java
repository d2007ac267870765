package dev.vienna.warrant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.KafkaBrokerResource;
import dev.vienna.kafka.local.KafkaProbe;
import dev.vienna.kafka.local.TestEvents;
import dev.vienna.sdk.ActionRequest;
import dev.vienna.sdk.WarrantKey;
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

  /** The public half of the %test signing key in application.properties. */
  private static final WarrantKey TEST_PUBLIC_KEY = WarrantKey.ed25519FromPublic("vienna-local-1", "RDMXg9VmEQhyThAypGJuhehJCGjArEIiud7F3eTwawk");

  private final KafkaProbe kafka = new KafkaProbe(KafkaBrokerResource.broker().bootstrapServers());

  @Test
  void shouldPublishAWarrantThatVerifiesWithThePublicKeyOnly() {
    String intentId = UUID.randomUUID().toString();
    kafka.send(Topics.APPROVED, intentId, TestEvents.approved(intentId, "noop", Tier.T0, ExecutionMode.DIRECT));

    var warrant = kafka.await(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(60)).value();
    var action = new ActionRequest(warrant.getAgentId(), warrant.getAction(), warrant.getResource(), warrant.getParamsJson());
    var verification = new WarrantVerifier(List.of(TEST_PUBLIC_KEY), Clock.systemUTC(), Duration.ofSeconds(30))
        .verify(warrant.getToken(), "vienna-executor", action);
    assertThat(verification.valid()).as(verification.detail()).isTrue();
    assertThat(warrant.getKeyId()).isEqualTo("vienna-local-1");
    assertThat(warrant.getParamsJson()).isEqualTo("{\"replicas\":25}");
    assertThat(Duration.between(warrant.getIssuedAt(), warrant.getExpiresAt())).isEqualTo(Duration.ofMinutes(15));
  }
}
