package dev.vienna.warrant;

import dev.vienna.events.ExecutionMode;
import dev.vienna.sdk.WarrantKey;
import dev.vienna.sdk.WarrantKeyRing;
import dev.vienna.sdk.WarrantVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The key ring loaded from the key directory at start-up, and which key signs which mode. */
@ApplicationScoped
public class WarrantKeys {

  private final WarrantKeyRing ring;
  private final WarrantKey directKey;

  @Inject
  public WarrantKeys(WarrantConfig config) {
    this.ring = WarrantKeyRing.load(config.keyDir(), config.signingKeyId());
    this.directKey = config.directSigningKeyId().map(id -> new WarrantKeyRing(ring.keys(), id).signingKey()).orElse(ring.signingKey());
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
