package dev.vienna.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.evidence.SignedNote;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.testing.TestEvents;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The signed checkpoints audit-service publishes per chain: when (every N records, or after the interval when there is
 * something new), what they commit to (the RFC 9162 root of the chain's records, recomputed here from the records with
 * the RFC's own recursive definition), and how a chain older than checkpoints is covered.
 */
class AuditCheckpointsTest {

    private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");
    private static final String DEPLOYMENT = "vienna.test";

    private final NoteSignerKey key = NoteSignerKey.generate(DEPLOYMENT + "/audit");

    private TopologyTestDriver driver(long records, Duration interval) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "audit-checkpoints-test");
        return new TopologyTestDriver(
                AuditTopology.buildTopology(
                        java.time.Clock.systemUTC(),
                        new Checkpointer(DEPLOYMENT, key, records, interval),
                        VerificationSettings.defaults(),
                        RecordTracing.off()),
                props,
                START);
    }

    /** Pipes {@code n} events of intent {@code intentId} (one IntentAccepted, then tiered events). */
    private static void pipeEvents(TopologyTestDriver driver, String intentId, int n) {
        var intents = driver.createInputTopic(
                Topics.INTENTS.name(),
                Serdes.String().serializer(),
                Topics.INTENTS.valueSerde().serializer());
        var tiered = driver.createInputTopic(
                Topics.TIERED.name(),
                Serdes.String().serializer(),
                Topics.TIERED.valueSerde().serializer());
        intents.pipeInput(intentId, TestEvents.accepted(intentId, "noop"));
        for (int i = 1; i < n; i++) {
            tiered.pipeInput(intentId, TestEvents.tiered(intentId, "noop", Tier.T0));
        }
    }

    @Test
    void shouldSignACheckpointEveryNRecordsThatCommitsToTheChainsRecords() {
        try (TopologyTestDriver driver = driver(3, Duration.ofHours(1))) {
            // given a chain checkpointed every 3 records
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            var checkpoints = checkpoints(driver);

            // when 7 events are audited
            pipeEvents(driver, "i-1", 7);

            // then two checkpoints were published, of 3 and 6 records, keyed by chain, each signed by the key and
            // committing to exactly the chain's first records
            List<AuditRecord> records = audit.readValuesToList();
            List<TestRecord<String, AuditCheckpoint>> published = checkpoints.readRecordsToList();
            assertThat(published).extracting(TestRecord::key).containsExactly("0", "0");
            assertThat(published).extracting(r -> r.value().getTreeSize()).containsExactly(3L, 6L);
            for (var record : published) {
                AuditCheckpoint checkpoint = record.value();
                assertThat(checkpoint.getFirstSequence()).isZero();
                Checkpoint body = verified(checkpoint);
                assertThat(body.origin()).isEqualTo(DEPLOYMENT + "/audit/chain/0");
                assertThat(body.size()).isEqualTo(checkpoint.getTreeSize());
                assertThat(body.extensions()).isEmpty();
                assertThat(body.rootHash()).isEqualTo(rfcRoot(records.subList(0, (int) checkpoint.getTreeSize())));
            }
        }
    }

    @Test
    void shouldCheckpointNewRecordsOnceTheIntervalHasPassedAndNothingWhenThereIsNothingNew() {
        try (TopologyTestDriver driver = driver(1000, Duration.ofSeconds(5))) {
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            var checkpoints = checkpoints(driver);

            // given two audited events and no checkpoint yet
            pipeEvents(driver, "i-1", 2);
            assertThat(checkpoints.isEmpty()).isTrue();

            // when the interval passes, then the chain is checkpointed at 2 records
            driver.advanceWallClockTime(Duration.ofSeconds(5));
            assertThat(checkpoints.readValuesToList())
                    .singleElement()
                    .satisfies(c -> assertThat(c.getTreeSize()).isEqualTo(2));

            // when it passes again with nothing new, then nothing is published
            driver.advanceWallClockTime(Duration.ofSeconds(5));
            assertThat(checkpoints.isEmpty()).isTrue();

            // when one more event is audited and the interval passes, then the new checkpoint covers 3 records
            pipeEvents(driver, "i-2", 1);
            driver.advanceWallClockTime(Duration.ofSeconds(5));
            AuditCheckpoint third = checkpoints.readValue();
            assertThat(third.getTreeSize()).isEqualTo(3);
            assertThat(verified(third).rootHash()).isEqualTo(rfcRoot(audit.readValuesToList()));
            assertThat(third.getPublishedAt()).isAfterOrEqualTo(START.plusSeconds(15));
        }
    }

    @Test
    void shouldStartTheTreeOfAChainOlderThanCheckpointsAtItsNextRecordAndSaySoInTheSignedNote() {
        try (TopologyTestDriver driver = driver(1000, Duration.ofSeconds(5))) {
            // given chain 0 whose head was stored before chains had trees: record 4 with some hash
            String oldHead = "a".repeat(64);
            driver.<Integer, String>getKeyValueStore(AuditTopology.CHAIN_HEADS_STORE)
                    .put(0, "4 " + oldHead);
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            var checkpoints = checkpoints(driver);

            // when an event is audited and the interval passes
            pipeEvents(driver, "i-1", 1);
            driver.advanceWallClockTime(Duration.ofSeconds(5));

            // then the record continues the hash chain, and the tree begins with it: leaf 0 is sequence 5, which the
            // signed note states, and the record's previous hash commits to everything before it
            AuditRecord record = audit.readValue();
            assertThat(record.getSequence()).isEqualTo(5);
            assertThat(record.getPreviousHash()).isEqualTo(oldHead);
            AuditCheckpoint checkpoint = checkpoints.readValue();
            assertThat(checkpoint.getFirstSequence()).isEqualTo(5);
            assertThat(checkpoint.getTreeSize()).isEqualTo(1);
            Checkpoint body = verified(checkpoint);
            assertThat(body.extensions()).containsExactly(Checkpointer.FIRST_SEQUENCE + " 5");
            assertThat(body.rootHash()).isEqualTo(rfcRoot(List.of(record)));
        }
    }

    @Test
    void shouldStoreTheHeadWithItsWholeTreeSoTheTaskThatTakesTheChainOverContinuesIt() {
        try (TopologyTestDriver driver = driver(1000, Duration.ofHours(1))) {
            // given two audited events
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            pipeEvents(driver, "i-1", 2);
            List<AuditRecord> records = audit.readValuesToList();

            // when the chain head is read back from the store alone, as a task restored from the changelog reads it
            ChainHead head = ChainHead.parse(
                    driver.<Integer, String>getKeyValueStore(AuditTopology.CHAIN_HEADS_STORE)
                            .get(0),
                    new dev.vienna.sdk.evidence.TreeHasher());

            // then it holds the last record and the tree of both records
            assertThat(head.sequence()).isEqualTo(1);
            assertThat(head.hash()).isEqualTo(records.get(1).getHash());
            assertThat(head.tree().size()).isEqualTo(2);
            assertThat(head.tree().root()).isEqualTo(rfcRoot(records));
        }
    }

    @Test
    void shouldProveEveryRecordAndEveryEarlierTreeFromTheStoredTilesAndTheHead() {
        try (TopologyTestDriver driver = driver(1000, Duration.ofHours(1))) {
            // given 45 audited records: two complete tiles of 16 and 13 leaves pending in the head
            var audit = driver.createOutputTopic(
                    Topics.AUDIT.name(),
                    Serdes.String().deserializer(),
                    Topics.AUDIT.valueSerde().deserializer());
            pipeEvents(driver, "i-1", 45);
            List<AuditRecord> records = audit.readValuesToList();
            var hasher = new dev.vienna.sdk.evidence.TreeHasher();
            var stored = driver.<String, byte[]>getKeyValueStore(ChainTree.STORE);
            ChainHead head = ChainHead.parse(
                    driver.<Integer, String>getKeyValueStore(AuditTopology.CHAIN_HEADS_STORE)
                            .get(0),
                    hasher);
            assertThat(head.pending()).hasSize(13 * 32);
            var nodes = ChainTree.nodes(0, head, stored::get, hasher);
            var proofs = new dev.vienna.sdk.evidence.MerkleProofs();
            List<byte[]> leaves = records.stream()
                    .map(r -> new dev.vienna.sdk.evidence.TreeHasher().leafHashOfChainHash(r.getHash()))
                    .toList();

            // then for every tree size up to 45 and every leaf in it, the proof from the store is the one computed
            // from all leaves, and it verifies against the RFC root of the records
            for (int size = 1; size <= 45; size++) {
                byte[] root = rfcRoot(records.subList(0, size));
                assertThat(proofs.root(size, nodes)).isEqualTo(root);
                for (int leaf = 0; leaf < size; leaf++) {
                    var proof = proofs.inclusionProof(leaf, size, nodes);
                    assertThat(proof)
                            .usingElementComparator(Arrays::compare)
                            .containsExactlyElementsOf(
                                    proofs.inclusionProofFromLeaves(leaf, size, i -> leaves.get((int) i)));
                    assertThat(proofs.verifyInclusion(leaves.get(leaf), leaf, size, proof, root)
                                    .accepted())
                            .isTrue();
                }
                // and the tree of each size is provably a prefix of the whole
                var consistency = proofs.consistencyProof(size, 45, nodes);
                assertThat(proofs.verifyConsistency(size, 45, root, rfcRoot(records), consistency)
                                .accepted())
                        .isTrue();
            }
        }
    }

    private TestOutput checkpoints(TopologyTestDriver driver) {
        return new TestOutput(driver.createOutputTopic(
                Topics.AUDIT_CHECKPOINTS.name(),
                Serdes.String().deserializer(),
                Topics.AUDIT_CHECKPOINTS.valueSerde().deserializer()));
    }

    /** The checkpoint's note, verified with the service's key; its body. */
    private Checkpoint verified(AuditCheckpoint checkpoint) {
        SignedNote note = SignedNote.parse(checkpoint.getNote());
        assertThat(note.verify(List.of(key.verifierKey())).trusted())
                .as("signed by the checkpoint key")
                .isTrue();
        assertThat(note.verify(List.of(
                                NoteSignerKey.generate(DEPLOYMENT + "/audit").verifierKey()))
                        .trusted())
                .as("not by another key of the same name")
                .isFalse();
        return Checkpoint.parse(note.text());
    }

    /** RFC 9162 §2.1.1 MTH over the records' chain hashes, by the RFC's recursive definition. */
    static byte[] rfcRoot(List<AuditRecord> records) {
        for (AuditRecord r : records) {
            assertThat(AuditChain.hash(r)).isEqualTo(r.getHash());
        }
        return mth(
                records.stream().map(r -> HexFormat.of().parseHex(r.getHash())).toList());
    }

    private static byte[] mth(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            return sha256(new byte[0]);
        }
        if (leaves.size() == 1) {
            return sha256(concat(new byte[] {0}, leaves.get(0)));
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return sha256(concat(new byte[] {1}, concat(mth(leaves.subList(0, k)), mth(leaves.subList(k, leaves.size())))));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The checkpoints topic as the test reads it. */
    private record TestOutput(org.apache.kafka.streams.TestOutputTopic<String, AuditCheckpoint> topic) {
        boolean isEmpty() {
            return topic.isEmpty();
        }

        List<AuditCheckpoint> readValuesToList() {
            return topic.readValuesToList();
        }

        List<TestRecord<String, AuditCheckpoint>> readRecordsToList() {
            return topic.readRecordsToList();
        }

        AuditCheckpoint readValue() {
            return topic.readValue();
        }
    }
}
