package dev.vienna.warrant;

import dev.vienna.platform.security.Agents;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.jboss.logging.Logger;

/**
 * Pauses the warrant topology while the agent registry is no longer followed (its follower stopped, or has not polled
 * for 30 s), so no warrant is signed from a registry that may not know a suspension, and resumes it once the registry
 * is followed again; checked every second. The topology starts only after the registry was read to its end
 * ({@link TopologyProducer}).
 */
@ApplicationScoped
public class RegistryGate {

    private static final Logger LOG = Logger.getLogger(RegistryGate.class);

    @Inject
    Agents agents;

    @Inject
    KafkaStreams streams;

    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "registry-gate"));

    void start(@Observes StartupEvent event) {
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    private void check() {
        try {
            boolean followed = agents.registry().healthy();
            if (!followed && !streams.isPaused()) {
                streams.pause();
                LOG.error("the agent registry is no longer followed: no warrant is signed until it is");
            } else if (followed && streams.isPaused()) {
                streams.resume();
                LOG.info("the agent registry is followed again: signing warrants");
            }
        } catch (RuntimeException e) {
            // a topology not started or already stopping: the next check sees it again
            LOG.debugf("registry gate: %s", e.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }
}
