package dev.vienna.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.AgentChange;
import dev.vienna.events.AgentChanged;
import dev.vienna.events.AgentStatus;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.IntentLifecycle;
import dev.vienna.events.IntentState;
import dev.vienna.events.PolicyActivated;
import dev.vienna.events.PolicyActivationOutcome;
import dev.vienna.events.RevocationScope;
import dev.vienna.events.Tier;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.events.VoteDecision;
import dev.vienna.events.WarrantIssued;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.platform.streams.RecordSizeLimit;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.testing.TestEvents;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class AuditTopologyTest {

    private TopologyTestDriver driver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "audit-test");
        return new TopologyTestDriver(
                AuditTopology.buildTopology(
                        Clock.systemUTC(),
                        TestCheckpointers.defaults(),
                        VerificationSettings.defaults(),
                        RecordTracing.off()),
                props);
    }

    private static <V> void pipe(TopologyTestDriver driver, Topic<V> topic, String key, V value) {
        driver.createInputTopic(
                        topic.name(),
                        Serdes.String().serializer(),
                        topic.valueSerde().serializer())
                .pipeInput(key, value);
    }

    private static WarrantIssued warrant(String intentId) {
        WarrantIssued warrant = TestEvents.warrant(intentId, ExecutionMode.DIRECT, WarrantKey.generateEd25519("k"));
        warrant.setOccurredAt(TestEvents.now().plusMillis(3));
        return warrant;
    }

    private static ExecutionReported executed(String intentId) {
        Instant now = TestEvents.now().plusMillis(4);
        return ExecutionReported.newBuilder()
                .setEventId("x-evt")
                .setIntentId(intentId)
                .setTenantId("acme")
                .setOccurredAt(now)
                .setWarrantId("w-1")
                .setExecutorId("exec")
                .setMode(ExecutionMode.DIRECT)
                .setStatus(ExecutionStatus.SUCCEEDED)
                .setHandler("noop")
                .setStartedAt(now)
                .setFinishedAt(now)
                .build();
    }

    @Test
    void shouldChainEveryEventOfAnIntentAndTrackItsLifecycleToExecuted() {
        try (TopologyTestDriver driver = driver()) {
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());

            pipe(driver, Topics.INTENTS, "i-1", TestEvents.accepted("i-1", "noop"));
            pipe(driver, Topics.TIERED, "i-1", TestEvents.tiered("i-1", "noop", Tier.T0));
            pipe(driver, Topics.APPROVED, "i-1", TestEvents.approved("i-1", "noop", Tier.T0, ExecutionMode.DIRECT));
            WarrantIssued issued = warrant("i-1");
            String warrantToken = issued.getToken();
            pipe(driver, Topics.WARRANTS, "i-1", issued);
            pipe(driver, Topics.EXECUTIONS, "i-1", executed("i-1"));

            List<AuditRecord> records = audit.readValuesToList();
            assertThat(records)
                    .extracting(AuditRecord::getEventType)
                    .containsExactly(
                            "IntentAccepted", "IntentTiered", "ApprovalDecided", "WarrantIssued", "ExecutionReported");
            assertThat(records).extracting(AuditRecord::getSequence).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(AuditChain.verify(records).intact()).isTrue();
            var firstPayload = new byte[records.get(0).getPayload().remaining()];
            records.get(0).getPayload().duplicate().get(firstPayload);
            assertThat(Topics.INTENTS
                            .valueSerde()
                            .deserializer()
                            .deserialize("intents", firstPayload)
                            .getIntentId())
                    .as("the audit record keeps the source event byte for byte")
                    .isEqualTo("i-1");

            KeyValueStore<String, IntentLifecycle> lifecycles = driver.getKeyValueStore(AuditTopology.LIFECYCLES_STORE);
            IntentLifecycle lifecycle = lifecycles.get("i-1");
            assertThat(lifecycle.getState()).isEqualTo(IntentState.EXECUTED);
            assertThat(lifecycle.getTier()).isEqualTo(Tier.T0);
            assertThat(lifecycle.getWarrantId()).isEqualTo("w-i-1");
            assertThat(lifecycle.getWarrantToken()).isNotEmpty().isEqualTo(warrantToken);
            assertThat(lifecycle.getAgentId()).isEqualTo("agent-7");
            assertThat(lifecycle.getSteps())
                    .extracting(s -> s.getState())
                    .containsExactly(
                            IntentState.SUBMITTED,
                            IntentState.TIERED,
                            IntentState.APPROVED,
                            IntentState.WARRANTED,
                            IntentState.EXECUTED);
        }
    }

    @Test
    void shouldShowOperatorsVotesAndWhyTheyDecidedInTheTimeline() {
        try (TopologyTestDriver driver = driver()) {
            var intent = TestEvents.intent("scale_kubernetes_deployment");
            pipe(driver, Topics.INTENTS, "i-2", TestEvents.accepted("i-2", "scale_kubernetes_deployment"));
            pipe(driver, Topics.TIERED, "i-2", TestEvents.tiered("i-2", "scale_kubernetes_deployment", Tier.T2));
            var vote = TestEvents.vote("i-2", intent, "dave", VoteDecision.DENY, "no budget");
            vote.setOccurredAt(TestEvents.now().plusMillis(1));
            pipe(driver, Topics.APPROVAL_VOTES, "i-2", vote);
            var denied = TestEvents.approved("i-2", "scale_kubernetes_deployment", Tier.T2, ExecutionMode.PASSBACK);
            denied.setOutcome(ApprovalOutcome.DENIED);
            denied.setAutomatic(false);
            denied.setReason("denied by dave: no budget");
            denied.setOccurredAt(TestEvents.now().plusMillis(2));
            pipe(driver, Topics.APPROVED, "i-2", denied);

            IntentLifecycle lifecycle = driver.<String, IntentLifecycle>getKeyValueStore(AuditTopology.LIFECYCLES_STORE)
                    .get("i-2");
            assertThat(lifecycle.getState()).isEqualTo(IntentState.DENIED);
            assertThat(lifecycle.getSteps())
                    .extracting(s -> s.getEventType() + ": " + s.getSummary())
                    .contains(
                            "ApprovalVoteCast: DENY by dave: no budget",
                            "ApprovalDecided: DENIED: denied by dave: no budget");
        }
    }

    @Test
    void shouldNotStartALifecycleFromARecordKeyedByAnythingButItsIntent() {
        try (TopologyTestDriver driver = driver()) {
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            var revoked = WarrantRevoked.newBuilder()
                    .setEventId("r")
                    .setIntentId("i-9")
                    .setTenantId("acme")
                    .setOccurredAt(TestEvents.now())
                    .setScope(RevocationScope.WARRANT)
                    .setWarrantId("w-9")
                    .setRevokedBefore(TestEvents.now())
                    .setRevokedBy("alice")
                    .setReason("test")
                    .build();
            pipe(driver, Topics.WARRANT_REVOCATIONS, "warrant:w-9", revoked);
            assertThat(audit.readValue().getEventType()).isEqualTo("WarrantRevoked");
            assertThat(driver.<String, IntentLifecycle>getKeyValueStore(AuditTopology.LIFECYCLES_STORE)
                            .get("i-9"))
                    .isNull();
        }
    }

    @Test
    void shouldHoldAHighTierIntentAsPendingApproval() {
        try (TopologyTestDriver driver = driver()) {
            pipe(driver, Topics.INTENTS, "i-2", TestEvents.accepted("i-2", "scale_kubernetes_deployment"));
            pipe(driver, Topics.TIERED, "i-2", TestEvents.tiered("i-2", "scale_kubernetes_deployment", Tier.T2));
            IntentLifecycle lifecycle = driver.<String, IntentLifecycle>getKeyValueStore(AuditTopology.LIFECYCLES_STORE)
                    .get("i-2");
            assertThat(lifecycle.getState()).isEqualTo(IntentState.PENDING_APPROVAL);
        }
    }

    @Test
    void shouldNeverMoveALifecycleBackwards() {
        try (TopologyTestDriver driver = driver()) {
            pipe(driver, Topics.EXECUTIONS, "i-3", executed("i-3"));
            pipe(driver, Topics.TIERED, "i-3", TestEvents.tiered("i-3", "noop", Tier.T0));
            assertThat(driver.<String, IntentLifecycle>getKeyValueStore(AuditTopology.LIFECYCLES_STORE)
                            .get("i-3")
                            .getState())
                    .isEqualTo(IntentState.EXECUTED);
        }
    }

    @Test
    void shouldChainUndecodableRecordsAndDeadLettersWithTheirBytes() {
        try (TopologyTestDriver driver = driver()) {
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            driver.createInputTopic(
                            Topics.INTENTS.name(),
                            Serdes.String().serializer(),
                            Serdes.ByteArray().serializer())
                    .pipeInput("junk", "junk".getBytes());
            var headers = DeadLetterHeaders.describe(
                    new RecordHeaders(), "not a IntentAccepted", "policy-service", "intents", 0, 7, 1L);
            driver.createInputTopic(
                            Topics.DEAD_LETTER.name(),
                            Serdes.String().serializer(),
                            Serdes.ByteArray().serializer())
                    .pipeInput(new TestRecord<>("junk", "junk".getBytes(), headers));

            List<AuditRecord> records = audit.readValuesToList();
            assertThat(records).extracting(AuditRecord::getEventType).containsExactly("Undecodable", "DeadLettered");
            assertThat(records.get(1).getSummary())
                    .contains("policy-service")
                    .contains("intents@0/7")
                    .contains("not a IntentAccepted");
            assertThat(records.get(0).getPayload()).isEqualTo(ByteBuffer.wrap("junk".getBytes()));
            assertThat(AuditChain.verify(records).intact()).isTrue();
        }
    }

    @Test
    void shouldRecordWhoChangedTheAgentRegistryAndWhy() {
        try (TopologyTestDriver driver = driver()) {
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            var suspended = AgentChanged.newBuilder()
                    .setEventId("ag-1")
                    .setTenantId("acme")
                    .setOccurredAt(TestEvents.now())
                    .setAgentId("agent-7")
                    .setChange(AgentChange.SUSPENDED)
                    .setStatus(AgentStatus.SUSPENDED)
                    .setOwners(List.of("carol"))
                    .setChangedBy("sam")
                    .setReason("leaked key")
                    .setSuspendedAt(TestEvents.now())
                    .build();
            pipe(driver, Topics.AGENTS, "agent-7", suspended);

            AuditRecord record = audit.readValue();
            assertThat(record.getEventType()).isEqualTo("AgentChanged");
            assertThat(record.getTenantId()).isEqualTo("acme");
            assertThat(record.getSummary())
                    .isEqualTo("agent agent-7 SUSPENDED by sam (now SUSPENDED, acts for [carol]): leaked key");
            assertThat(record.getIntentId()).isNull();
            // the registry entry byte for byte, as it was published
            assertThat(record.getPayload())
                    .isEqualTo(ByteBuffer.wrap(
                            Topics.AGENTS.valueSerde().serializer().serialize(Topics.AGENTS.name(), suspended)));
        }
    }

    @Test
    void shouldRecordPolicyActivationsAndRefusalsWithoutStartingALifecycle() {
        try (TopologyTestDriver driver = driver()) {
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            var activated = PolicyActivated.newBuilder()
                    .setEventId("pa-1")
                    .setOccurredAt(TestEvents.now())
                    .setOutcome(PolicyActivationOutcome.ACTIVATED)
                    .setPolicyVersion("sha256:bbbb")
                    .setPreviousVersion("sha256:aaaa")
                    .setInstance("policy-1")
                    .setDirectory("/etc/vienna/policies")
                    .setFiles(List.of("operations.yaml"))
                    .setRules(List.of("noop", "restart-service"))
                    .build();
            var refused = PolicyActivated.newBuilder(activated)
                    .setEventId("pa-2")
                    .setOutcome(PolicyActivationOutcome.REJECTED)
                    .setPolicyVersion("sha256:cccc")
                    .setPreviousVersion("sha256:bbbb")
                    .setRules(List.of())
                    .setErrors(List.of("broken.yaml: rule x: when does not compile"))
                    .build();
            pipe(driver, Topics.POLICY_ACTIVATIONS, "policy-1", activated);
            pipe(driver, Topics.POLICY_ACTIVATIONS, "policy-1", refused);

            List<AuditRecord> records = audit.readValuesToList();
            assertThat(records)
                    .extracting(AuditRecord::getEventType)
                    .containsExactly("PolicyActivated", "PolicyActivated");
            assertThat(records.get(0).getSummary())
                    .contains("sha256:bbbb activated")
                    .contains("2 rules")
                    .contains("previously sha256:aaaa");
            assertThat(records.get(1).getSummary())
                    .contains("sha256:cccc refused")
                    .contains("sha256:bbbb stays active")
                    .contains("broken.yaml: rule x: when does not compile");
            assertThat(records).allSatisfy(r -> assertThat(r.getIntentId()).isNull());
            assertThat(AuditChain.verify(records).intact()).isTrue();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void pipeRaw(TopologyTestDriver driver, Topic<?> topic, String key, byte[] value) {
        driver.createInputTopic(
                        topic.name(),
                        Serdes.String().serializer(),
                        Serdes.ByteArray().serializer())
                .pipeInput(key, value);
    }

    @Test
    void shouldChainAnOversizedPayloadByItsSizeAndDigestAndGoOn() throws Exception {
        try (TopologyTestDriver driver = driver()) {
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            // given an intent whose params make its record almost as large as a Kafka record may be
            var huge = TestEvents.accepted("i-big", "noop");
            huge.getIntent().setParamsJson("{\"blob\":\"" + "x".repeat(1024 * 1024 - 2048) + "\"}");
            byte[] bytes = Topics.INTENTS.valueSerde().serializer().serialize(Topics.INTENTS.name(), huge);
            assertThat(bytes.length).isGreaterThan(AuditAppender.MAX_PAYLOAD_BYTES);

            pipeRaw(driver, Topics.INTENTS, "i-big", bytes);
            pipe(driver, Topics.TIERED, "i-big", TestEvents.tiered("i-big", "noop", Tier.T0));

            // then it is chained with no payload, its size and digest in the (hashed) summary, and the next follows
            List<AuditRecord> records = audit.readValuesToList();
            assertThat(records).extracting(AuditRecord::getEventType).containsExactly("IntentAccepted", "IntentTiered");
            AuditRecord oversized = records.get(0);
            assertThat(oversized.getPayload().remaining()).isZero();
            assertThat(oversized.getIntentId()).isEqualTo("i-big");
            assertThat(oversized.getSummary())
                    .startsWith("accepted over HTTP: agent-7 asks noop on api-server")
                    .endsWith("; payload of " + bytes.length
                            + " bytes not kept: larger than the audit record limit; its SHA-256 is " + sha256(bytes));
            assertThat(Topics.AUDIT.valueSerde().serializer().serialize(Topics.AUDIT.name(), oversized).length)
                    .isLessThan(RecordSizeLimit.MAX_RECORD_BYTES / 2);
            assertThat(records.get(1).getPayload().remaining()).isPositive();
            assertThat(AuditChain.verify(records).intact()).isTrue();
            // the summary is covered by the hash: a different digest would not verify
            oversized.setSummary(oversized.getSummary().replace(sha256(bytes), "0".repeat(64)));
            assertThat(AuditChain.verify(records).intact()).isFalse();

            IntentLifecycle lifecycle = driver.<String, IntentLifecycle>getKeyValueStore(AuditTopology.LIFECYCLES_STORE)
                    .get("i-big");
            assertThat(lifecycle.getState()).isEqualTo(IntentState.TIERED);
            assertThat(lifecycle.getAgentId()).isEqualTo("agent-7");
            assertThat(lifecycle.getSteps().get(0).getSummary()).contains("bytes not kept");
        }
    }

    @Test
    void shouldKeepAPayloadOfExactlyTheLimitAndNotOneByteMore() throws Exception {
        try (TopologyTestDriver driver = driver()) {
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            byte[] atLimit = new byte[AuditAppender.MAX_PAYLOAD_BYTES];
            byte[] overLimit = new byte[AuditAppender.MAX_PAYLOAD_BYTES + 1];
            Arrays.fill(atLimit, (byte) 'a');
            Arrays.fill(overLimit, (byte) 'b');
            pipeRaw(driver, Topics.EXECUTIONS, "junk-1", atLimit);
            pipeRaw(driver, Topics.EXECUTIONS, "junk-2", overLimit);

            List<AuditRecord> records = audit.readValuesToList();
            assertThat(records).extracting(AuditRecord::getEventType).containsExactly("Undecodable", "Undecodable");
            assertThat(records.get(0).getPayload()).isEqualTo(ByteBuffer.wrap(atLimit));
            assertThat(records.get(0).getSummary()).doesNotContain("not kept");
            assertThat(records.get(1).getPayload().remaining()).isZero();
            assertThat(records.get(1).getSummary())
                    .startsWith("undecodable record on executions")
                    .endsWith("payload of " + overLimit.length
                            + " bytes not kept: larger than the audit record limit; its SHA-256 is "
                            + sha256(overLimit));
            assertThat(AuditChain.verify(records).intact()).isTrue();
        }
    }

    @Test
    void shouldCutAnOverlongSummary() {
        try (TopologyTestDriver driver = driver()) {
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            String reason = "r".repeat(100_000);
            var headers =
                    DeadLetterHeaders.describe(new RecordHeaders(), reason, "policy-service", "intents", 0, 7, 1L);
            driver.createInputTopic(
                            Topics.DEAD_LETTER.name(),
                            Serdes.String().serializer(),
                            Serdes.ByteArray().serializer())
                    .pipeInput(new TestRecord<>("junk", "junk".getBytes(), headers));

            AuditRecord record = audit.readValue();
            assertThat(record.getSummary())
                    .hasSizeLessThan(AuditAppender.MAX_SUMMARY_CHARS + 100)
                    .startsWith("dead-lettered by policy-service from intents@0/7: rrr")
                    .endsWith(" more characters not kept)");
            assertThat(record.getPayload()).isEqualTo(ByteBuffer.wrap("junk".getBytes()));
        }
    }
}
