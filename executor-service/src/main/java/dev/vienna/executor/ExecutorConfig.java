package dev.vienna.executor;

import dev.vienna.events.SignatureAlgorithm;
import dev.vienna.sdk.WarrantKey;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** executor-service settings ({@code vienna.executor.*}; environment: {@code VIENNA_EXECUTOR_*}). */
@ConfigMapping(prefix = "vienna.executor")
public interface ExecutorConfig {

  /** This executor's id in execution reports. */
  @WithDefault("executor-service")
  String id();

  /** Consumer group of the executors; instances share the warrants' partitions. */
  @WithDefault("vienna-executor")
  String groupId();

  /** The audience DIRECT warrants must name ({@code aud}). */
  @WithDefault("vienna-executor")
  String audience();

  /** Allowed clock difference when checking a warrant's validity window. */
  @WithDefault("30s")
  Duration clockSkew();

  /** Action name -> built-in handler name (noop). */
  Map<String, String> handlers();

  /** The key warrants are verified with. */
  VerificationKey warrant();

  interface VerificationKey {
    @WithDefault("ED25519")
    SignatureAlgorithm algorithm();

    String keyId();

    /** Ed25519 public key, base64url of 32 raw bytes. */
    Optional<String> publicKey();

    /** HMAC secret, base64url. */
    Optional<String> hmacSecret();

    default WarrantKey toKey() {
      return switch (algorithm()) {
        case ED25519 -> WarrantKey.ed25519FromPublic(keyId(), publicKey().orElseThrow(() ->
            new IllegalStateException("vienna.executor.warrant.public-key (VIENNA_EXECUTOR_WARRANT_PUBLIC_KEY) is not set")));
        case HMAC_SHA256 -> WarrantKey.hmac(keyId(), hmacSecret().orElseThrow(() ->
            new IllegalStateException("vienna.executor.warrant.hmac-secret (VIENNA_EXECUTOR_WARRANT_HMAC_SECRET) is not set")));
      };
    }
  }
}
