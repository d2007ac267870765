package dev.vienna.approval;

import dev.vienna.platform.tracing.RecordTracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;

/** Hands the approval topology, built from the service's settings, to Quarkus, which runs it. */
@ApplicationScoped
public class TopologyProducer {

    @Produces
    public Topology topology(ApprovalConfig config, RecordTracing tracing) {
        return ApprovalTopology.buildTopology(ApprovalTopology.Settings.of(config), tracing);
    }
}
