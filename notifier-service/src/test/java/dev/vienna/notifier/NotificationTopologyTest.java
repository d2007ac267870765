package dev.vienna.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.AgentChange;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.VerdictOutcome;
import dev.vienna.platform.streams.DeadLetterProcessingHandler;
import dev.vienna.platform.tracing.RecordTracing;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The derivation of notifications from audit records, on Kafka Streams' test driver with a controlled wall clock. */
class NotificationTopologyTest {

    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

    private final AuditFixtures fixtures = new AuditFixtures();
    private final MockProducer<byte[], byte[]> deadLetters =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private TopologyTestDriver driver;
    private TestInputTopic<String, AuditRecord> audit;
    private TestOutputTopic<String, byte[]> notifications;

    @BeforeEach
    void start() {
        start(NotificationSettings.defaults());
    }

    private void start(NotificationSettings settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        // as in the service (platform's defaults): a record the deriver cannot process is dead-lettered
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.put("vienna.dead-letter.producer", deadLetters);
        driver =
                new TopologyTestDriver(NotificationTopology.buildTopology(settings, RecordTracing.off()), props, START);
        audit = driver.createInputTopic(
                Topics.AUDIT.name(),
                Serdes.String().serializer(),
                Topics.AUDIT.valueSerde().serializer());
        notifications = driver.createOutputTopic(
                Topics.NOTIFICATIONS.name(),
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void pipe(AuditRecord record) {
        audit.pipeInput(record.getRecordId(), record, record.getRecordedAt());
    }

    private List<Notification> notified() {
        return notifications.readRecordsToList().stream()
                .map(r -> Notification.parse(r.key(), r.value()))
                .toList();
    }

    @Test
    void shouldAnnounceAHeldIntentWithItsDeadlineAndEverythingAnOperatorNeeds() {
        AuditRecord held = fixtures.held("i-1", Tier.T3, START, null);
        pipe(held);

        List<Notification> out = notified();
        assertThat(out).hasSize(1);
        Notification pending = out.get(0);
        assertThat(pending.kind()).isEqualTo(NotificationKind.APPROVAL_PENDING);
        assertThat(pending.id())
                .isEqualTo(Notification.idOf(held.getRecordId(), held.getHash(), NotificationKind.APPROVAL_PENDING))
                .startsWith("msg_");
        assertThat(pending.timestamp()).isEqualTo(START);
        assertThat(pending.data().get("intentId").asText()).isEqualTo("i-1");
        assertThat(pending.data().get("tier").asText()).isEqualTo("T3");
        assertThat(pending.data().get("agentId").asText()).isEqualTo("agent-7");
        assertThat(pending.data().get("owner").asText()).isEqualTo("carol");
        assertThat(pending.data().get("action").asText()).isEqualTo("deploy_production");
        assertThat(pending.data().get("resource").asText()).isEqualTo("api-server");
        assertThat(pending.data().get("justification").asText()).isEqualTo("load test");
        assertThat(pending.data().get("requiredApprovals").asInt()).isEqualTo(2);
        // approval-service's default T3 time to decide: 4 h from the policy decision
        assertThat(pending.data().get("deadline").asText())
                .isEqualTo(START.plus(Duration.ofHours(4)).toString());
    }

    @Test
    void shouldTakeThePolicysApprovalTtlForTheDeadline() {
        pipe(fixtures.held("i-ttl", Tier.T2, START, "PT30M"));

        assertThat(notified().get(0).data().get("deadline").asText())
                .isEqualTo(START.plus(Duration.ofMinutes(30)).toString());
    }

    @Test
    void shouldNotAnnounceIntentsThatNeedNoOperatorNorTheirAutomaticDecisions() {
        pipe(fixtures.automatic("i-t0", START));
        pipe(fixtures.decided("i-t0", Tier.T0, ApprovalOutcome.APPROVED, true, START));
        pipe(fixtures.verdict("i-t0", VerdictOutcome.VERIFIED, START));
        pipe(fixtures.agentChanged("agent-7", AgentChange.REGISTERED, START));

        assertThat(notified()).isEmpty();
    }

    @Test
    void shouldAnnounceOperatorsDecisionsAndExpiry() {
        pipe(fixtures.held("i-a", Tier.T3, START, null));
        pipe(fixtures.held("i-e", Tier.T2, START, null));
        notified();

        pipe(fixtures.decided("i-a", Tier.T3, ApprovalOutcome.APPROVED, false, START.plusSeconds(60)));
        // approval-service marks an expiry automatic: it is still news for operators
        pipe(fixtures.decided("i-e", Tier.T2, ApprovalOutcome.EXPIRED, true, START.plusSeconds(3600)));

        List<Notification> out = notified();
        assertThat(out)
                .extracting(Notification::kind)
                .containsExactly(NotificationKind.APPROVAL_DECIDED, NotificationKind.APPROVAL_DECIDED);
        assertThat(out.get(0).data().get("outcome").asText()).isEqualTo("APPROVED");
        assertThat(out.get(0).data().get("approvals").findValuesAsText("operatorId"))
                .containsExactly("alice", "bob");
        assertThat(out.get(1).data().get("outcome").asText()).isEqualTo("EXPIRED");
    }

    @Test
    void shouldWarnOnceBeforeTheDeadlineOfAnIntentStillPending() {
        AuditRecord held = fixtures.held("i-x", Tier.T2, START, null); // 1 h: warned 10 min before
        pipe(held);
        notified();

        driver.advanceWallClockTime(Duration.ofMinutes(49));
        assertThat(notified()).as("49 minutes in").isEmpty();

        driver.advanceWallClockTime(Duration.ofSeconds(65));
        List<Notification> out = notified();
        assertThat(out).hasSize(1);
        Notification expiring = out.get(0);
        assertThat(expiring.kind()).isEqualTo(NotificationKind.APPROVAL_EXPIRING);
        assertThat(expiring.id())
                .isEqualTo(Notification.idOf(held.getRecordId(), held.getHash(), NotificationKind.APPROVAL_EXPIRING));
        assertThat(expiring.data().get("intentId").asText()).isEqualTo("i-x");
        assertThat(expiring.data().get("deadline").asText())
                .isEqualTo(START.plus(Duration.ofHours(1)).toString());
        assertThat(Duration.parse(expiring.data().get("expiresIn").asText()))
                .isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));

        driver.advanceWallClockTime(Duration.ofMinutes(5));
        assertThat(notified()).as("sent once").isEmpty();
    }

    @Test
    void shouldWarnAShareOfTheTimeBeforeAShortDeadline() {
        pipe(fixtures.held("i-short", Tier.T2, START, "PT20S")); // a quarter: 5 s before
        notified();

        driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(notified()).isEmpty();
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        assertThat(notified()).extracting(Notification::kind).containsExactly(NotificationKind.APPROVAL_EXPIRING);
    }

    @Test
    void shouldNotWarnAboutAnIntentDecidedBefore() {
        pipe(fixtures.held("i-d", Tier.T2, START, null));
        pipe(fixtures.decided("i-d", Tier.T2, ApprovalOutcome.DENIED, false, START.plusSeconds(30)));
        notified();

        driver.advanceWallClockTime(Duration.ofMinutes(59));
        assertThat(notified()).isEmpty();
    }

    @Test
    void shouldNotWarnWhenTheDeadlinePassedWhileTheNotifierWasDown() {
        pipe(fixtures.held("i-late", Tier.T2, START, "PT1M"));
        notified();

        driver.advanceWallClockTime(Duration.ofMinutes(5));
        assertThat(notified()).isEmpty();
    }

    @Test
    void shouldNotAnnounceARepublishedPolicyDecisionTwice() {
        pipe(fixtures.held("i-r", Tier.T2, START, null));
        pipe(fixtures.held("i-r", Tier.T2, START.plusSeconds(1), null));

        assertThat(notified()).hasSize(1);
    }

    @Test
    void shouldReportViolationsWithTheirReasons() {
        pipe(fixtures.verdict("i-v", VerdictOutcome.VIOLATION, START));

        Notification violation = notified().get(0);
        assertThat(violation.kind()).isEqualTo(NotificationKind.EXECUTION_VIOLATION);
        assertThat(violation.data().get("warrantId").asText()).isEqualTo("w-i-v");
        assertThat(violation.data().get("reasons").get(0).asText())
                .isEqualTo("executed action digest differs from the warrant's");
    }

    @Test
    void shouldReportASuspendedAgentWithWhoAndWhy() {
        pipe(fixtures.agentChanged("agent-7", AgentChange.SUSPENDED, START));

        Notification suspended = notified().get(0);
        assertThat(suspended.kind()).isEqualTo(NotificationKind.AGENT_SUSPENDED);
        assertThat(suspended.data().get("agentId").asText()).isEqualTo("agent-7");
        assertThat(suspended.data().get("suspendedBy").asText()).isEqualTo("sam");
        assertThat(suspended.data().get("reason").asText()).isEqualTo("runaway deploys");
    }

    @Test
    void shouldNotPageAboutThePast() {
        pipe(fixtures.agentChanged("agent-old", AgentChange.SUSPENDED, START.minus(Duration.ofHours(25))));
        pipe(fixtures.verdict("i-old", VerdictOutcome.VIOLATION, START.minus(Duration.ofHours(25))));

        assertThat(notified()).isEmpty();
    }

    @Test
    void shouldDeadLetterAnAuditRecordWhosePayloadIsNotItsEvent() {
        AuditRecord broken = fixtures.verdict("i-b", VerdictOutcome.VIOLATION, START);
        broken.setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        pipe(broken);
        pipe(fixtures.verdict("i-after", VerdictOutcome.VIOLATION, START));

        assertThat(notified())
                .extracting(n -> n.data().get("intentId").asText())
                .containsExactly("i-after");
        List<ProducerRecord<byte[], byte[]>> dead = deadLetters.history();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).topic()).isEqualTo(Topics.DEAD_LETTER.name());
        assertThat(DeadLetterHeaders.read(dead.get(0).headers(), DeadLetterHeaders.REASON))
                .contains(broken.getRecordId())
                .contains("not an ExecutionVerdict");
    }

    @Test
    void shouldDeriveTheSameWebhookIdFromTheSameAuditRecord() {
        AuditRecord record = fixtures.verdict("i-same", VerdictOutcome.VIOLATION, START);
        pipe(record);
        String first = notified().get(0).id();
        stop();
        start(); // a fresh task processing the record again (no state)
        pipe(record);

        assertThat(notified().get(0).id()).isEqualTo(first);
    }
}
