package dev.vienna.warrant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;

/** Hands the warrant topology, with the configured signing key, to Quarkus, which runs it. */
@ApplicationScoped
public class TopologyProducer {

  @Produces
  public Topology topology(WarrantConfig config) {
    return WarrantTopology.buildTopology(
        new WarrantTopology.Issuer(config.signingKey(), config.issuer(), config.executorAudience(), config.lifetime()::of));
  }
}
