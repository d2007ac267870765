package dev.vienna.console;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Refuses to start with a client secret too short to encrypt the session cookies, and says where sign-in goes. */
public class ConsoleStartup {

    private static final Logger LOG = Logger.getLogger(ConsoleStartup.class);
    static final int MIN_SECRET_LENGTH = 32;

    void check(@Observes StartupEvent started, ConsoleConfig config) {
        if (config.clientSecret().length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("vienna.console.client-secret (VIENNA_CONSOLE_CLIENT_SECRET) has "
                    + config.clientSecret().length() + " characters; the console needs at least " + MIN_SECRET_LENGTH
                    + " (it also encrypts the session cookies)");
        }
        LOG.infof(
                "operators sign in at %s; services: approval %s, policy %s, audit %s, warrant %s",
                config.issuer(), config.approvalUrl(), config.policyUrl(), config.auditUrl(), config.warrantUrl());
    }
}
