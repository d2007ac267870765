package dev.vienna.warrant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import org.apache.kafka.streams.Topology;

/** Hands the warrant topology, with the configured signing key, to Quarkus, which runs it. */
@ApplicationScoped
public class TopologyProducer {

  @Produces
  public Topology topology(WarrantConfig config) {
    return WarrantTopology.buildTopology(config.signingKey(), config.lifetime()::of, Clock.systemUTC());
  }
}
