package dev.vienna.warrant;

import dev.vienna.sdk.kafka.revocation.RevocationListener;
import dev.vienna.sdk.warrant.WarrantVerifier;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;

/**
 * The verifier behind {@code POST /v1/warrants/verify}: this service's own keys, the revocations it follows on
 * {@code warrant-revocations}, and no single-use claim (checking is not executing).
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

    @PreDestroy
    void close() throws InterruptedException {
        revocations.close();
    }
}
