package dev.vienna.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.MatchedRule;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.RuleMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.policy.engine.PolicyLoader;
import dev.vienna.policy.engine.PolicySet;
import dev.vienna.testing.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTopologyTest {

    static final PolicySet SHIPPED = PolicyLoader.load(Path.of("..", "policies"));
    static final Clock MONDAY = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    private static TopologyTestDriver driver(AtomicReference<PolicySet> policy) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "policy-test");
        return new TopologyTestDriver(PolicyTopology.buildTopology(policy::get, MONDAY, RecordTracing.off()), props);
    }

    private static TestInputTopic<String, IntentAccepted> intents(TopologyTestDriver driver) {
        return driver.createInputTopic(
                Topics.INTENTS.name(),
                Serdes.String().serializer(),
                Topics.INTENTS.valueSerde().serializer());
    }

    private static TestOutputTopic<String, IntentTiered> tiered(TopologyTestDriver driver) {
        return driver.createOutputTopic(
                Topics.TIERED.name(),
                Serdes.String().deserializer(),
                Topics.TIERED.valueSerde().deserializer());
    }

    @Test
    void shouldDecideEachIntentWithTheShippedPoliciesAndExplainWhy() {
        try (TopologyTestDriver driver = driver(new AtomicReference<>(SHIPPED))) {
            var in = intents(driver);
            var out = tiered(driver);

            in.pipeInput("i-1", TestEvents.accepted("i-1", "restart_service"));
            in.pipeInput("i-2", TestEvents.accepted("i-2", "deploy_production"));
            in.pipeInput("i-3", TestEvents.accepted("i-3", "scale_kubernetes_deployment"));
            in.pipeInput("i-4", TestEvents.accepted("i-4", "drop_database"));

            Map<String, IntentTiered> tiered = out.readKeyValuesToMap();
            assertThat(tiered.get("i-1").getTier()).isEqualTo(Tier.T1);
            assertThat(tiered.get("i-1").getMode()).isEqualTo(ExecutionMode.DIRECT);
            assertThat(tiered.get("i-1").getRequiredApprovals()).isZero();
            assertThat(tiered.get("i-1").getMatchedRules())
                    .extracting(MatchedRule::getRuleId)
                    .containsExactly("restart-service");

            IntentTiered deploy = tiered.get("i-2");
            assertThat(deploy.getTier()).isEqualTo(Tier.T3);
            assertThat(deploy.getMode()).isEqualTo(ExecutionMode.PASSBACK);
            assertThat(deploy.getRequiredApprovals()).isEqualTo(2);
            assertThat(deploy.getJustificationRequired()).isTrue();
            assertThat(deploy.getApprovalTtl()).isEqualTo("PT4H");
            assertThat(deploy.getConstraints()).containsEntry("warrant_lifetime", "PT5M");

            IntentTiered scale = tiered.get("i-3");
            assertThat(scale.getTier()).isEqualTo(Tier.T2);
            assertThat(scale.getConstraints()).containsEntry("replicas_cap", "params.replicas <= 50");
            assertThat(scale.getScoreFactors()).hasSize(4);
            assertThat(scale.getScoreTier()).isEqualTo(Tier.T0);

            assertThat(tiered.get("i-4").getTier())
                    .as("an action no rule knows needs a human")
                    .isEqualTo(Tier.T2);
            assertThat(tiered.get("i-4").getMatchedRules()).isEmpty();
            assertThat(tiered.values()).allSatisfy(t -> {
                assertThat(t.getPolicyVersion()).isEqualTo(SHIPPED.version());
                assertThat(t.getDecision()).isEqualTo(PolicyDecision.ALLOW);
                assertThat(t.getReasons()).isNotEmpty();
            });
        }
    }

    @Test
    void shouldDecideAnIntentIdOnceWhenItIsPublishedAgain() {
        try (TopologyTestDriver driver = driver(new AtomicReference<>(SHIPPED))) {
            var in = intents(driver);
            var out = tiered(driver);
            Instant at = Instant.parse("2026-11-23T10:00:00Z");
            var first = TestEvents.accepted("i-dup", "restart_service");
            // the same intent published again by another intake instance: another event id, a little later
            var again =
                    IntentAccepted.newBuilder(first).setEventId("another-event").build();

            in.pipeInput("i-dup", first, at);
            in.pipeInput("i-dup", again, at.plusSeconds(5));
            in.pipeInput("i-next", TestEvents.accepted("i-next", "restart_service"), at.plusSeconds(6));
            // once the window has passed, an intentId is decided again (it is forgotten)
            in.pipeInput("i-dup", again, at.plus(PolicyTopology.DEDUPE_WINDOW).plusSeconds(10));

            assertThat(out.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("i-dup", "i-next", "i-dup");
        }
    }

    @Test
    void shouldUseANewPolicySetFromTheNextIntentOn(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("p.yaml"), """
        rules:
          - id: shadow-deny
            mode: shadow
            actions: [noop]
            deny: not yet
          - id: noop
            actions: [noop]
            setTier: T0
        """);
        var policy = new AtomicReference<>(SHIPPED);
        try (TopologyTestDriver driver = driver(policy)) {
            var in = intents(driver);
            var out = tiered(driver);
            in.pipeInput("i-1", TestEvents.accepted("i-1", "noop"));
            policy.set(PolicyLoader.load(dir));
            in.pipeInput("i-2", TestEvents.accepted("i-2", "noop"));

            Map<String, IntentTiered> tiered = out.readKeyValuesToMap();
            assertThat(tiered.get("i-1").getPolicyVersion()).isEqualTo(SHIPPED.version());
            assertThat(tiered.get("i-2").getPolicyVersion())
                    .isEqualTo(policy.get().version())
                    .isNotEqualTo(SHIPPED.version());
            assertThat(tiered.get("i-2").getDecision())
                    .as("a shadow deny changes nothing")
                    .isEqualTo(PolicyDecision.ALLOW);
            assertThat(tiered.get("i-2").getMatchedRules())
                    .extracting(MatchedRule::getRuleId, MatchedRule::getMode)
                    .containsExactly(
                            Tuple.tuple("shadow-deny", RuleMode.SHADOW), Tuple.tuple("noop", RuleMode.ENFORCE));
        }
    }

    @Test
    void shouldDeadLetterAnUndecodableIntentAndKeepGoing() {
        try (TopologyTestDriver driver = driver(new AtomicReference<>(SHIPPED))) {
            var raw = driver.createInputTopic(
                    Topics.INTENTS.name(),
                    Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            var out = tiered(driver);
            var dead = driver.createOutputTopic(
                    Topics.DEAD_LETTER.name(),
                    Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer());

            raw.pipeInput("bad", new byte[] {(byte) 0xC3, 0x01, 0, 0});
            raw.pipeInput(
                    "i-4",
                    Topics.INTENTS.valueSerde().serializer().serialize("intents", TestEvents.accepted("i-4", "noop")));

            assertThat(dead.readKeyValue().key).isEqualTo("bad");
            assertThat(out.readKeyValue().value.getTier()).isEqualTo(Tier.T0);
        }
    }
}
