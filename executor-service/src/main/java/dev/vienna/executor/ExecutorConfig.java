package dev.vienna.executor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
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

    /** The published verification keys: warrant-service's {@code /.well-known/jwks.json}. */
    Optional<URI> jwksUrl();

    /** Pinned verification keys: a key directory (HS256 secrets, Ed25519 public keys); checked before the JWKS. */
    Optional<Path> keyDir();
}
