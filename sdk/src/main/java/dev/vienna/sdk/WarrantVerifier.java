package dev.vienna.sdk;

import dev.vienna.events.WarrantIssued;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a warrant offline, failing closed: the key must be known by id and of the warrant's
 * algorithm, the signature must fit the canonical form, and now must lie within
 * [issuedAt - skew, expiresAt + skew]. Each failure has its own {@link Verification.Reason}.
 */
public final class WarrantVerifier {

  private final Map<String, WarrantKey> keys;
  private final Clock clock;
  private final Duration allowedSkew;

  public WarrantVerifier(Collection<WarrantKey> keys, Clock clock, Duration allowedSkew) {
    this.keys = keys.stream().collect(Collectors.toUnmodifiableMap(WarrantKey::keyId, Function.identity()));
    this.clock = clock;
    this.allowedSkew = allowedSkew;
  }

  public Verification verify(WarrantIssued warrant) {
    if (warrant.getSignature() == null || warrant.getSignature().isEmpty()) {
      return Verification.failed(Verification.Reason.MISSING_SIGNATURE, "warrant has no signature");
    }
    WarrantKey key = keys.get(warrant.getKeyId());
    if (key == null) {
      return Verification.failed(Verification.Reason.UNKNOWN_KEY, "unknown key id " + warrant.getKeyId());
    }
    if (key.algorithm() != warrant.getAlgorithm()) {
      return Verification.failed(
          Verification.Reason.ALGORITHM_MISMATCH,
          "key " + key.keyId() + " is " + key.algorithm() + ", warrant claims " + warrant.getAlgorithm());
    }
    boolean signatureMatches;
    try {
      signatureMatches = WarrantSignatures.signatureMatches(warrant, key);
    } catch (IllegalArgumentException e) {
      return Verification.failed(Verification.Reason.MALFORMED, "warrant cannot be put in canonical form: " + e.getMessage());
    }
    if (!signatureMatches) {
      return Verification.failed(Verification.Reason.BAD_SIGNATURE, "signature does not match the warrant");
    }
    Instant now = clock.instant();
    if (now.isBefore(warrant.getIssuedAt().minus(allowedSkew))) {
      return Verification.failed(Verification.Reason.NOT_YET_VALID, "warrant is valid from " + warrant.getIssuedAt());
    }
    if (now.isAfter(warrant.getExpiresAt().plus(allowedSkew))) {
      return Verification.failed(Verification.Reason.EXPIRED, "warrant expired at " + warrant.getExpiresAt());
    }
    return Verification.VALID;
  }

  /** The outcome of a verification: valid, or the first reason it failed. */
  public record Verification(boolean valid, Reason reason, String detail) {
    public static final Verification VALID = new Verification(true, null, "valid");

    public enum Reason { MALFORMED, MISSING_SIGNATURE, UNKNOWN_KEY, ALGORITHM_MISMATCH, BAD_SIGNATURE, NOT_YET_VALID, EXPIRED }

    static Verification failed(Reason reason, String detail) {
      return new Verification(false, reason, detail);
    }
  }
}
