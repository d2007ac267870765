package dev.vienna.executor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * This instance's static membership id in the consumer group ({@code group.instance.id}): an instance restarted
     * with the same id takes its partitions back at once instead of waiting out the session timeout of the one that
     * died. One id per instance (a pod of a StatefulSet, a supervised process); unset: dynamic membership.
     */
    Optional<String> groupInstanceId();

    /** The audience DIRECT warrants must name ({@code aud}). */
    @WithDefault("vienna-executor")
    String audience();

    /** Allowed clock difference when checking a warrant's validity window. */
    @WithDefault("30s")
    Duration clockSkew();

    /**
     * The operators' actions file (handlers module's format): which action runs which built-in handler, with what
     * templates and limits. Without one, no action has a handler and every DIRECT warrant is REJECTED.
     */
    Optional<Path> actionsFile();

    /** The most warrants in flight (consumed, not yet reported) at once; beyond it the partitions pause. */
    @WithDefault("256")
    int maxInFlight();

    /** The published verification keys: warrant-service's {@code /.well-known/jwks.json}. */
    Optional<URI> jwksUrl();

    /** Pinned verification keys: a key directory (HS256 secrets, Ed25519 public keys); checked before the JWKS. */
    Optional<Path> keyDir();
}
