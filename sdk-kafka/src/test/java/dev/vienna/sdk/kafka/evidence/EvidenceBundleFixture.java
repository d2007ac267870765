package dev.vienna.sdk.kafka.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.AvroSerde;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.evidence.ChainOrigin;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.MerkleFrontier;
import dev.vienna.sdk.evidence.MerkleProofs;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.evidence.SignedNote;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.sdk.kafka.events.WarrantEvents;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledCheckpoint;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledRecord;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledWarrant;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A valid evidence bundle built from synthetic audit chains, and what it takes to tamper with it: chain 0 has records
 * 0..7 and a checkpoint of its first 7; chain 1 has records 0..5 and a checkpoint of records 2..5 (first sequence 2).
 * The intent {@link #INTENT} has records 1, 3 (its WarrantIssued) and 4 of chain 0 and 3 and 5 of chain 1; every other
 * record is of other intents. Checkpoints and statement are signed with {@link #checkpointKey}, the warrant with
 * {@link #warrantKey}. Its warrant expired long ago, as an old bundle's has.
 */
public final class EvidenceBundleFixture {

    public static final String DEPLOYMENT = "vienna.test";
    public static final String INTENT = "int-evidence";
    public static final String OTHER_INTENT = "int-other";
    public static final String TENANT = "acme";
    public static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    private static final int[][] INTENT_RECORDS = {{0, 1}, {0, 3}, {0, 4}, {1, 3}, {1, 5}};
    private static final ObjectMapper JSON = new ObjectMapper();

    public final NoteSignerKey checkpointKey = NoteSignerKey.generate(DEPLOYMENT + "/audit");
    public final WarrantKey warrantKey = WarrantKey.generateEd25519("warrant-key-1");
    private final AvroSerde<AuditRecord> serde = new AvroSerde<>(AuditRecord.class);
    private final MerkleProofs proofs = new MerkleProofs();
    private final List<List<AuditRecord>> chains = new ArrayList<>();
    private final long[] firstSequence = {0, 2};
    private final long[] treeSize = {7, 4};
    private final BundledWarrant warrant;
    private final EvidenceBundle bundle;

    public EvidenceBundleFixture() {
        warrant = warrantFor(INTENT, warrantKey);
        chains.add(chain(0, 8));
        chains.add(chain(1, 6));
        List<BundledRecord> records =
                Stream.of(INTENT_RECORDS).map(at -> bundledRecord(at[0], at[1])).toList();
        List<BundledCheckpoint> checkpoints = List.of(checkpoint(0), checkpoint(1));
        bundle = new EvidenceBundle(
                EvidenceBundle.FORMAT,
                INTENT,
                TENANT,
                START.plusSeconds(3600),
                records,
                checkpoints,
                statement(INTENT, records),
                warrant,
                EvidenceBundles.checkpointKeys(List.of(checkpointKey.verifierKey())));
    }

    public EvidenceBundle bundle() {
        return bundle;
    }

    public byte[] json() {
        return EvidenceBundles.write(bundle);
    }

    public List<NoteVerifierKey> trustedKeys() {
        return List.of(checkpointKey.verifierKey());
    }

    public Optional<JsonNode> warrantJwks() {
        return Optional.of(jwksOf(warrantKey));
    }

    /** Record {@code sequence} of chain {@code chain}. */
    public AuditRecord record(int chain, long sequence) {
        return serde.copy(chains.get(chain).get((int) sequence));
    }

    /** That record as the bundle holds it, with its valid proof to its chain's checkpoint. */
    public BundledRecord bundledRecord(int chain, long sequence) {
        long leaf = sequence - firstSequence[chain];
        List<byte[]> proof = proofs.inclusionProofFromLeaves(
                leaf, treeSize[chain], i -> leafHash(chains.get(chain).get((int) (firstSequence[chain] + i))));
        return EvidenceBundles.bundledRecord(record(chain, sequence), chain, leaf, proof);
    }

    /** {@code record} encoded as on the audit topic, base64: for a record altered after it was hashed. */
    public String avroOf(AuditRecord record) {
        return java.util.Base64.getEncoder().encodeToString(serde.encode(record));
    }

    /** The log's statement of {@code records} for {@code intentId}, signed with {@code key}. */
    public String statement(String intentId, List<BundledRecord> records, NoteSignerKey key) {
        List<String> hashes = records.stream().map(r -> decode(r).getHash()).toList();
        return SignedNote.unsigned(
                        EvidenceStatement.of(DEPLOYMENT, intentId, hashes).text())
                .signedBy(key)
                .format();
    }

    public String statement(String intentId, List<BundledRecord> records) {
        return statement(intentId, records, checkpointKey);
    }

    /** Checkpoint {@code chain} signed with {@code key}. */
    public BundledCheckpoint checkpoint(int chain, NoteSignerKey key) {
        MerkleFrontier tree = MerkleFrontier.empty(new TreeHasher());
        for (long i = 0; i < treeSize[chain]; i++) {
            tree.append(leafHash(chains.get(chain).get((int) (firstSequence[chain] + i))));
        }
        List<String> extensions =
                firstSequence[chain] > 0 ? List.of(LogNotes.FIRST_SEQUENCE + firstSequence[chain]) : List.of();
        Checkpoint checkpoint =
                new Checkpoint(new ChainOrigin(DEPLOYMENT, chain).origin(), treeSize[chain], tree.root(), extensions);
        return new BundledCheckpoint(
                chain,
                firstSequence[chain],
                treeSize[chain],
                checkpoint.sign(key).format());
    }

    public BundledCheckpoint checkpoint(int chain) {
        return checkpoint(chain, checkpointKey);
    }

    /** A genuine-looking warrant for {@code intentId} signed by {@code key}, with {@code key}'s JWK set. */
    public BundledWarrant warrantFor(String intentId, WarrantKey key) {
        WarrantIssued issued = warrantIssued(intentId, key);
        return new BundledWarrant(issued.getWarrantId(), issued.getToken(), jwksOf(key));
    }

    public static JsonNode jwksOf(WarrantKey key) {
        try {
            return JSON.readTree(new WarrantKeyRing(List.of(key), null).publicJwks());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bundle's JSON after {@code change} to its tree. */
    public byte[] tampered(Consumer<ObjectNode> change) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(json());
            change.accept(root);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON of {@code changed}. */
    public static byte[] json(EvidenceBundle changed) {
        return EvidenceBundles.write(changed);
    }

    /** The bundle with other records, statement, checkpoints or warrant. */
    public EvidenceBundle with(
            List<BundledRecord> records,
            List<BundledCheckpoint> checkpoints,
            String statement,
            BundledWarrant otherWarrant) {
        return new EvidenceBundle(
                bundle.format(),
                bundle.intentId(),
                bundle.tenantId(),
                bundle.exportedAt(),
                records,
                checkpoints,
                statement,
                otherWarrant,
                bundle.checkpointKeys());
    }

    public EvidenceBundle withRecords(List<BundledRecord> records) {
        return with(records, bundle.checkpoints(), bundle.statement(), bundle.warrant());
    }

    public EvidenceBundle withCheckpoints(List<BundledCheckpoint> checkpoints) {
        return with(bundle.records(), checkpoints, bundle.statement(), bundle.warrant());
    }

    public EvidenceBundle withStatement(String statement) {
        return with(bundle.records(), bundle.checkpoints(), statement, bundle.warrant());
    }

    public EvidenceBundle withWarrant(BundledWarrant otherWarrant) {
        return with(bundle.records(), bundle.checkpoints(), bundle.statement(), otherWarrant);
    }

    public AuditRecord decode(BundledRecord record) {
        return serde.decode(java.util.Base64.getDecoder().decode(record.avro()));
    }

    private static byte[] leafHash(AuditRecord record) {
        return new TreeHasher().leafHashOfChainHash(record.getHash());
    }

    private List<AuditRecord> chain(int chain, int n) {
        List<AuditRecord> records = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        for (int i = 0; i < n; i++) {
            boolean ours = isIntentRecord(chain, i);
            boolean warrantIssued = ours && chain == 0 && i == 3;
            String eventType =
                    warrantIssued ? WarrantCheck.WARRANT_ISSUED : i % 2 == 0 ? "IntentAccepted" : "IntentTiered";
            byte[] payload = warrantIssued
                    ? new AvroSerde<>(WarrantIssued.class).encode(warrantIssued(INTENT, warrantKey))
                    : ("payload " + chain + "-" + i).getBytes(StandardCharsets.UTF_8);
            AuditRecord record = AuditRecord.newBuilder()
                    .setRecordId(AuditChain.recordId(chain, i))
                    .setChain(chain)
                    .setSequence(i)
                    .setIntentId(ours ? INTENT : i % 3 == 0 ? OTHER_INTENT : "int-" + chain + "-" + i)
                    .setTenantId(TENANT)
                    .setEventId("evt-" + chain + "-" + i)
                    .setEventType(eventType)
                    .setSourceTopic(warrantIssued ? Topics.WARRANTS.name() : "intents")
                    .setSourcePartition(chain)
                    .setSourceOffset(i)
                    .setOccurredAt(START.plusSeconds(10L * i + chain))
                    .setRecordedAt(START.plusSeconds(10L * i + chain + 1))
                    .setPayload(ByteBuffer.wrap(payload))
                    .setSummary(eventType + " of " + (ours ? INTENT : "another intent") + ", record " + i)
                    .setPreviousHash(previous)
                    .setHash("")
                    .build();
            record.setHash(AuditChain.hash(record));
            previous = record.getHash();
            records.add(record);
        }
        return records;
    }

    private static boolean isIntentRecord(int chain, long sequence) {
        return Stream.of(INTENT_RECORDS).anyMatch(at -> at[0] == chain && at[1] == sequence);
    }

    /** The same warrant for the same intent and key every time (Ed25519 is deterministic). */
    private static WarrantIssued warrantIssued(String intentId, WarrantKey key) {
        ActionRequest action = new ActionRequest("agent-7", "restart_service", "api-gateway", "{\"graceful\":true}");
        WarrantClaims claims = new WarrantClaims(
                "vienna",
                action.agentId(),
                "vienna-executor",
                "w-" + intentId,
                START,
                START,
                START.plusSeconds(900),
                intentId,
                TENANT,
                action.action(),
                action.resource(),
                WarrantClaims.Tier.T1,
                WarrantEvents.mode(ExecutionMode.DIRECT),
                Map.of(),
                List.of(),
                "test-policy",
                action.digest());
        return WarrantEvents.issue(claims, action.paramsJson(), key);
    }
}
