package dev.vienna.warrant;

import dev.vienna.platform.security.Agents;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.sdk.warrant.KeyThumbprints;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import org.apache.kafka.streams.Topology;

/**
 * Hands the warrant topology, with the configured signing key and the agent registry, to Quarkus, which runs it. The
 * topology starts only once the registry has been read to its end: no warrant is signed from a registry that may not
 * yet know a suspension ({@link RegistryGate} pauses it whenever the registry is no longer followed).
 */
@ApplicationScoped
public class TopologyProducer {

    @Produces
    public Topology topology(WarrantConfig config, WarrantKeys keys, Agents agents, RecordTracing tracing)
            throws InterruptedException {
        if (!agents.registry().awaitCaughtUp(Duration.ofSeconds(60))) {
            throw new IllegalStateException(
                    "the agent registry (agents) could not be read within 60 s: no warrant is" + " signed without it");
        }
        return WarrantTopology.buildTopology(
                new WarrantTopology.Issuer(
                        keys::signingKeyFor,
                        config.issuer(),
                        config.executorAudience(),
                        config.lifetime()::of,
                        agents.registry()::whyNotActive,
                        agentId -> agents.registry()
                                .bindingKey(agentId)
                                .flatMap(key -> KeyThumbprints.ofEd25519(key.getPublicKey()))),
                tracing);
    }
}
