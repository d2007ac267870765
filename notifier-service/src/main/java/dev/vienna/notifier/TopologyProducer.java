package dev.vienna.notifier;

import dev.vienna.platform.tracing.RecordTracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;

/** Hands the notification topology, built from the service's settings, to Quarkus, which runs it. */
@ApplicationScoped
public class TopologyProducer {

    @Produces
    public Topology topology(NotifierConfig config, RecordTracing tracing) {
        return NotificationTopology.buildTopology(NotificationSettings.of(config), tracing);
    }
}
