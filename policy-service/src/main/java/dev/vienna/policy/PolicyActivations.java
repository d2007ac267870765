package dev.vienna.policy;

import dev.vienna.events.PolicyActivated;
import dev.vienna.events.Topics;
import dev.vienna.platform.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Publishes policy activations and refusals to {@code policy-activations}, keyed by instance, and waits for the
 * broker's acknowledgement on the policy reloader's thread (never on a request's or the decisions' path). An activation
 * that is not acknowledged is logged with the event: the policy is active either way, and the next reload announces the
 * version again only when it changes.
 */
@ApplicationScoped
public class PolicyActivations {

    private static final Logger LOG = Logger.getLogger(PolicyActivations.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    Publisher publisher;

    public void publish(PolicyActivated activation) {
        try {
            publisher.publish(Topics.POLICY_ACTIVATIONS, activation.getInstance(), activation, TIMEOUT);
        } catch (Publisher.NotPublished e) {
            LOG.errorf(e, "policy activation event not recorded: %s", activation);
        }
    }
}
