package dev.vienna.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** audit-service settings ({@code vienna.audit.*}; environment: {@code VIENNA_AUDIT_*}). */
@ConfigMapping(prefix = "vienna.audit")
public interface AuditConfig {

    /** The signed checkpoints of the audit chains ({@code vienna.audit.checkpoint.*}, {@link CheckpointSigner}). */
    Checkpoint checkpoint();

    interface Checkpoint {

        /**
         * The name of this Vienna deployment: checkpoint origins are {@code <deployment>/audit/chain/<n>}. No spaces,
         * no '+'.
         */
        @WithDefault("vienna.local")
        String deployment();

        /**
         * The file holding audit-service's checkpoint signing key, a C2SP signed-note signer key
         * ({@code PRIVATE+KEY+<name>+<key id>+<key>}). Required: there are no unsigned checkpoints.
         */
        Path keyFile();

        /** A chain is checkpointed after this many new records ... */
        @WithDefault("1000")
        long records();

        /** ... or this long after its last checkpoint, if it has new records, whichever comes first. */
        @WithDefault("5s")
        Duration interval();
    }

    /** Evidence bundles ({@code vienna.audit.evidence.*}, {@link EvidenceBundler}). */
    Evidence evidence();

    interface Evidence {

        /**
         * Where warrant-service publishes its public warrant keys ({@code /.well-known/jwks.json}): a bundle carries
         * them with its warrant. Without it, bundles carry the warrant only, and auditors bring the keys.
         */
        Optional<URI> warrantJwksUrl();
    }

    /** The post-execution verification of warrants ({@code vienna.audit.verification.*}, {@link ExecutionVerifier}). */
    Verification verification();

    interface Verification {

        /**
         * How long after a warrant's expiry its execution report may still arrive: later it is a VIOLATION, and with
         * none by then the warrant is UNREPORTED; also how long a report waits for a warrant not seen yet.
         */
        @WithDefault("5m")
        Duration grace();

        /** How far an execution's start may be before the warrant's issue or after its expiry (clocks disagree). */
        @WithDefault("30s")
        Duration clockSkew();

        /** The executor ids that may report DIRECT executions (executor-service's {@code vienna.executor.id}). */
        @WithDefault("executor-service")
        List<String> executorIds();

        /** How often the wall-clock punctuator looks for warrants and held reports that are due. */
        @WithDefault("5s")
        Duration scanInterval();

        /**
         * How long after its expiry plus grace a warrant is remembered, so a later report is still judged against it
         * (as late, or as a second report); then it is forgotten.
         */
        @WithDefault("168h")
        Duration retention();
    }
}
