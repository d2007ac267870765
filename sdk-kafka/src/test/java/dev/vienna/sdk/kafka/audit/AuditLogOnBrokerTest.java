package dev.vienna.sdk.kafka.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.KafkaAccess;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.LocalKafka;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verifier on logs a real broker stored and gave back: a valid log read as the vienna-auditor principal verifies;
 * each tampered log, written to its own pair of topics and read back raw, is broken with the problem named.
 */
class AuditLogOnBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static LocalKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafka.start(Files.createTempDirectory("audit-log-test"));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    /** Writes the log to new topics named {@code <prefix>-audit} and {@code <prefix>-audit-checkpoints}. */
    private static String write(StoredLog log, String audit, String checkpoints) throws Exception {
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            admin.createTopics(List.of(
                            new NewTopic(audit, log.partitions, (short) 1)
                                    .configs(new HashMap<>(Topics.AUDIT.config())),
                            new NewTopic(checkpoints, 1, (short) 1)
                                    .configs(new HashMap<>(Topics.AUDIT_CHECKPOINTS.config()))))
                    .all()
                    .get();
            // a producer that asks for a topic before every partition has a leader can wait out its delivery timeout
            Awaitility.await()
                    .atMost(TIMEOUT)
                    .until(() ->
                            admin.describeTopics(List.of(audit, checkpoints)).allTopicNames().get().values().stream()
                                    .flatMap(t -> t.partitions().stream())
                                    .allMatch(p -> p.leader() != null));
        }
        try (var producer =
                new KafkaProducer<>(kafka.adminClientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (RawRecord r : log.checkpoints) {
                sent.add(producer.send(new ProducerRecord<>(checkpoints, 0, r.key(), r.value())));
            }
            for (RawRecord r : log.records()) {
                sent.add(producer.send(new ProducerRecord<>(audit, r.partition(), r.key(), r.value())));
            }
            for (var future : sent) {
                future.get();
            }
        }
        return audit;
    }

    @Test
    void shouldVerifyAValidLogReadAsTheAuditor() throws Exception {
        StoredLog log = AuditTampers.base();
        write(log, Topics.AUDIT.name(), Topics.AUDIT_CHECKPOINTS.name());
        var auditor = kafka.grant(KafkaAccess.AUDITOR).clientConfig(kafka.bootstrapServers());

        AuditVerification verification = AuditLogReader.verify(auditor, StoredLog.settings(), TIMEOUT);

        assertThat(verification.problems()).isEmpty();
        assertThat(verification.intact()).isTrue();
        assertThat(verification.records()).isEqualTo(22);
        assertThat(verification.checkpointRecords()).isEqualTo(4);
        assertThat(verification.partitions()).isEqualTo(3);
    }

    @Test
    void shouldVerifyAChainOlderThanItsCheckpoints() throws Exception {
        var records = AuditFixtures.chain(0, 12);
        StoredLog log = new StoredLog(1)
                .add(records)
                .add(AuditFixtures.checkpoint(AuditFixtures.LOG_KEY, AuditFixtures.DEPLOYMENT, records, 5, 4))
                .add(AuditFixtures.checkpoint(AuditFixtures.LOG_KEY, AuditFixtures.DEPLOYMENT, records, 5, 7));
        String prefix = "older-" + UUID.randomUUID();
        write(log, prefix + "-audit", prefix + "-checkpoints");

        AuditVerification verification = AuditLogReader.verify(
                kafka.adminClientConfig(), prefix + "-audit", prefix + "-checkpoints", StoredLog.settings(), TIMEOUT);

        assertThat(verification.problems()).isEmpty();
        assertThat(verification.chains().get(0).newestCheckpointSize()).isEqualTo(7);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.vienna.sdk.kafka.audit.AuditTampers#all")
    void shouldNameEachTamperOfAStoredLog(AuditTampers.Tamper tamper) throws Exception {
        String prefix = "tampered-" + UUID.randomUUID();
        write(tamper.log().get(), prefix + "-audit", prefix + "-checkpoints");

        AuditVerification verification = AuditLogReader.verify(
                kafka.adminClientConfig(), prefix + "-audit", prefix + "-checkpoints", StoredLog.settings(), TIMEOUT);

        assertThat(verification.intact()).as(tamper.name()).isFalse();
        assertThat(verification.failures().get(0).kind())
                .as(verification.problems().toString())
                .isEqualTo(tamper.first());
        assertThat(verification.kinds()).as(verification.problems().toString()).isSubsetOf(tamper.allowed());
    }

    @Test
    void shouldNotVerifyALogWhoseTopicsDoNotExist() {
        String prefix = "absent-" + UUID.randomUUID();

        AuditVerification verification = AuditLogReader.verify(
                kafka.adminClientConfig(), prefix + "-audit", prefix + "-checkpoints", StoredLog.settings(), TIMEOUT);

        assertThat(verification.kinds()).containsExactly(AuditProblem.Kind.EMPTY_LOG);
        assertThat(verification.partitions()).isZero();
    }

    @Test
    void shouldHandOverTombstonesAndGarbageAsStored() throws Exception {
        StoredLog log = new StoredLog(2)
                .append(new RawRecord(1, 0, AuditFixtures.key("1-000000000000"), null))
                .append(new RawRecord(1, 0, AuditFixtures.key("k"), new byte[] {1, 2, 3}));
        String prefix = "raw-" + UUID.randomUUID();
        write(log, prefix + "-audit", prefix + "-checkpoints");
        List<RawRecord> read = new ArrayList<>();

        int partitions = AuditLogReader.readRaw(kafka.adminClientConfig(), prefix + "-audit", TIMEOUT, read::add);

        assertThat(partitions).isEqualTo(2);
        assertThat(read).hasSize(2);
        assertThat(read.get(0).value()).isNull();
        assertThat(read.get(0).key()).isEqualTo(AuditFixtures.key("1-000000000000"));
        assertThat(read.get(1).value()).containsExactly(1, 2, 3);
        assertThat(read.get(1).partition()).isEqualTo(1);
        assertThat(read.get(1).offset()).isEqualTo(1);
    }
}
