package dev.vienna.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.TestEvents;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

class PolicyTopologyTest {

  private static final TierTable TABLE =
      new TierTable(Map.of("noop", Tier.T0, "restart_service", Tier.T1, "deploy_production", Tier.T3), Tier.T2, 1, 2);

  private TopologyTestDriver driver() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "policy-test");
    return new TopologyTestDriver(PolicyTopology.buildTopology(TABLE, Clock.systemUTC()), props);
  }

  @Test
  void shouldTierEachIntentFromTheTableAndChooseItsMode() {
    try (TopologyTestDriver driver = driver()) {
      var in = driver.createInputTopic(Topics.INTENTS.name(), Serdes.String().serializer(), Topics.INTENTS.valueSerde().serializer());
      var out = driver.createOutputTopic(Topics.TIERED.name(), Serdes.String().deserializer(), Topics.TIERED.valueSerde().deserializer());

      in.pipeInput("i-1", TestEvents.accepted("i-1", "restart_service"));
      in.pipeInput("i-2", TestEvents.accepted("i-2", "deploy_production"));
      in.pipeInput("i-3", TestEvents.accepted("i-3", "drop_database"));

      Map<String, IntentTiered> tiered = out.readKeyValuesToMap();
      assertThat(tiered.get("i-1").getTier()).isEqualTo(Tier.T1);
      assertThat(tiered.get("i-1").getMode()).isEqualTo(ExecutionMode.DIRECT);
      assertThat(tiered.get("i-1").getRequiredApprovals()).isZero();
      assertThat(tiered.get("i-2").getTier()).isEqualTo(Tier.T3);
      assertThat(tiered.get("i-2").getMode()).isEqualTo(ExecutionMode.PASSBACK);
      assertThat(tiered.get("i-2").getRequiredApprovals()).isEqualTo(2);
      assertThat(tiered.get("i-3").getTier()).as("unknown actions need a human").isEqualTo(Tier.T2);
      assertThat(tiered.get("i-3").getReasons()).singleElement().asString().contains("not in the tier table");
      assertThat(tiered.values()).allSatisfy(t -> assertThat(t.getPolicyVersion()).isEqualTo(TABLE.version()));
      assertThat(tiered.get("i-2").getIntent().getParamsJson()).isEqualTo("{\"replicas\":25}");
    }
  }

  @Test
  void shouldDeadLetterAnUndecodableIntentAndKeepGoing() {
    try (TopologyTestDriver driver = driver()) {
      var raw = driver.createInputTopic(Topics.INTENTS.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
      var out = driver.createOutputTopic(Topics.TIERED.name(), Serdes.String().deserializer(), Topics.TIERED.valueSerde().deserializer());
      var dead = driver.createOutputTopic(Topics.DEAD_LETTER.name(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());

      raw.pipeInput("bad", new byte[] {(byte) 0xC3, 0x01, 0, 0});
      raw.pipeInput("i-4", Topics.INTENTS.valueSerde().serializer().serialize("intents", TestEvents.accepted("i-4", "noop")));

      assertThat(dead.readKeyValue().key).isEqualTo("bad");
      assertThat(out.readKeyValue().value.getTier()).isEqualTo(Tier.T0);
    }
  }

  @Test
  void shouldChangeTheVersionWhenTheTableChanges() {
    TierTable other = new TierTable(Map.of("noop", Tier.T1), Tier.T2, 1, 2);
    assertThat(other.version()).isNotEqualTo(TABLE.version());
    assertThat(new TierTable(Map.of("noop", Tier.T1), Tier.T2, 1, 2).version()).isEqualTo(other.version());
  }
}
