package dev.vienna.warrant;

import dev.vienna.events.SignatureAlgorithm;
import dev.vienna.events.Tier;
import dev.vienna.sdk.WarrantKey;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** warrant-service settings ({@code vienna.warrant.*}; environment: {@code VIENNA_WARRANT_*}). */
@ConfigMapping(prefix = "vienna.warrant")
public interface WarrantConfig {

  /** ED25519 or HMAC_SHA256. */
  @WithDefault("ED25519")
  SignatureAlgorithm algorithm();

  /** The id verifiers look the key up by ({@code kid}). */
  String keyId();

  /** The warrants' {@code iss}. */
  @WithDefault("vienna")
  String issuer();

  /** The {@code aud} of DIRECT warrants: executor-service's (PASSBACK warrants name their agent). */
  @WithDefault("vienna-executor")
  String executorAudience();

  /** Ed25519 private key, base64url of 32 raw bytes (algorithm ED25519). */
  Optional<String> privateKey();

  /** HMAC secret, base64url of at least 32 bytes (algorithm HMAC_SHA256). */
  Optional<String> hmacSecret();

  /** Longest warrant lifetime per tier (a policy constraint may ask for less, never more). */
  Lifetimes lifetime();

  interface Lifetimes {
    @WithDefault("15m")
    Duration t0();

    @WithDefault("15m")
    Duration t1();

    @WithDefault("10m")
    Duration t2();

    @WithDefault("5m")
    Duration t3();

    default Duration of(Tier tier) {
      return switch (tier) {
        case T0 -> t0();
        case T1 -> t1();
        case T2 -> t2();
        case T3 -> t3();
      };
    }
  }

  /** The signing key, or a start-up error that names the missing setting. */
  default WarrantKey signingKey() {
    return switch (algorithm()) {
      case ED25519 -> WarrantKey.ed25519FromPrivate(keyId(), privateKey().orElseThrow(() ->
          new IllegalStateException("vienna.warrant.private-key (VIENNA_WARRANT_PRIVATE_KEY) is not set: warrants cannot be signed")));
      case HMAC_SHA256 -> WarrantKey.hmac(keyId(), hmacSecret().orElseThrow(() ->
          new IllegalStateException("vienna.warrant.hmac-secret (VIENNA_WARRANT_HMAC_SECRET) is not set: warrants cannot be signed")));
    };
  }
}
