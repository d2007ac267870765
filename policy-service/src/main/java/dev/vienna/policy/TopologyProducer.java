package dev.vienna.policy;

import dev.vienna.platform.tracing.RecordTracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import org.apache.kafka.streams.Topology;

/** Hands the policy topology to Quarkus, which runs it. */
@ApplicationScoped
public class TopologyProducer {

    @Produces
    public Topology topology(ActivePolicy policy, RecordTracing tracing) {
        return PolicyTopology.buildTopology(policy, Clock.systemUTC(), tracing);
    }
}
