package dev.vienna.warrant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;

/** Hands the warrant topology, with the configured signing key, to Quarkus, which runs it. */
@ApplicationScoped
public class TopologyProducer {

    @Produces
    public Topology topology(WarrantConfig config, WarrantKeys keys) {
        return WarrantTopology.buildTopology(new WarrantTopology.Issuer(
                keys::signingKeyFor, config.issuer(), config.executorAudience(), config.lifetime()::of));
    }
}
