package dev.vienna.intake;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** intake-service settings ({@code vienna.intake.*}; environment: {@code VIENNA_INTAKE_*}). */
@ConfigMapping(prefix = "vienna.intake")
public interface IntakeConfig {

    /** The largest intent body accepted, in bytes (larger: 413). Intents' own limits: sdk IntentRequest. */
    @WithDefault("65536")
    int maxBodyBytes();

    /** How far a signed Kafka submission's {@code submittedAt} may be from this service's clock (either way). */
    @WithDefault("5m")
    Duration submissionWindow();

    /** How long a request waits for the broker to acknowledge the intent before answering 503. */
    @WithDefault("10s")
    Duration publishTimeout();

    /** How many (tenant, agent, idempotency key) entries this instance remembers. */
    @WithDefault("100000")
    int idempotencyCacheSize();
}
