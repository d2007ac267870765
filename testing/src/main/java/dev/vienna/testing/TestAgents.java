package dev.vienna.testing;

import dev.vienna.events.AgentApiKey;
import dev.vienna.events.AgentChange;
import dev.vienna.events.AgentChanged;
import dev.vienna.events.AgentSigningKey;
import dev.vienna.events.AgentStatus;
import dev.vienna.events.EventIds;
import dev.vienna.sdk.kafka.agents.ApiKeys;
import dev.vienna.sdk.warrant.WarrantKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The agents the tests' registry holds (written to {@code agents} when the shared broker starts): each with a tenant,
 * owners, an Ed25519 signing key and an API key made for this JVM. {@code agent-7} (tenant acme, owner carol) is the
 * agent of {@link TestEvents}' intents.
 */
public final class TestAgents {

    /** One registered test agent with its secrets. */
    public record Agent(
            String agentId, String tenantId, List<String> owners, WarrantKey signingKey, ApiKeys.Issued apiKey) {

        /** The API key to present: {@code Authorization: Bearer <apiKey>}. */
        public String bearer() {
            return apiKey.key();
        }

        public String signingKeyId() {
            return agentId + "-key-1";
        }

        /** Its registry entry as it is written to {@code agents}. */
        public AgentChanged registered() {
            return entry(AgentChange.REGISTERED, AgentStatus.ACTIVE, null);
        }

        /** Its registry entry after a suspension at {@code at}. */
        public AgentChanged suspended(String reason, Instant at) {
            AgentChanged entry = entry(AgentChange.SUSPENDED, AgentStatus.SUSPENDED, reason);
            entry.setSuspendedAt(at.truncatedTo(ChronoUnit.MILLIS));
            entry.setOccurredAt(at.truncatedTo(ChronoUnit.MILLIS));
            entry.setEventId(EventIds.of(agentId + at.toEpochMilli(), "test-suspension"));
            return entry;
        }

        private AgentChanged entry(AgentChange change, AgentStatus status, String reason) {
            Instant at = Instant.parse("2026-11-01T00:00:00Z");
            return AgentChanged.newBuilder()
                    .setEventId(EventIds.of(agentId, "test-registration"))
                    .setTenantId(tenantId)
                    .setOccurredAt(at)
                    .setAgentId(agentId)
                    .setChange(change)
                    .setStatus(status)
                    .setOwners(owners)
                    .setSigningKeys(List.of(AgentSigningKey.newBuilder()
                            .setKeyId(signingKeyId())
                            .setPublicKey(
                                    Base64.getUrlEncoder().withoutPadding().encodeToString(signingKey.publicKey()))
                            .setAddedAt(at)
                            .build()))
                    .setApiKeys(List.of(AgentApiKey.newBuilder()
                            .setKeyId(apiKey.keyId())
                            .setSha256(apiKey.sha256())
                            .setCreatedAt(at)
                            .build()))
                    .setChangedBy("test-admin")
                    .setReason(reason)
                    .build();
        }
    }

    /**
     * The test agent that takes its PASSBACK warrants over Kafka: its principal is granted
     * {@code KafkaAccess.passbackAgent}, so its feed {@code passback.feed-agent} exists.
     */
    public static final String FEED_AGENT = "feed-agent";

    private static final Map<String, Agent> AGENTS = Map.of(
            "agent-7",
            agent("agent-7", "acme", "carol"),
            "rogue-agent",
            agent("rogue-agent", "acme", "dave"),
            "compromised-agent",
            agent("compromised-agent", "acme", "dave"),
            "infra-optimizer",
            agent("infra-optimizer", "acme", "carol"),
            "globex-agent",
            agent("globex-agent", "globex", "gina"),
            FEED_AGENT,
            agent(FEED_AGENT, "acme", "carol"));

    /**
     * Keys derived from the agent id and one random seed per JVM (kept in a system property), so that every class
     * loader of the JVM (a Quarkus test profile loads the tests again) knows the same secrets the registry holds.
     */
    private static Agent agent(String agentId, String tenantId, String owner) {
        byte[] seed = derived(agentId);
        byte[] secret = derived(agentId + "/api-key");
        return new Agent(
                agentId,
                tenantId,
                List.of(owner),
                WarrantKey.ed25519FromPrivate(
                        agentId + "-key-1",
                        Base64.getUrlEncoder().withoutPadding().encodeToString(seed)),
                ApiKeys.fromSecret(Arrays.copyOf(secret, ApiKeys.KEY_ID_LENGTH), secret));
    }

    private static String seed() {
        synchronized (System.class) {
            String seed = System.getProperty("vienna.test.agents.seed");
            if (seed == null) {
                seed = UUID.randomUUID().toString();
                System.setProperty("vienna.test.agents.seed", seed);
            }
            return seed;
        }
    }

    /** 32 bytes derived from this JVM's seed and {@code name}: the SHA-256 of {@code <seed>/<name>}. */
    private static byte[] derived(String name) {
        return HexFormat.of().parseHex(ApiKeys.sha256(seed() + "/" + name));
    }

    /** A registered test agent. */
    public static Agent get(String agentId) {
        Agent agent = AGENTS.get(agentId);
        if (agent == null) {
            throw new IllegalArgumentException("no test agent " + agentId + "; known: " + AGENTS.keySet());
        }
        return agent;
    }

    /** Every test agent. */
    public static List<Agent> all() {
        return List.copyOf(AGENTS.values());
    }

    private TestAgents() {}
}
