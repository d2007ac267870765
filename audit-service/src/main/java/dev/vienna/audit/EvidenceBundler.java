package dev.vienna.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.events.AuditCheckpoint;
import dev.vienna.events.IntentLifecycle;
import dev.vienna.events.LifecycleStep;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.streams.StateStores;
import dev.vienna.sdk.evidence.MerkleProofs;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.evidence.TreeNodes;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledCheckpoint;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledRecord;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledWarrant;
import dev.vienna.sdk.kafka.evidence.EvidenceStatement;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Assembles an intent's evidence bundle ({@link EvidenceBundle}) on the instance that holds its lifecycle, and so its
 * chain: the records its lifecycle names, read back from {@code audit} byte for byte ({@link AuditLogLookup}); for
 * each, an inclusion proof to the newest published checkpoint of its chain, from the stored tree ({@link ChainTree});
 * the statement of its records signed with the checkpoint key; its warrant and warrant-service's public keys.
 *
 * <p>A record newer than its chain's newest checkpoint cannot be proven yet: then there is no bundle until the next
 * checkpoint (503, retry after the checkpoint interval).
 */
@ApplicationScoped
public class EvidenceBundler {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KafkaStreams streams;

    @Inject
    PublishedCheckpoints checkpoints;

    @Inject
    AuditLogLookup log;

    @Inject
    CheckpointKey key;

    @Inject
    AuditConfig config;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The bundle of the intent whose lifecycle is {@code lifecycle} (read from this instance's store). */
    public EvidenceBundle bundle(IntentLifecycle lifecycle) {
        if (!checkpoints.current()) {
            throw ProblemException.unavailable(
                    "Checkpoints not read yet",
                    "audit-checkpoints is not read to its end yet, or no longer followed",
                    Duration.ofSeconds(2));
        }
        Map<Integer, List<Long>> sequencesByChain = new TreeMap<>();
        for (LifecycleStep step : lifecycle.getSteps()) {
            String id = step.getAuditRecordId();
            int dash = id.indexOf('-');
            sequencesByChain
                    .computeIfAbsent(Integer.parseInt(id.substring(0, dash)), c -> new ArrayList<>())
                    .add(Long.parseLong(id.substring(dash + 1)));
        }
        Map<Integer, AuditCheckpoint> newest = new TreeMap<>();
        checkpoints.newest().forEach(c -> newest.put(c.getChain(), c));
        TreeHasher hasher = new TreeHasher();
        MerkleProofs proofs = new MerkleProofs(hasher);
        List<BundledCheckpoint> bundledCheckpoints = new ArrayList<>();
        List<BundledRecord> records = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (var entry : sequencesByChain.entrySet()) {
            int chain = entry.getKey();
            List<Long> sequences = entry.getValue().stream().sorted().distinct().toList();
            AuditCheckpoint checkpoint = newest.get(chain);
            long last = sequences.get(sequences.size() - 1);
            if (checkpoint == null || last >= checkpoint.getFirstSequence() + checkpoint.getTreeSize()) {
                throw ProblemException.unavailable(
                        "Not checkpointed yet",
                        "record " + chain + "-" + last + " of intent " + lifecycle.getIntentId()
                                + " is newer than the newest checkpoint of its chain; retry after the next one",
                        config.checkpoint().interval());
            }
            int checkpointIndex = bundledCheckpoints.size();
            bundledCheckpoints.add(new BundledCheckpoint(
                    chain, checkpoint.getFirstSequence(), checkpoint.getTreeSize(), checkpoint.getNote()));
            TreeNodes nodes = storedNodes(chain, hasher);
            for (AuditLogLookup.Found found : log.read(chain, sequences)) {
                var record = found.record();
                long leaf = record.getSequence() - checkpoint.getFirstSequence();
                List<String> proof = leaf < 0
                        ? List.of()
                        : proofs.inclusionProof(leaf, checkpoint.getTreeSize(), nodes).stream()
                                .map(Base64.getEncoder()::encodeToString)
                                .toList();
                records.add(new BundledRecord(
                        record.getRecordId(),
                        chain,
                        record.getSequence(),
                        Base64.getEncoder().encodeToString(found.value()),
                        record.getEventType(),
                        record.getOccurredAt(),
                        record.getSummary(),
                        leaf < 0 ? -1 : checkpointIndex,
                        leaf,
                        proof));
                hashes.add(record.getHash());
            }
        }
        String statement = key.sign(EvidenceStatement.of(key.deployment(), lifecycle.getIntentId(), hashes)
                .text());
        return new EvidenceBundle(
                EvidenceBundle.FORMAT,
                lifecycle.getIntentId(),
                lifecycle.getTenantId(),
                Clock.systemUTC().instant(),
                records,
                bundledCheckpoints,
                statement,
                warrant(lifecycle),
                key.jwks());
    }

    /** The chain's tree as this instance stores it (its head, its tiles and nodes), for proofs. */
    private TreeNodes storedNodes(int chain, TreeHasher hasher) {
        var heads = StateStores.<Integer, String>keyValue(streams, AuditTopology.CHAIN_HEADS_STORE);
        var nodes = StateStores.<String, byte[]>keyValue(streams, ChainTree.STORE);
        return ChainTree.nodes(chain, ChainHead.parse(heads.get(chain), hasher), nodes::get, hasher);
    }

    private BundledWarrant warrant(IntentLifecycle lifecycle) {
        if (lifecycle.getWarrantToken() == null) {
            return null;
        }
        return new BundledWarrant(
                lifecycle.getWarrantId(),
                lifecycle.getWarrantToken(),
                config.evidence().warrantJwksUrl().map(this::jwks).orElse(null));
    }

    private JsonNode jwks(URI url) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw ProblemException.unavailable(
                        "Warrant keys unavailable", url + " answered " + response.statusCode(), Duration.ofSeconds(5));
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw ProblemException.unavailable(
                    "Warrant keys unavailable", "cannot read " + url + ": " + e.getMessage(), Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted", "interrupted reading " + url, Duration.ofSeconds(5));
        }
    }
}
