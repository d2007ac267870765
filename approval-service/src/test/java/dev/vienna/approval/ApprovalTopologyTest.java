package dev.vienna.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.TestEvents;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class ApprovalTopologyTest {

  private TopologyTestDriver driver() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "approval-test");
    return new TopologyTestDriver(ApprovalTopology.buildTopology(Clock.systemUTC()), props);
  }

  @Test
  void shouldApproveLowTiersAtOnceAndHoldHighTiersForOperators() {
    try (TopologyTestDriver driver = driver()) {
      var in = driver.createInputTopic(Topics.TIERED.name(), Serdes.String().serializer(), Topics.TIERED.valueSerde().serializer());
      var out = driver.createOutputTopic(Topics.APPROVED.name(), Serdes.String().deserializer(), Topics.APPROVED.valueSerde().deserializer());

      in.pipeInput("t0", TestEvents.tiered("t0", "noop", Tier.T0));
      in.pipeInput("t1", TestEvents.tiered("t1", "restart_service", Tier.T1));
      in.pipeInput("t2", TestEvents.tiered("t2", "scale_kubernetes_deployment", Tier.T2));
      in.pipeInput("t3", TestEvents.tiered("t3", "deploy_production", Tier.T3));

      var decided = out.readKeyValuesToMap();
      assertThat(decided).containsOnlyKeys("t0", "t1");
      assertThat(decided.values()).allSatisfy(d -> {
        assertThat(d.getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);
        assertThat(d.getAutomatic()).isTrue();
        assertThat(d.getApprovals()).isEmpty();
      });
      assertThat(decided.get("t1").getIntent().getAction()).isEqualTo("restart_service");

      KeyValueStore<String, IntentTiered> pending = driver.getKeyValueStore(ApprovalTopology.PENDING_STORE);
      assertThat(pending.get("t2").getTier()).isEqualTo(Tier.T2);
      assertThat(pending.get("t3").getRequiredApprovals()).isEqualTo(2);
      assertThat(pending.get("t0")).isNull();
    }
  }

  @Test
  void shouldDenyWhatThePolicyDenied() {
    try (TopologyTestDriver driver = driver()) {
      var in = driver.createInputTopic(Topics.TIERED.name(), Serdes.String().serializer(), Topics.TIERED.valueSerde().serializer());
      var out = driver.createOutputTopic(Topics.APPROVED.name(), Serdes.String().deserializer(), Topics.APPROVED.valueSerde().deserializer());
      IntentTiered denied = TestEvents.tiered("d", "drop_database", Tier.T3);
      denied.setDecision(PolicyDecision.DENY);
      in.pipeInput("d", denied);
      assertThat(out.readValue().getOutcome()).isEqualTo(ApprovalOutcome.DENIED);
      assertThat(driver.<String, IntentTiered>getKeyValueStore(ApprovalTopology.PENDING_STORE).get("d")).isNull();
    }
  }
}
