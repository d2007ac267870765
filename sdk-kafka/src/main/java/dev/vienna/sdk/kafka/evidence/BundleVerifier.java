package dev.vienna.sdk.kafka.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.AvroSerde;
import dev.vienna.sdk.evidence.EvidenceFormatException;
import dev.vienna.sdk.evidence.MerkleProofs;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.evidence.Verdict;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.sdk.kafka.evidence.BundleProblem.Kind;
import dev.vienna.sdk.kafka.evidence.BundleReport.RecordVerdict;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledRecord;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks an {@link EvidenceBundle} offline, trusting only the keys it is given: the rule is that a bundle is evidence
 * when every record is byte for byte a record of this intent, in the signed log (its inclusion proof leads to a
 * checkpoint signed by a trusted key), and the log's signed statement of the intent's records names exactly these
 * records in this order; its warrant, if any, is signed by a warrant key and is the one the log recorded.
 *
 * <p>Every check that fails is a named {@link BundleProblem}; {@link #verify} never throws, whatever the bytes, and
 * reads at most {@link EvidenceBundles#MAX_BUNDLE_BYTES} bytes, {@link EvidenceBundles#MAX_RECORDS} records and
 * {@link MerkleProofs#MAX_PROOF_HASHES} hashes a proof. A warrant's expiry is not checked: an old bundle's warrant has
 * expired, and that says nothing about the evidence. Thread-safe: each call hashes with its own hasher.
 */
public final class BundleVerifier {

    /**
     * @param bundleJson the bundle as JSON
     * @param trustedCheckpointKeys the log's checkpoint verifier keys, obtained independently of the bundle (its
     *     {@code GET /v1/audit/keys}); when empty, the bundle's own {@code checkpointKeys} are used and the report
     *     warns that this shows integrity, not origin
     * @param trustedWarrantJwks warrant-service's JWK set, obtained independently; when empty, the bundle's own (with a
     *     warning)
     */
    public BundleReport verify(
            byte[] bundleJson,
            Collection<NoteVerifierKey> trustedCheckpointKeys,
            Optional<JsonNode> trustedWarrantJwks) {
        Run run = new Run();
        try {
            run.verify(
                    bundleJson,
                    trustedCheckpointKeys == null ? List.of() : trustedCheckpointKeys,
                    trustedWarrantJwks == null ? Optional.empty() : trustedWarrantJwks);
        } catch (RuntimeException e) {
            run.problem(
                    Kind.MALFORMED,
                    "bundle",
                    "could not be checked: " + e.getClass().getSimpleName());
        }
        return run.report();
    }

    /** One verification's state. */
    private static final class Run {
        private final List<BundleProblem> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final MerkleProofs proofs = new MerkleProofs(new TreeHasher());
        private final AvroSerde<AuditRecord> serde = new AvroSerde<>(AuditRecord.class);
        private final Set<Integer> chains = new TreeSet<>();
        private final List<RecordVerdict> verdicts = new ArrayList<>();
        private final Map<Integer, Long> lastOfChain = new HashMap<>();
        private final Set<String> seen = new HashSet<>();
        private EvidenceBundle bundle;
        private LogNotes notes = new LogNotes(List.of(), this::problem);
        private AuditRecord[] decoded = new AuditRecord[0];
        private boolean[] intact = new boolean[0];

        void verify(byte[] json, Collection<NoteVerifierKey> trustedKeys, Optional<JsonNode> warrantJwks) {
            if (json == null) {
                problem(Kind.MALFORMED, "bundle", "no bytes");
                return;
            }
            if (json.length > EvidenceBundles.MAX_BUNDLE_BYTES) {
                problem(
                        Kind.TOO_LARGE,
                        "bundle",
                        json.length + " bytes; at most " + EvidenceBundles.MAX_BUNDLE_BYTES + " are read");
                return;
            }
            JsonNode root;
            try {
                root = BundleJson.parse(json);
            } catch (BundleJson.TooManyTokens e) {
                problem(Kind.TOO_LARGE, "bundle", e.getMessage());
                return;
            } catch (JsonProcessingException e) {
                problem(Kind.MALFORMED, "bundle", "not JSON: " + e.getOriginalMessage());
                return;
            } catch (IOException e) {
                problem(Kind.MALFORMED, "bundle", "not JSON");
                return;
            }
            bundle = BundleJson.read(root, this::problem);
            if (bundle == null) {
                return;
            }
            notes = new LogNotes(checkpointKeys(trustedKeys), this::problem);
            notes.check(bundle);
            checkRecords();
            checkStatedRecords();
            new WarrantCheck(bundle, decoded, intact, this::problem, warnings::add).check(warrantJwks);
        }

        private List<NoteVerifierKey> checkpointKeys(Collection<NoteVerifierKey> trusted) {
            List<NoteVerifierKey> usable =
                    trusted.stream().filter(Objects::nonNull).toList();
            if (!usable.isEmpty()) {
                return usable;
            }
            warnings.add("checked with the bundle's own checkpoint keys: this shows the bundle is intact, not that it"
                    + " comes from your Vienna log; pass the log's keys (GET /v1/audit/keys) to check its origin");
            if (bundle.checkpointKeys() == null) {
                return List.of();
            }
            try {
                return EvidenceBundles.verifierKeys(bundle.checkpointKeys());
            } catch (EvidenceFormatException e) {
                problem(Kind.MALFORMED, "checkpointKeys", e.getMessage());
                return List.of();
            }
        }

        private void checkRecords() {
            List<BundledRecord> records = bundle.records();
            if (records == null) {
                return;
            }
            if (records.isEmpty()) {
                problem(Kind.NO_RECORDS, "records", "the bundle has no records: it proves nothing");
            }
            decoded = new AuditRecord[records.size()];
            intact = new boolean[records.size()];
            for (int i = 0; i < records.size(); i++) {
                BundledRecord record = records.get(i);
                int before = problems.size();
                String verdict = record == null ? "unreadable" : checkRecord(i, record);
                checkOrder(i);
                Set<Kind> kinds = EnumSet.noneOf(Kind.class);
                problems.subList(before, problems.size()).forEach(p -> kinds.add(p.kind()));
                boolean verified = verdict == null && kinds.isEmpty();
                AuditRecord a = decoded[i];
                verdicts.add(new RecordVerdict(
                        i,
                        a != null ? a.getRecordId() : record != null ? record.recordId() : "?",
                        a != null ? a.getChain() : record != null ? record.chain() : -1,
                        a != null ? a.getSequence() : record != null ? record.sequence() : -1,
                        a != null ? a.getEventType() : record != null ? record.eventType() : "?",
                        verified,
                        verified ? "verified" : kinds.isEmpty() ? verdict : kindsText(kinds)));
            }
        }

        /** Checks one record; null when every check ran, else why some could not. */
        private String checkRecord(int i, BundledRecord r) {
            String where = "records[" + i + "] (" + r.recordId() + ")";
            byte[] avro = canonicalBase64(r.avro());
            if (avro == null) {
                problem(Kind.MALFORMED, where, "its avro is not canonical standard base64");
                return "unreadable";
            }
            AuditRecord a;
            try {
                a = serde.decode(avro);
            } catch (RuntimeException e) {
                problem(Kind.MALFORMED, where, "its avro is not an AuditRecord: " + e.getMessage());
                return "unreadable";
            }
            decoded[i] = a;
            String hash = AuditChain.hash(a);
            if (!hash.equals(a.getHash())) {
                problem(
                        Kind.CONTENT_ALTERED,
                        where,
                        "its content hashes to " + abbreviated(hash) + ", not to the hash it carries ("
                                + abbreviated(a.getHash()) + "): a byte of it was changed");
            } else {
                intact[i] = true;
            }
            if (!Objects.equals(a.getIntentId(), bundle.intentId())) {
                problem(
                        Kind.FOREIGN_RECORD,
                        where,
                        "a record of another intent (" + BundleJson.quotedOrNone(a.getIntentId()) + "), not of "
                                + BundleJson.quotedOrNone(bundle.intentId()));
            }
            checkReadableFields(where, r, a);
            return checkInclusion(where, r, a);
        }

        private void checkReadableFields(String where, BundledRecord r, AuditRecord a) {
            List<String> differences = new ArrayList<>();
            differ(differences, "recordId", r.recordId(), a.getRecordId());
            differ(differences, "chain", r.chain(), a.getChain());
            differ(differences, "sequence", r.sequence(), a.getSequence());
            differ(differences, "eventType", r.eventType(), a.getEventType());
            differ(differences, "occurredAt", r.occurredAt(), a.getOccurredAt());
            differ(differences, "summary", r.summary(), a.getSummary());
            if (Objects.equals(a.getIntentId(), bundle.intentId())) {
                differ(differences, "tenantId", bundle.tenantId(), a.getTenantId());
            }
            if (!differences.isEmpty()) {
                problem(Kind.FIELD_MISMATCH, where, String.join("; ", differences));
            }
        }

        private static void differ(List<String> differences, String field, Object bundled, Object recorded) {
            if (!Objects.equals(bundled, recorded)) {
                String shownBundled = bundled == null ? "none" : BundleJson.quoted(bundled.toString());
                String shownRecorded = recorded == null ? "none" : BundleJson.quoted(recorded.toString());
                differences.add("the bundle says " + field + " " + shownBundled + ", the record " + shownRecorded);
            }
        }

        private String checkInclusion(String where, BundledRecord r, AuditRecord a) {
            if (r.checkpoint() >= notes.checkpointCount()) {
                problem(
                        Kind.MALFORMED,
                        where,
                        "its checkpoint " + r.checkpoint() + " is not one of the bundle's " + notes.checkpointCount());
                return "no checkpoint";
            }
            LogNotes.TrustedCheckpoint checkpoint = notes.checkpoint(r.checkpoint());
            if (checkpoint == null) {
                return "its checkpoint is not trusted";
            }
            if (checkpoint.chain() != a.getChain()) {
                problem(
                        Kind.CHECKPOINT_MISMATCH,
                        where,
                        "a record of chain " + a.getChain() + " proven against a checkpoint of chain "
                                + checkpoint.chain());
                return null;
            }
            long leaf = a.getSequence() - checkpoint.firstSequence();
            if (r.leafIndex() != leaf) {
                problem(
                        Kind.LEAF_INDEX_MISMATCH,
                        where,
                        "its leaf index is " + r.leafIndex() + "; sequence " + a.getSequence() + " in a tree from "
                                + checkpoint.firstSequence() + " is leaf " + leaf);
            }
            List<byte[]> proof = new ArrayList<>(r.inclusionProof().size());
            for (String hash : r.inclusionProof()) {
                byte[] bytes = canonicalBase64(hash);
                if (bytes == null || bytes.length != TreeHasher.HASH_SIZE) {
                    problem(Kind.MALFORMED, where, "a hash of its proof is not 32 bytes of canonical base64");
                    return null;
                }
                proof.add(bytes);
            }
            byte[] leafHash;
            try {
                leafHash = proofs.hasher().leafHashOfChainHash(a.getHash());
            } catch (IllegalArgumentException e) {
                problem(Kind.MALFORMED, where, "its hash is not 64 hex digits");
                return null;
            }
            Verdict verdict = proofs.verifyInclusion(leafHash, leaf, checkpoint.size(), proof, checkpoint.root());
            if (!verdict.accepted()) {
                problem(
                        Kind.PROOF_MISMATCH,
                        where,
                        "not in the signed log of chain " + checkpoint.chain() + ": " + verdict.reason());
            } else {
                chains.add(checkpoint.chain());
            }
            return null;
        }

        /** Each chain's records by rising sequence, none twice (records of several chains may interleave). */
        private void checkOrder(int i) {
            AuditRecord a = decoded[i];
            if (a == null) {
                return;
            }
            String where = "records[" + i + "] (" + a.getRecordId() + ")";
            if (!seen.add(a.getChain() + "-" + a.getSequence())) {
                problem(
                        Kind.DUPLICATE_RECORD,
                        where,
                        "sequence " + a.getSequence() + " of chain " + a.getChain() + " a second time");
                return;
            }
            Long last = lastOfChain.put(a.getChain(), a.getSequence());
            if (last != null && last > a.getSequence()) {
                problem(
                        Kind.OUT_OF_ORDER,
                        where,
                        "sequence " + a.getSequence() + " of chain " + a.getChain() + " after sequence " + last);
            }
        }

        /** The bundle's records against the log's statement: as many, the same, in the same order. */
        private void checkStatedRecords() {
            List<BundledRecord> records = bundle.records();
            EvidenceStatement statement = notes.statement().orElse(null);
            if (statement == null || records == null) {
                return;
            }
            long count = records.size();
            if (count != statement.count()) {
                long difference = Math.abs(count - statement.count());
                problem(
                        Kind.RECORD_REMOVED_OR_ADDED,
                        "records",
                        "the log states " + statement.count() + " records of the intent, the bundle has " + count + ": "
                                + difference + (count < statement.count() ? " removed" : " added"));
                return;
            }
            List<String> hashes = new ArrayList<>(decoded.length);
            for (AuditRecord a : decoded) {
                if (a == null) {
                    return; // an unreadable record is a problem already; its hash is unknown
                }
                hashes.add(a.getHash());
            }
            if (!MessageDigest.isEqual(EvidenceStatement.digest(hashes), statement.digest())) {
                problem(
                        Kind.RECORDS_REPLACED_OR_REORDERED,
                        "records",
                        "as many records as the log states (" + count
                                + "), but not the same ones in the same order: replaced or reordered");
            }
        }

        void problem(Kind kind, String where, String reason) {
            problems.add(new BundleProblem(kind, where, reason));
        }

        BundleReport report() {
            return new BundleReport(
                    bundle == null ? null : bundle.intentId(), verdicts, List.copyOf(chains), problems, warnings);
        }
    }

    /** The bytes of canonical standard base64 (padded, no line breaks, zero padding bits); null otherwise. */
    static byte[] canonicalBase64(String text) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            return Base64.getEncoder().encodeToString(bytes).equals(text) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String abbreviated(String hash) {
        return hash == null ? "none" : hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }

    private static String kindsText(Set<Kind> kinds) {
        return kinds.stream().map(Kind::name).collect(Collectors.joining(", "));
    }
}
