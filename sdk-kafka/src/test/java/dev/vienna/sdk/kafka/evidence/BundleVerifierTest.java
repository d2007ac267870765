package dev.vienna.sdk.kafka.evidence;

import static dev.vienna.sdk.kafka.evidence.EvidenceBundleFixture.INTENT;
import static dev.vienna.sdk.kafka.evidence.EvidenceBundleFixture.OTHER_INTENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.events.AuditRecord;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.kafka.evidence.BundleProblem.Kind;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledCheckpoint;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledRecord;
import dev.vienna.sdk.warrant.WarrantKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** What {@link BundleVerifier} finds in a valid bundle, and in each way of tampering with one. */
class BundleVerifierTest {

    private final EvidenceBundleFixture fixture = new EvidenceBundleFixture();
    private final BundleVerifier verifier = new BundleVerifier();

    private BundleReport verify(byte[] json) {
        return verifier.verify(json, fixture.trustedKeys(), fixture.warrantJwks());
    }

    private BundleReport verify(EvidenceBundle bundle) {
        return verify(EvidenceBundles.write(bundle));
    }

    private List<BundledRecord> records() {
        return new ArrayList<>(fixture.bundle().records());
    }

    /** The bundle with record {@code index} changed by {@code change}. */
    private EvidenceBundle withRecord(int index, UnaryOperator<BundledRecord> change) {
        List<BundledRecord> records = records();
        records.set(index, change.apply(records.get(index)));
        return fixture.withRecords(records);
    }

    private static BundledRecord withAvro(BundledRecord r, String avro) {
        return new BundledRecord(
                r.recordId(),
                r.chain(),
                r.sequence(),
                avro,
                r.eventType(),
                r.occurredAt(),
                r.summary(),
                r.checkpoint(),
                r.leafIndex(),
                r.inclusionProof());
    }

    @Test
    void shouldVerifyAValidBundleWithTrustedKeysWithoutProblemsOrWarnings() {
        BundleReport report = verify(fixture.json());

        assertThat(report.problems()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        assertThat(report.verified()).isTrue();
        assertThat(report.intentId()).isEqualTo(INTENT);
        assertThat(report.chains()).containsExactly(0, 1);
        assertThat(report.records())
                .extracting(BundleReport.RecordVerdict::recordId)
                .containsExactly(
                        "0-000000000001", "0-000000000003", "0-000000000004", "1-000000000003", "1-000000000005");
        assertThat(report.records()).allMatch(BundleReport.RecordVerdict::verified);
        assertThat(report.records().get(1).eventType()).isEqualTo("WarrantIssued");
    }

    @Test
    void shouldVerifyABundleWithItsOwnKeysButWarnThatThisShowsIntegrityNotOrigin() {
        BundleReport report = verifier.verify(fixture.json(), List.of(), Optional.empty());

        assertThat(report.problems()).isEmpty();
        assertThat(report.verified()).isTrue();
        assertThat(report.warnings())
                .hasSize(2)
                .anyMatch(w -> w.contains("own checkpoint keys") && w.contains("not that it comes from"))
                .anyMatch(w -> w.contains("own warrant keys"));
    }

    @Test
    void shouldRejectARecordWithAChangedPayloadByte() {
        // given the first record's payload with one byte changed and its hash left as it was
        AuditRecord altered = fixture.decode(records().get(0));
        byte[] payload = altered.getPayload().array().clone();
        payload[3] ^= 0x01;
        altered.setPayload(ByteBuffer.wrap(payload));

        // when
        BundleReport report = verify(withRecord(0, r -> withAvro(r, fixture.avroOf(altered))));

        // then
        assertThat(report.kinds()).containsExactly(Kind.CONTENT_ALTERED);
        assertThat(report.problems().get(0).where()).startsWith("records[0]");
        assertThat(report.records().get(0).verified()).isFalse();
        assertThat(report.records().get(1).verified()).isTrue();
    }

    @Test
    void shouldRejectARecordWithAChangedSummaryByte() {
        AuditRecord altered = fixture.decode(records().get(2));
        String summary = altered.getSummary();
        altered.setSummary(summary.substring(0, summary.length() - 1) + "X");

        BundleReport report = verify(withRecord(2, r -> withAvro(r, fixture.avroOf(altered))));

        // the readable summary no longer matches the (altered) record either
        assertThat(report.kinds()).containsExactlyInAnyOrder(Kind.CONTENT_ALTERED, Kind.FIELD_MISMATCH);
        assertThat(report.verified()).isFalse();
    }

    @Test
    void shouldRejectAChangedReadableField() {
        byte[] json = fixture.tampered(root -> ((ObjectNode) root.at("/records/3")).put("eventType", "IntentDenied"));

        BundleReport report = verify(json);

        assertThat(report.kinds()).containsExactly(Kind.FIELD_MISMATCH);
        assertThat(report.problems().get(0).reason()).contains("eventType", "IntentDenied");
    }

    @Test
    void shouldRejectABundleWithARemovedRecord() {
        List<BundledRecord> records = records();
        records.remove(2);

        BundleReport report = verify(fixture.withRecords(records));

        assertThat(report.kinds()).containsExactly(Kind.RECORD_REMOVED_OR_ADDED);
        assertThat(report.problems().get(0).reason()).contains("states 5 records", "has 4", "1 removed");
    }

    @Test
    void shouldRejectABundleWithARecordOfAnotherIntent() {
        // given a record of another intent, between the intent's records of its chain, with a valid proof of its own
        List<BundledRecord> records = records();
        records.add(1, fixture.bundledRecord(0, 2));

        BundleReport report = verify(fixture.withRecords(records));

        assertThat(report.kinds()).containsExactlyInAnyOrder(Kind.FOREIGN_RECORD, Kind.RECORD_REMOVED_OR_ADDED);
        assertThat(report.problems())
                .anySatisfy(p -> assertThat(p.reason()).contains("a record of another intent"))
                .anySatisfy(p -> assertThat(p.reason()).contains("1 added"));
        assertThat(report.kinds()).doesNotContain(Kind.PROOF_MISMATCH);
    }

    @Test
    void shouldRejectABundleWithTwoRecordsSwapped() {
        List<BundledRecord> records = records();
        Collections.swap(records, 0, 1);

        BundleReport report = verify(fixture.withRecords(records));

        assertThat(report.kinds()).containsExactlyInAnyOrder(Kind.OUT_OF_ORDER, Kind.RECORDS_REPLACED_OR_REORDERED);
    }

    @Test
    void shouldRejectARecordReplacedByAnotherRecordOfTheLog() {
        // given chain 0's record 4 replaced by record 5 of the same chain: in the signed log, but of another intent
        List<BundledRecord> records = records();
        records.set(2, fixture.bundledRecord(0, 5));

        BundleReport report = verify(fixture.withRecords(records));

        assertThat(report.kinds()).contains(Kind.RECORDS_REPLACED_OR_REORDERED, Kind.FOREIGN_RECORD);
    }

    @Test
    void shouldRejectAChangedProofHash() {
        byte[] json = fixture.tampered(root -> {
            ArrayNode proof = (ArrayNode) root.at("/records/0/inclusionProof");
            byte[] hash = Base64.getDecoder().decode(proof.get(0).textValue());
            hash[0] ^= 0x40;
            proof.set(0, Base64.getEncoder().encodeToString(hash));
        });

        BundleReport report = verify(json);

        assertThat(report.kinds()).containsExactly(Kind.PROOF_MISMATCH);
        assertThat(report.chains()).containsExactly(0, 1); // the other records of chain 0 still verified
    }

    @Test
    void shouldRejectAWrongLeafIndex() {
        byte[] json = fixture.tampered(root -> ((ObjectNode) root.at("/records/4")).put("leafIndex", 2));

        BundleReport report = verify(json);

        assertThat(report.kinds()).containsExactly(Kind.LEAF_INDEX_MISMATCH);
        assertThat(report.problems().get(0).reason()).contains("sequence 5", "is leaf 3");
    }

    @Test
    void shouldRejectACheckpointSignedWithAnUnknownKey() {
        NoteSignerKey impostor = NoteSignerKey.generate(EvidenceBundleFixture.DEPLOYMENT + "/audit");
        List<BundledCheckpoint> checkpoints = List.of(fixture.checkpoint(0, impostor), fixture.checkpoint(1));

        BundleReport report = verify(fixture.withCheckpoints(checkpoints));

        assertThat(report.kinds()).containsExactly(Kind.UNKNOWN_KEY);
        assertThat(report.problems().get(0).where()).isEqualTo("checkpoints[0]");
        assertThat(report.records())
                .filteredOn(r -> r.chain() == 0)
                .allSatisfy(r -> assertThat(r.verdict()).isEqualTo("its checkpoint is not trusted"));
        assertThat(report.chains()).containsExactly(1);
    }

    @Test
    void shouldRejectAnAlteredCheckpointNote() {
        byte[] json = fixture.tampered(root -> {
            ObjectNode checkpoint = (ObjectNode) root.at("/checkpoints/0");
            checkpoint.put("note", checkpoint.get("note").textValue().replace("\n7\n", "\n8\n"));
            checkpoint.put("treeSize", 8);
        });

        BundleReport report = verify(json);

        assertThat(report.kinds()).containsExactly(Kind.BAD_SIGNATURE);
        assertThat(report.problems().get(0).reason()).contains("altered");
    }

    @Test
    void shouldRejectCheckpointFieldsThatDisagreeWithTheSignedNote() {
        byte[] json = fixture.tampered(root -> {
            ((ObjectNode) root.at("/checkpoints/0")).put("treeSize", 6);
            ((ObjectNode) root.at("/checkpoints/1")).put("firstSequence", 0);
        });

        BundleReport report = verify(json);

        assertThat(report.kinds()).containsExactly(Kind.CHECKPOINT_MISMATCH);
        assertThat(report.problems())
                .extracting(BundleProblem::where)
                .containsExactly("checkpoints[0]", "checkpoints[1]");
    }

    @Test
    void shouldRejectAStatementForAnotherIntent() {
        String statement = fixture.statement(OTHER_INTENT, fixture.bundle().records());

        BundleReport report = verify(fixture.withStatement(statement));

        assertThat(report.kinds()).containsExactly(Kind.FOREIGN_STATEMENT);
    }

    @Test
    void shouldRejectABundleWhenTheTrustedKeysDoNotIncludeItsSigner() {
        NoteSignerKey other = NoteSignerKey.generate(EvidenceBundleFixture.DEPLOYMENT + "/audit");

        BundleReport report = verifier.verify(fixture.json(), List.of(other.verifierKey()), fixture.warrantJwks());

        assertThat(report.kinds()).containsExactly(Kind.UNKNOWN_KEY);
        assertThat(report.problems())
                .extracting(BundleProblem::where)
                .containsExactlyInAnyOrder("statement", "checkpoints[0]", "checkpoints[1]");
        assertThat(report.records()).noneMatch(BundleReport.RecordVerdict::verified);
    }

    @Test
    void shouldRejectAWarrantResignedWithAnotherKey() {
        // given the warrant signed by another key under the trusted key's id, with that key's JWK set in the bundle
        WarrantKey impostor = WarrantKey.generateEd25519(fixture.warrantKey.keyId());

        BundleReport report = verify(fixture.withWarrant(fixture.warrantFor(INTENT, impostor)));

        assertThat(report.kinds()).containsExactlyInAnyOrder(Kind.WARRANT_BAD_SIGNATURE, Kind.WARRANT_NOT_IN_LOG);
    }

    @Test
    void shouldRejectAWarrantOfAnUnknownKey() {
        WarrantKey unknown = WarrantKey.generateEd25519("another-key");

        BundleReport report = verify(fixture.withWarrant(fixture.warrantFor(INTENT, unknown)));

        assertThat(report.kinds()).contains(Kind.WARRANT_UNKNOWN_KEY);
    }

    @Test
    void shouldRejectAWarrantOfAnotherIntent() {
        BundleReport report = verify(fixture.withWarrant(fixture.warrantFor(OTHER_INTENT, fixture.warrantKey)));

        assertThat(report.kinds()).containsExactlyInAnyOrder(Kind.FOREIGN_WARRANT, Kind.WARRANT_NOT_IN_LOG);
        assertThat(report.problems()).anySatisfy(p -> assertThat(p.reason()).contains("another intent"));
    }

    @Test
    void shouldRejectABundleWithoutTheWarrantTheLogRecorded() {
        BundleReport report = verify(fixture.withWarrant(null));

        assertThat(report.kinds()).containsExactly(Kind.WARRANT_NOT_IN_LOG);
    }

    @Test
    void shouldRejectABundleWithoutRecords() {
        EvidenceBundle empty =
                fixture.with(List.of(), fixture.bundle().checkpoints(), fixture.statement(INTENT, List.of()), null);

        BundleReport report = verify(empty);

        assertThat(report.kinds()).containsExactly(Kind.NO_RECORDS);
        assertThat(report.verified()).isFalse();
    }

    @Test
    void shouldRejectAnotherFormat() {
        BundleReport report = verify(fixture.tampered(root -> root.put("format", "vienna-evidence-bundle/2")));

        assertThat(report.kinds()).containsExactly(Kind.UNSUPPORTED_FORMAT);
    }

    @Test
    void shouldNameMalformedJson() {
        assertThat(verify("{\"format\":".getBytes(StandardCharsets.UTF_8)).kinds())
                .containsExactly(Kind.MALFORMED);
        assertThat(verify(new byte[0]).kinds()).containsExactly(Kind.MALFORMED);
        assertThat(verifier.verify(null, null, null).kinds()).containsExactly(Kind.MALFORMED);
        assertThat(verify("[1,2,3]".getBytes(StandardCharsets.UTF_8)).kinds()).containsExactly(Kind.MALFORMED);
        assertThat(verify(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00}).kinds()).containsExactly(Kind.MALFORMED);
    }

    @Test
    void shouldRefuseTrailingContentAndDuplicateKeysSoABundleHasOneMeaning() {
        byte[] json = fixture.json();
        byte[] trailing = (new String(json, StandardCharsets.UTF_8) + " {}").getBytes(StandardCharsets.UTF_8);
        byte[] duplicate = new String(json, StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"intentId\": \"" + OTHER_INTENT + "\",")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(verify(trailing).kinds()).containsExactly(Kind.MALFORMED);
        assertThat(verify(duplicate).kinds()).containsExactly(Kind.MALFORMED);
    }

    @Test
    void shouldNameEachMissingField() {
        byte[] json = fixture.tampered(root -> {
            root.remove("statement");
            ((ObjectNode) root.at("/records/1")).remove("avro");
            ((ObjectNode) root.at("/checkpoints/1")).putNull("note");
        });

        BundleReport report = verify(json);

        assertThat(report.kinds()).containsExactly(Kind.MALFORMED);
        assertThat(report.problems())
                .extracting(BundleProblem::where)
                .containsExactlyInAnyOrder("statement", "records[1].avro", "checkpoints[1].note");
        assertThat(report.records().get(1).verdict()).isEqualTo("unreadable");
    }

    @Test
    void shouldNameGarbageBase64AndValuesOfTheWrongType() {
        byte[] json = fixture.tampered(root -> {
            ((ObjectNode) root.at("/records/0")).put("avro", "not base64 at all!");
            ((ObjectNode) root.at("/records/1")).put("avro", Base64.getEncoder().encodeToString(new byte[] {1, 2}));
            ((ObjectNode) root.at("/records/2")).put("sequence", "four");
            ((ObjectNode) root.at("/records/3")).put("chain", -1);
            ((ArrayNode) root.at("/records/4/inclusionProof")).set(0, "AAAA");
        });

        BundleReport report = verify(json);

        assertThat(report.kinds()).contains(Kind.MALFORMED).doesNotContain(Kind.PROOF_MISMATCH);
        assertThat(report.records()).noneMatch(BundleReport.RecordVerdict::verified);
    }

    @Test
    void shouldRefuseOversizeArraysAndBundles() {
        byte[] manyRecords = fixture.tampered(root -> {
            ArrayNode records = root.putArray("records");
            for (int i = 0; i <= EvidenceBundles.MAX_RECORDS; i++) {
                records.add(0);
            }
        });
        byte[] longProof = fixture.tampered(root -> {
            ArrayNode proof = (ArrayNode) root.at("/records/0/inclusionProof");
            while (proof.size() <= 64) {
                proof.add(proof.get(0).textValue());
            }
        });

        byte[] manyTokens =
                ("{\"records\":[" + "0,".repeat(BundleJson.MAX_TOKENS) + "0]}").getBytes(StandardCharsets.UTF_8);

        assertThat(verify(manyRecords).kinds()).containsExactly(Kind.TOO_LARGE);
        assertThat(verify(manyTokens).kinds()).containsExactly(Kind.TOO_LARGE);
        assertThat(verify(longProof).kinds()).containsExactly(Kind.TOO_LARGE);
        assertThat(verify(new byte[EvidenceBundles.MAX_BUNDLE_BYTES + 1]).kinds())
                .containsExactly(Kind.TOO_LARGE);
    }

    @Test
    void shouldIgnoreTheWarrantsExpiry() {
        // the fixture's warrant expired 15 minutes after it was issued, on 2026-11-22
        assertThat(fixture.bundle().warrant()).isNotNull();
        assertThat(verify(fixture.json()).kinds()).isEmpty();
    }
}
