package dev.vienna.sdk.kafka.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.vienna.events.AuditRecord;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.kafka.audit.AuditProblem.Kind;
import dev.vienna.sdk.kafka.audit.AuditVerification.Status;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The verifier on logs held in memory: every tamper named, and no input that makes it throw. */
class AuditLogVerifierTest {

    private static final AuditLogVerifier.Settings SETTINGS = StoredLog.settings();

    @Test
    void shouldVerifyAValidLogAndSumUpEachChain() {
        AuditVerification verification = AuditTampers.base().verify(SETTINGS);

        assertThat(verification.problems()).isEmpty();
        assertThat(verification.intact()).isTrue();
        assertThat(verification.records()).isEqualTo(22);
        assertThat(verification.checkpointRecords()).isEqualTo(4);
        assertThat(verification.chains())
                .extracting(
                        AuditVerification.Chain::chain,
                        AuditVerification.Chain::records,
                        AuditVerification.Chain::newestCheckpointSize,
                        AuditVerification.Chain::notYetCheckpointed,
                        AuditVerification.Chain::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, 10L, 8L, 2L, Status.INTACT),
                        org.assertj.core.groups.Tuple.tuple(1, 7L, 4L, 3L, Status.INTACT),
                        org.assertj.core.groups.Tuple.tuple(2, 5L, 4L, 1L, Status.INTACT));
    }

    @Test
    void shouldReportAnUntouchedPartitionAsEmptyNotMissing() {
        AuditVerification verification = StoredLog.valid(4, 4, 8, 4).verify(SETTINGS);

        assertThat(verification.intact()).isTrue();
        assertThat(verification.chains())
                .extracting(AuditVerification.Chain::status)
                .containsExactly(Status.INTACT, Status.INTACT, Status.EMPTY, Status.EMPTY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.vienna.sdk.kafka.audit.AuditTampers#all")
    void shouldNameEachTamper(AuditTampers.Tamper tamper) {
        AuditVerification verification = tamper.log().get().verify(SETTINGS);

        assertThat(verification.intact()).as(tamper.name()).isFalse();
        assertThat(verification.failures().get(0).kind())
                .as(verification.problems().toString())
                .isEqualTo(tamper.first());
        assertThat(verification.kinds()).as(verification.problems().toString()).isSubsetOf(tamper.allowed());
        verification.problems().forEach(p -> assertThat(p.reason()).isNotBlank());
    }

    @Test
    void shouldNameTheAlteredRecordAndWhereItIsStored() {
        AuditVerification verification = AuditTampers.all().get(0).log().get().verify(SETTINGS);

        assertThat(verification.problems()).singleElement().satisfies(p -> {
            assertThat(p.chain()).isZero();
            assertThat(p.sequence()).isEqualTo(2);
            assertThat(p.recordId()).isEqualTo("0-000000000002");
            assertThat(p.where()).isEqualTo("audit partition 0 offset 2");
            assertThat(p.reason()).contains("altered");
        });
    }

    @Test
    void shouldSayHowManyRecordsATruncatedChainLacks() {
        AuditVerification verification = AuditTampers.all().get(3).log().get().verify(SETTINGS);

        assertThat(verification.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.TRUNCATED);
            assertThat(p.sequence()).isEqualTo(7);
            assertThat(p.reason()).contains("commits to 8 records, the chain has 7");
        });
        assertThat(verification.chains().get(0).status()).isEqualTo(Status.BROKEN);
    }

    @Test
    void shouldSayWhichCheckpointARewrittenChainNoLongerMatches() {
        AuditVerification verification = AuditTampers.all().get(4).log().get().verify(SETTINGS);

        assertThat(verification.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.ROOT_MISMATCH);
            assertThat(p.reason())
                    .contains("8 records")
                    .contains("they do give the root of the checkpoint of 4 records")
                    .contains("among sequences 4 to 7");
        });
    }

    @Test
    void shouldTellASwappedPairFromAGap() {
        AuditVerification verification = AuditTampers.all().get(2).log().get().verify(SETTINGS);

        assertThat(verification.kinds()).containsExactly(Kind.REORDERED, Kind.ROOT_MISMATCH);
        assertThat(verification.problems().get(0).reason()).contains("record 5 comes after record 6");
    }

    @Test
    void shouldWarnOfAChainWithoutCheckpointAndFailOnlyWhenCheckpointsAreRequired() {
        StoredLog log = new StoredLog(1).add(AuditFixtures.chain(0, 5));

        AuditVerification lenient = log.verify(SETTINGS);
        AuditVerification strict = log.verify(SETTINGS.requiringCheckpoints(true));

        assertThat(lenient.intact()).isTrue();
        assertThat(lenient.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.NO_CHECKPOINT);
            assertThat(p.failure()).isFalse();
        });
        assertThat(lenient.chains().get(0).status()).isEqualTo(Status.NOT_CHECKPOINTED);
        assertThat(strict.intact()).isFalse();
        assertThat(strict.kinds()).containsExactly(Kind.NO_CHECKPOINT);
    }

    @Test
    void shouldVerifyAChainOlderThanItsCheckpoints() {
        List<AuditRecord> records = AuditFixtures.chain(0, 10);
        StoredLog log = new StoredLog(1)
                .add(records)
                .add(AuditFixtures.checkpoint(AuditFixtures.LOG_KEY, AuditFixtures.DEPLOYMENT, records, 4, 3))
                .add(AuditFixtures.checkpoint(AuditFixtures.LOG_KEY, AuditFixtures.DEPLOYMENT, records, 4, 6));

        AuditVerification verification = log.verify(SETTINGS);

        assertThat(verification.problems()).isEmpty();
        assertThat(verification.chains().get(0).newestCheckpointSize()).isEqualTo(6);
        assertThat(verification.chains().get(0).notYetCheckpointed()).isZero();
    }

    @Test
    void shouldNotMatchACheckpointOfAChainOlderThanCheckpointsWhenItsFirstRecordsAreRewritten() {
        List<AuditRecord> records = AuditFixtures.chain(0, 10);
        StoredLog log = new StoredLog(1)
                .add(AuditFixtures.checkpoint(AuditFixtures.LOG_KEY, AuditFixtures.DEPLOYMENT, records, 4, 6));
        records.get(2).setSummary("rewritten");
        AuditFixtures.rehashFrom(records, 2);
        log.add(records);

        assertThat(log.verify(SETTINGS).kinds()).containsExactly(Kind.ROOT_MISMATCH);
    }

    @Test
    void shouldNameAMissingChainBeyondThePartitions() {
        StoredLog log = StoredLog.valid(2, 4, 4, 4, 4); // chain 2's checkpoint, but only 2 partitions
        log.audit.remove(2);

        AuditVerification verification = log.verify(SETTINGS);

        assertThat(verification.problems()).anySatisfy(p -> {
            assertThat(p.kind()).isEqualTo(Kind.MISSING_CHAIN);
            assertThat(p.chain()).isEqualTo(2);
        });
    }

    @Test
    void shouldNameAnEmptyLogWithCheckpointsAsEmptyAndItsChainsAsMissing() {
        StoredLog log = StoredLog.valid(3, 4, 4, 4);
        log.audit.clear();

        assertThat(log.verify(SETTINGS).kinds())
                .containsExactlyInAnyOrder(Kind.MISSING_CHAIN, Kind.MISSING_CHAIN, Kind.EMPTY_LOG);
    }

    @Test
    void shouldNotVerifyALogWhoseTopicDoesNotExist() {
        AuditVerification verification = AuditLogVerifier.verify(SETTINGS, List.of(), List.of(), 0);

        assertThat(verification.intact()).isFalse();
        assertThat(verification.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("does not exist"));
    }

    @Test
    void shouldNameACutLinkAndAWrongRecordIdAndKeyAndChain() {
        List<AuditRecord> records = AuditFixtures.chain(0, 6);
        records.get(1).setPreviousHash("f".repeat(64));
        records.get(1).setHash(AuditChain.hash(records.get(1)));
        records.get(2).setPreviousHash(records.get(1).getHash());
        records.get(2).setHash(AuditChain.hash(records.get(2)));
        records.get(3).setPreviousHash(records.get(2).getHash());
        records.get(3).setRecordId("0-3");
        records.get(3).setHash(AuditChain.hash(records.get(3)));
        records.get(4).setPreviousHash(records.get(3).getHash());
        records.get(4).setChain(1);
        records.get(4).setHash(AuditChain.hash(records.get(4)));
        records.get(5).setPreviousHash(records.get(4).getHash());
        records.get(5).setHash(AuditChain.hash(records.get(5)));
        StoredLog log = new StoredLog(1);
        AuditFixtures.stored(records).forEach(raw -> log.append(new RawRecord(0, 0, raw.key(), raw.value())));
        RawRecord last = log.partition(0).get(5);
        log.partition(0).set(5, new RawRecord(0, 5, AuditFixtures.key("0-5"), last.value()));

        AuditVerification verification = log.verify(SETTINGS);

        assertThat(verification.problems())
                .extracting(AuditProblem::kind, AuditProblem::sequence)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.PREVIOUS_HASH, 1L),
                        org.assertj.core.groups.Tuple.tuple(Kind.RECORD_ID, 3L),
                        org.assertj.core.groups.Tuple.tuple(Kind.WRONG_CHAIN, 4L),
                        org.assertj.core.groups.Tuple.tuple(Kind.RECORD_ID, 5L),
                        org.assertj.core.groups.Tuple.tuple(Kind.NO_CHECKPOINT, -1L));
    }

    @Test
    void shouldNameACheckpointRecordThatDisagreesWithItsNote() {
        List<AuditRecord> records = AuditFixtures.chain(0, 4);
        var checkpoint = AuditFixtures.checkpoint(records, 4);
        checkpoint.setTreeSize(3);
        StoredLog log = new StoredLog(1).add(records).add(checkpoint);

        assertThat(log.verify(SETTINGS).problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.CHECKPOINT_MALFORMED);
            assertThat(p.reason()).contains("tree size 3 (the note: 4)");
        });
    }

    @Test
    void shouldNameATombstoneAmongTheCheckpoints() {
        StoredLog log = AuditTampers.base().appendCheckpoint(AuditFixtures.key("1"), null);

        assertThat(log.verify(SETTINGS).problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.TOMBSTONE);
            assertThat(p.chain()).isEqualTo(1);
        });
    }

    @Test
    void shouldTakeTheDeploymentOfTheFirstCheckpointWhenNoneIsExpected() {
        StoredLog log = AuditTampers.base()
                .add(AuditFixtures.checkpoint(
                        AuditFixtures.LOG_KEY, "other.deployment", AuditFixtures.chain(1, 7), 0, 4));
        AuditLogVerifier.Settings anyDeployment =
                AuditLogVerifier.Settings.trusting(List.of(AuditFixtures.LOG_KEY.verifierKey()));

        assertThat(log.verify(anyDeployment).kinds()).containsExactly(Kind.CHECKPOINT_WRONG_ORIGIN);
    }

    @Test
    void shouldTrustACheckpointCoSignedByAnUnknownWitness() {
        List<AuditRecord> records = AuditFixtures.chain(0, 4);
        var checkpoint = AuditFixtures.checkpoint(records, 4);
        NoteSignerKey witness = NoteSignerKey.generate("witness.example");
        checkpoint.setNote(dev.vienna.sdk.evidence.SignedNote.parse(checkpoint.getNote())
                .signedBy(witness)
                .format());

        assertThat(new StoredLog(1)
                        .add(records)
                        .add(checkpoint)
                        .verify(SETTINGS)
                        .problems())
                .isEmpty();
    }

    @Test
    void shouldNameARecordClaimingMoreBytesThanItHasWithoutAllocatingThem() {
        byte[] valid = AuditFixtures.encode(AuditFixtures.chain(0, 1).get(0));
        byte[] hostile = new byte[valid.length];
        System.arraycopy(valid, 0, hostile, 0, 10); // header and fingerprint of the current schema
        hostile[10] = (byte) 0xfe; // record id length: zig-zag varint of about 2^31
        hostile[11] = (byte) 0xff;
        hostile[12] = (byte) 0xff;
        hostile[13] = (byte) 0xff;
        hostile[14] = (byte) 0x0f;
        StoredLog log = new StoredLog(1).append(new RawRecord(0, 0, AuditFixtures.key("0-000000000000"), hostile));

        AuditVerification verification = log.verify(SETTINGS);

        assertThat(verification.problems()).first().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.UNDECODABLE);
            assertThat(p.reason()).contains("recordId");
        });
    }

    @Test
    void shouldNameBytesLeftAfterARecord() {
        StoredLog log = new StoredLog(1).add(AuditFixtures.chain(0, 1));
        log.rewrite(0, 0, value -> java.util.Arrays.copyOf(value, value.length + 1));

        assertThat(log.verify(SETTINGS).problems().get(0).reason()).contains("1 bytes after the end");
    }

    @Test
    void shouldNeverThrowOnMutatedOrRandomBytes() {
        Random random = new Random(42);
        List<AuditRecord> records = AuditFixtures.chain(0, 20);
        byte[] checkpoint = AuditFixtures.encode(AuditFixtures.checkpoint(records, 10));
        for (int round = 0; round < 300; round++) {
            StoredLog log = new StoredLog(2);
            log.appendCheckpoint(random.nextBoolean() ? null : AuditFixtures.key("0"), mutate(checkpoint, random));
            log.appendCheckpoint(AuditFixtures.key("x"), AuditTampers.garbage(random.nextInt(200)));
            for (RawRecord raw : AuditFixtures.stored(records)) {
                byte[] value = random.nextInt(4) == 0 ? mutate(raw.value(), random) : raw.value();
                byte[] key = random.nextInt(10) == 0 ? null : raw.key();
                log.append(
                        new RawRecord(random.nextInt(5) == 0 ? 1 : 0, 0, key, random.nextInt(30) == 0 ? null : value));
            }
            assertThatCode(() -> log.verify(SETTINGS)).doesNotThrowAnyException();
        }
    }

    @Test
    void shouldListAtMostTheLimitOfProblemsPerChainAndCountTheRest() {
        StoredLog log = new StoredLog(1);
        for (int i = 0; i < 30; i++) {
            log.append(new RawRecord(0, i, null, AuditTampers.garbage(10 + i)));
        }
        AuditLogVerifier.Settings settings =
                new AuditLogVerifier.Settings(SETTINGS.trustedKeys(), SETTINGS.deployment(), false, 10);

        AuditVerification verification = log.verify(settings);

        assertThat(verification.problems()).hasSize(11); // 10 undecodable, and the chain has no checkpoint
        assertThat(verification.chains().get(0).moreProblems()).isEqualTo(20);
        assertThat(verification.chains().get(0).status()).isEqualTo(Status.BROKEN);
    }

    @Test
    void shouldHashTheCanonicalFormAsTheChainAlwaysHas() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] payload = new byte[random.nextInt(2000)];
            random.nextBytes(payload);
            AuditRecord record = AuditFixtures.record(i % 3, i, AuditChain.GENESIS, payload);
            if (i % 2 == 0) {
                record.setIntentId(null);
                record.setSummary("üñï " + i);
            }
            assertThat(AuditChain.hash(record)).isEqualTo(formerHash(record));
        }
    }

    /** The hash as AuditChain computed it before CanonicalForm, with a data stream: the contract, kept verbatim. */
    private static String formerHash(AuditRecord r) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        text(out, r.getRecordId());
        out.writeInt(r.getChain());
        out.writeLong(r.getSequence());
        text(out, r.getIntentId());
        text(out, r.getTenantId());
        text(out, r.getEventId());
        text(out, r.getEventType());
        text(out, r.getSourceTopic());
        out.writeInt(r.getSourcePartition());
        out.writeLong(r.getSourceOffset());
        out.writeLong(r.getOccurredAt().toEpochMilli());
        out.writeLong(r.getRecordedAt().toEpochMilli());
        ByteBuffer payload = r.getPayload().duplicate();
        out.writeInt(payload.remaining());
        while (payload.hasRemaining()) {
            out.write(payload.get());
        }
        text(out, r.getSummary());
        text(out, r.getPreviousHash());
        out.flush();
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static byte[] mutate(byte[] value, Random random) {
        byte[] mutated = value.clone();
        switch (random.nextInt(4)) {
            case 0 -> mutated[random.nextInt(mutated.length)] = (byte) random.nextInt();
            case 1 -> mutated = java.util.Arrays.copyOf(mutated, random.nextInt(mutated.length));
            case 2 -> {
                for (int i = 0; i < 5; i++) {
                    mutated[10 + random.nextInt(mutated.length - 10)] = (byte) 0xff;
                }
            }
            default -> {
                List<Byte> list = new ArrayList<>();
                for (byte b : mutated) {
                    list.add(b);
                }
                mutated[random.nextInt(mutated.length)] ^= 1;
            }
        }
        return mutated;
    }
}
