package dev.vienna.platform.security;

import dev.vienna.sdk.kafka.agents.AgentRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The service's view of the agent registry (the compacted {@code agents} topic), followed from start-up as the
 * service's own principal, for services that build with {@code vienna.agents.follow=true} (intake, warrant, executor,
 * audit). The service is not ready until the registry has been read to where it ended at start-up, and stops being
 * ready if the follower stops: nothing is decided about an agent from a registry that may be behind.
 */
@ApplicationScoped
@IfBuildProperty(name = "vienna.agents.follow", stringValue = "true")
public class Agents {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private volatile AgentRegistry registry;

    void start(@Observes StartupEvent event) {
        registry();
    }

    /** The registry, started on first use. */
    public AgentRegistry registry() {
        AgentRegistry current = registry;
        if (current == null) {
            synchronized (this) {
                if (registry == null) {
                    registry = new AgentRegistry(kafka);
                }
                current = registry;
            }
        }
        return current;
    }

    /** Readiness: the registry is read to where it ended at start-up, and still followed. */
    @Produces
    @Readiness
    @ApplicationScoped
    HealthCheck registryFollowed() {
        return this::health;
    }

    private HealthCheckResponse health() {
        AgentRegistry current = registry;
        boolean ready = current != null && current.caughtUp() && current.healthy();
        return HealthCheckResponse.named("agent registry followed")
                .status(ready)
                .withData("caughtUp", current != null && current.caughtUp())
                .withData("following", current != null && current.healthy())
                .build();
    }

    void stop(@Observes ShutdownEvent event) {
        if (registry != null) {
            registry.close();
        }
    }
}
