package dev.vienna.warrant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.SignatureAlgorithm;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.kafka.local.TestEvents;
import dev.vienna.sdk.WarrantKey;
import dev.vienna.sdk.WarrantVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class WarrantTopologyTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static TopologyTestDriver driver(WarrantKey key) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "warrant-test");
    return new TopologyTestDriver(
        WarrantTopology.buildTopology(key, tier -> tier == Tier.T3 ? Duration.ofMinutes(5) : Duration.ofMinutes(15), CLOCK), props);
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void shouldIssueAVerifiableWarrantForAnApprovedIntent(SignatureAlgorithm algorithm) {
    WarrantKey key = algorithm == SignatureAlgorithm.ED25519 ? WarrantKey.generateEd25519("k1") : WarrantKey.generateHmac("k1");
    try (TopologyTestDriver driver = driver(key)) {
      var in = driver.createInputTopic(Topics.APPROVED.name(), Serdes.String().serializer(), Topics.APPROVED.valueSerde().serializer());
      var out = driver.createOutputTopic(Topics.WARRANTS.name(), Serdes.String().deserializer(), Topics.WARRANTS.valueSerde().deserializer());

      in.pipeInput("i-1", TestEvents.approved("i-1", "restart_service", Tier.T1, ExecutionMode.DIRECT));

      var record = out.readKeyValue();
      WarrantIssued warrant = record.value;
      assertThat(record.key).isEqualTo("i-1");
      assertThat(warrant.getAgentId()).isEqualTo("agent-7");
      assertThat(warrant.getAction()).isEqualTo("restart_service");
      assertThat(warrant.getParamsJson()).isEqualTo("{\"replicas\":25}");
      assertThat(warrant.getConstraints()).containsEntry("max_replicas", "50");
      assertThat(warrant.getAlgorithm()).isEqualTo(algorithm);
      assertThat(warrant.getExpiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(15)));
      WarrantKey verifierKey = algorithm == SignatureAlgorithm.ED25519 ? key.verifyOnly() : key;
      var verification = new WarrantVerifier(List.of(verifierKey), CLOCK, Duration.ofSeconds(30)).verify(warrant);
      assertThat(verification.valid()).as(verification.detail()).isTrue();
    }
  }

  @Test
  void shouldIssueNoWarrantForADeniedIntentAndAShortOneForT3() {
    try (TopologyTestDriver driver = driver(WarrantKey.generateEd25519("k1"))) {
      var in = driver.createInputTopic(Topics.APPROVED.name(), Serdes.String().serializer(), Topics.APPROVED.valueSerde().serializer());
      var out = driver.createOutputTopic(Topics.WARRANTS.name(), Serdes.String().deserializer(), Topics.WARRANTS.valueSerde().deserializer());
      ApprovalDecided denied = TestEvents.approved("d", "deploy_production", Tier.T3, ExecutionMode.PASSBACK);
      denied.setOutcome(ApprovalOutcome.DENIED);
      in.pipeInput("d", denied);
      in.pipeInput("t3", TestEvents.approved("t3", "deploy_production", Tier.T3, ExecutionMode.PASSBACK));

      var warrants = out.readKeyValuesToMap();
      assertThat(warrants).containsOnlyKeys("t3");
      assertThat(warrants.get("t3").getExpiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
      assertThat(warrants.get("t3").getMode()).isEqualTo(ExecutionMode.PASSBACK);
    }
  }
}
