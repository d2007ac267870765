package dev.vienna.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;

/** Where the console finds the services, and how long it waits for them. */
@ConfigMapping(prefix = "vienna.console")
public interface ConsoleConfig {

    /** The OIDC issuer operators sign in at (quarkus.oidc.auth-server-url is this). */
    URI issuer();

    /**
     * The console's client secret at the issuer; Quarkus also encrypts the session and state cookies with it, so it has
     * at least 32 characters and is the same for every instance.
     */
    String clientSecret();

    /** approval-service: pending approvals, one approval, votes. */
    URI approvalUrl();

    /** policy-service: the active policy set and its dry run. */
    URI policyUrl();

    /** audit-service: intents' timelines, checkpoints and their keys. */
    URI auditUrl();

    /** warrant-service: the JWKS a warrant is checked against. */
    URI warrantUrl();

    /** How long one call to a service may take before the page says it did not answer. */
    @WithDefault("5s")
    Duration requestTimeout();

    /** How often open pages ask for fresh content (live updates). */
    @WithDefault("3s")
    Duration refreshInterval();
}
