package dev.vienna.intake;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** intake-service settings ({@code vienna.intake.*}; environment: {@code VIENNA_INTAKE_*}). */
@ConfigMapping(prefix = "vienna.intake")
public interface IntakeConfig {

    /** Tenant of intents whose body names none. */
    @WithDefault("default")
    String defaultTenant();

    /** How long a request waits for the broker to acknowledge the intent before answering 503. */
    @WithDefault("10s")
    Duration publishTimeout();

    /** How many (tenant, agent, idempotency key) entries this instance remembers. */
    @WithDefault("100000")
    int idempotencyCacheSize();
}
