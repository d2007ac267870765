package dev.vienna.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.kafka.evidence.EvidenceBundles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * audit-service's checkpoint signing key, read at start-up from {@code vienna.audit.checkpoint.key-file}: a service
 * without a readable, well-formed key does not start, since a checkpoint nobody signed proves nothing.
 */
@ApplicationScoped
public class CheckpointKey {

    private final Checkpointer checkpointer;

    @Inject
    public CheckpointKey(AuditConfig config) {
        AuditConfig.Checkpoint settings = config.checkpoint();
        NoteSignerKey key;
        try {
            key = NoteSignerKey.parse(Files.readString(settings.keyFile()).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the checkpoint key file " + settings.keyFile() + " (vienna.audit.checkpoint.key-file)",
                    e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the checkpoint key file " + settings.keyFile() + " does not hold a signer key: " + e.getMessage());
        }
        this.checkpointer = new Checkpointer(settings.deployment(), key, settings.records(), settings.interval());
    }

    Checkpointer checkpointer() {
        return checkpointer;
    }

    /** The public half, which verifiers of checkpoints need. */
    public NoteVerifierKey verifierKey() {
        return checkpointer.verifierKey();
    }

    /** The note of {@code text} signed with the checkpoint key. */
    String sign(String text) {
        return checkpointer.signNote(text);
    }

    /** The name of this deployment, which checkpoint and statement origins begin with. */
    String deployment() {
        return checkpointer.deployment();
    }

    /**
     * The public key as a JWK set whose key also carries its C2SP verifier key text, {@code vkey}
     * ({@link EvidenceBundles#checkpointKeys}): what {@code GET /v1/audit/keys} serves and evidence bundles carry.
     */
    JsonNode jwks() {
        return EvidenceBundles.checkpointKeys(List.of(verifierKey()));
    }
}
