package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.AvroSerde;
import dev.vienna.events.KafkaAccess;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.LocalKafka;
import dev.vienna.sdk.evidence.ChainOrigin;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.MerkleFrontier;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.kafka.audit.AuditChain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./vienna audit verify} against a broker holding a small signed log: intact with the local stack's key or a
 * vkey file; broken, with the problem named, once a checkpoint commits to more than the log holds; refused without
 * keys. The broken case runs last: it adds a checkpoint to the shared log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViennaCliAuditVerifyTest {

    private static final String DEPLOYMENT = "vienna.local";
    private static final NoteSignerKey KEY = NoteSignerKey.generate(DEPLOYMENT + "/audit");

    @TempDir
    static Path dir;

    private static LocalKafka kafka;
    private static Path auditorConfig;

    @BeforeAll
    static void writeASignedLog() throws Exception {
        kafka = LocalKafka.start(dir.resolve("kafka"));
        kafka.createTopics(2);
        auditorConfig = dir.resolve("auditor.properties");
        Files.writeString(auditorConfig, kafka.grant(KafkaAccess.AUDITOR).clientProperties(kafka.bootstrapServers()));
        AvroSerde<AuditRecord> records = new AvroSerde<>(AuditRecord.class);
        AvroSerde<AuditCheckpoint> checkpoints = new AvroSerde<>(AuditCheckpoint.class);
        TreeHasher hasher = new TreeHasher();
        try (var producer =
                new KafkaProducer<>(kafka.adminClientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int chain = 0; chain < 2; chain++) {
                MerkleFrontier tree = MerkleFrontier.empty(hasher);
                String previous = AuditChain.GENESIS;
                for (int sequence = 0; sequence < 5; sequence++) {
                    AuditRecord record = record(chain, sequence, previous);
                    previous = record.getHash();
                    tree.append(hasher.leafHashOfChainHash(previous));
                    producer.send(new ProducerRecord<>(
                                    Topics.AUDIT.name(), chain, bytes(record.getRecordId()), records.encode(record)))
                            .get();
                }
                producer.send(checkpoint(chain, tree.size(), tree.root(), checkpoints))
                        .get();
            }
        }
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static AuditRecord record(int chain, long sequence, String previous) {
        AuditRecord record = AuditRecord.newBuilder()
                .setRecordId(AuditChain.recordId(chain, sequence))
                .setChain(chain)
                .setSequence(sequence)
                .setEventType("IntentAccepted")
                .setSourceTopic("intents")
                .setSourcePartition(chain)
                .setSourceOffset(sequence)
                .setOccurredAt(Instant.EPOCH)
                .setRecordedAt(Instant.EPOCH)
                .setPayload(ByteBuffer.wrap(bytes("payload " + sequence)))
                .setSummary("accepted")
                .setPreviousHash(previous)
                .setHash("")
                .build();
        record.setHash(AuditChain.hash(record));
        return record;
    }

    private static ProducerRecord<byte[], byte[]> checkpoint(
            int chain, long size, byte[] root, AvroSerde<AuditCheckpoint> serde) {
        Checkpoint checkpoint = new Checkpoint(new ChainOrigin(DEPLOYMENT, chain).origin(), size, root);
        return new ProducerRecord<>(
                Topics.AUDIT_CHECKPOINTS.name(),
                bytes(Integer.toString(chain)),
                serde.encode(AuditCheckpoint.newBuilder()
                        .setChain(chain)
                        .setFirstSequence(0)
                        .setTreeSize(size)
                        .setNote(checkpoint.sign(KEY).format())
                        .setPublishedAt(Instant.EPOCH)
                        .build()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private record Run(int exit, String output) {}

    private static Run verify(Path data, String... more) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of(
                "audit",
                "verify",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--config",
                auditorConfig.toString(),
                "--data",
                data.toString()));
        args.addAll(List.of(more));
        int exit = ViennaCli.run(args, new PrintStream(output, true, StandardCharsets.UTF_8));
        return new Run(exit, output.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void shouldVerifyWithTheLocalStacksCheckpointKey() throws Exception {
        Path data = Files.createDirectories(dir.resolve("local-data/keys")).getParent();
        Files.writeString(ViennaStack.checkpointKeyFile(data), KEY.encoded());

        Run run = verify(data);

        assertThat(run.output())
                .contains("audit: chain 0: 5 records, newest checkpoint 5 records, INTACT")
                .contains("audit: chain 1: 5 records, newest checkpoint 5 records, INTACT")
                .contains("for deployment vienna.local")
                .contains("records/s")
                .endsWith("audit: chain intact\n");
        assertThat(run.exit()).isZero();
    }

    @Test
    @Order(2)
    void shouldVerifyWithAVkeyFileAndNameATruncationAsBroken() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys.txt"), KEY.verifierKey().encoded() + "\n");
        Path none = dir.resolve("no-data");

        Run intact = verify(none, "--keys", keys.toString());
        try (var producer =
                new KafkaProducer<>(kafka.adminClientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(checkpoint(1, 9, new byte[32], new AvroSerde<>(AuditCheckpoint.class)))
                    .get();
        }
        Run broken = verify(none, "--keys", keys.toString(), "--require-checkpoints");

        assertThat(intact.exit()).isZero();
        assertThat(broken.output())
                .contains("audit: TRUNCATED chain 1")
                .contains("commits to 9 records, the chain has 5")
                .endsWith("audit: CHAIN BROKEN\n");
        assertThat(broken.exit()).isEqualTo(1);
    }

    @Test
    @Order(1)
    void shouldRefuseToVerifyWithoutAKey() throws Exception {
        Run run = verify(dir.resolve("empty-data"));

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("pass --keys");
    }
}
