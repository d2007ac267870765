package dev.vienna.warrant;

import dev.vienna.events.Tier;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** warrant-service settings ({@code vienna.warrant.*}; environment: {@code VIENNA_WARRANT_*}). */
@ConfigMapping(prefix = "vienna.warrant")
public interface WarrantConfig {

    /** The key directory: {@code <kid>.ed25519}, {@code <kid>.ed25519.pub}, {@code <kid>.hs256} files. */
    Path keyDir();

    /**
     * A PKCS#12 keystore with the warrant keys (alias = key id: Ed25519 key pairs, HmacSHA256 secrets, Ed25519
     * certificates for verification only). When set, it is used instead of the key directory.
     */
    Optional<Path> keystore();

    /** The keystore's password (environment {@code VIENNA_WARRANT_KEYSTORE_PASSWORD}). */
    Optional<String> keystorePassword();

    /** The key that signs warrants ({@code kid}); it must have its private half in the key directory. */
    String signingKeyId();

    /**
     * A different key for DIRECT warrants, e.g. an HS256 key shared only with executor-service, while PASSBACK warrants
     * stay Ed25519 for agents who verify from the JWKS. Default: the signing key.
     */
    Optional<String> directSigningKeyId();

    /** The warrants' {@code iss}. */
    @WithDefault("vienna")
    String issuer();

    /** The {@code aud} of DIRECT warrants: executor-service's (PASSBACK warrants name their agent). */
    @WithDefault("vienna-executor")
    String executorAudience();

    /** Allowed clock difference when {@code POST /v1/warrants/verify} checks a validity window. */
    @WithDefault("30s")
    Duration clockSkew();

    /** How long a revocation request waits for the broker's acknowledgement before answering 503. */
    @WithDefault("10s")
    Duration publishTimeout();

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
}
