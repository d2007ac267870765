package dev.vienna.warrant;

import dev.vienna.platform.ProblemException;
import dev.vienna.platform.ProblemResponses;
import dev.vienna.sdk.kafka.revocation.RevocationListener;
import dev.vienna.sdk.warrant.RevocationList;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantVerifier;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The verifier behind {@code POST /v1/warrants/verify}: this service's own keys, the revocations it follows on
 * {@code warrant-revocations}, and no single-use claim (checking is not executing). It fails closed: the service is not
 * ready, and verification answers 503, until the revocations there are have been read, and again if the follower stops.
 */
@Startup
@ApplicationScoped
public class WarrantChecks {

    private final RevocationListener revocations;
    private final WarrantVerifier verifier;

    @Inject
    public WarrantChecks(
            WarrantKeys keys, WarrantConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.revocations = new RevocationListener(kafka);
        this.verifier = new WarrantVerifier(
                keys.resolver(),
                Clock.systemUTC(),
                config.clockSkew(),
                revocations.revocations(),
                WarrantVerifier.SingleUse.NOT_TRACKED);
    }

    public WarrantVerifier verifier() {
        return verifier;
    }

    /** The revocations read so far. */
    public RevocationList revocations() {
        return revocations.revocations();
    }

    /** True while the revocations are read to their end and followed. */
    public boolean current() {
        return revocations.caughtUp() && revocations.healthy();
    }

    /** 503 unless {@link #current()}: no verdict from a revocation list that may be behind. */
    public void requireCurrent() {
        if (!current()) {
            throw ProblemException.unavailable(
                    "Not available yet",
                    "the revocations are not read to their end, or no longer followed; retry shortly",
                    ProblemResponses.RETRY_AFTER);
        }
    }

    /** The claims of a token this service's keys signed, when it is one. */
    public Optional<WarrantClaims> signedClaims(String token) {
        WarrantVerifier.Verification signed = verifier.verifySignature(token);
        return signed.valid() ? Optional.of(signed.claims()) : Optional.empty();
    }

    /** Blocks until the revocations are read to their end or {@code timeout} passes. */
    public boolean awaitCurrent(Duration timeout) throws InterruptedException {
        return revocations.awaitCaughtUp(timeout);
    }

    /** Readiness: the revocations are read to their end and followed. */
    @Produces
    @Readiness
    @ApplicationScoped
    HealthCheck revocationsFollowed() {
        return this::health;
    }

    private HealthCheckResponse health() {
        return HealthCheckResponse.named("warrant revocations followed")
                .status(current())
                .withData("caughtUp", revocations.caughtUp())
                .withData("following", revocations.healthy())
                .build();
    }

    @PreDestroy
    void close() {
        revocations.close();
    }
}
