package dev.vienna.warrant;

import dev.vienna.events.ExecutionMode;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import dev.vienna.sdk.warrant.WarrantVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The key ring loaded at start-up from the keystore or else the key directory, and which key signs which mode. */
@ApplicationScoped
public class WarrantKeys {

    private final WarrantKeyRing ring;
    private final WarrantKey directKey;

    @Inject
    public WarrantKeys(WarrantConfig config) {
        this.ring = config.keystore()
                .map(store -> WarrantKeyRing.loadPkcs12(
                        store, config.keystorePassword().orElse("").toCharArray(), config.signingKeyId()))
                .orElseGet(() -> WarrantKeyRing.load(config.keyDir(), config.signingKeyId()));
        this.directKey = config.directSigningKeyId()
                .map(id -> new WarrantKeyRing(ring.keys(), id).signingKey())
                .orElse(ring.signingKey());
    }

    public WarrantKey signingKeyFor(ExecutionMode mode) {
        return mode == ExecutionMode.DIRECT ? directKey : ring.signingKey();
    }

    /** Every key of the ring, for verification. */
    public WarrantVerifier.KeyResolver resolver() {
        return ring;
    }

    public String publicJwks() {
        return ring.publicJwks();
    }
}
