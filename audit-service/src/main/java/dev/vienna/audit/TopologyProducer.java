package dev.vienna.audit;

import dev.vienna.platform.tracing.RecordTracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import org.apache.kafka.streams.Topology;

/** Hands the audit topology, built from the service's settings, to Quarkus, which runs it. */
@ApplicationScoped
public class TopologyProducer {

    @Produces
    public Topology topology(AuditConfig config, CheckpointKey key, RecordTracing tracing) {
        return AuditTopology.buildTopology(
                Clock.systemUTC(), key.checkpointer(), VerificationSettings.of(config.verification()), tracing);
    }
}
