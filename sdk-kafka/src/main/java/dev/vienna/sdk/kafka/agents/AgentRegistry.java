package dev.vienna.sdk.kafka.agents;

import dev.vienna.events.AgentApiKey;
import dev.vienna.events.AgentChanged;
import dev.vienna.events.AgentSigningKey;
import dev.vienna.events.AgentStatus;
import dev.vienna.events.Topics;
import dev.vienna.sdk.kafka.follow.TopicFollower;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The agent registry as a service sees it: the newest {@link AgentChanged} of every agent on the compacted
 * {@code agents} topic, followed continuously ({@link TopicFollower}), with an index of API key ids. Who an agent is,
 * its tenant, the principals it acts for, its status and its keys come from here, never from a request. Services do not
 * act on it before {@link #caughtUp()} (their readiness says so): an agent suspended a minute ago must not pass because
 * the service started after the suspension.
 */
public final class AgentRegistry implements AutoCloseable {

    private final Map<String, AgentChanged> agents = new ConcurrentHashMap<>();
    private final Map<String, String> agentByKeyId = new ConcurrentHashMap<>();
    private final List<Consumer<AgentChanged>> listeners = new CopyOnWriteArrayList<>();
    private final TopicFollower<AgentChanged> follower;

    /** Follows {@code agents} with these client settings (a principal that may read it). */
    public AgentRegistry(Map<String, Object> kafka) {
        this.follower =
                new TopicFollower<>(kafka, Topics.AGENTS, this::apply, Clock.systemUTC(), Duration.ofSeconds(30));
    }

    /** A registry fed by {@link #apply} only (tests, tools). */
    public AgentRegistry() {
        this.follower = null;
    }

    /** Takes one registry change: the agent's new state replaces its old one. */
    public synchronized void apply(AgentChanged change) {
        AgentChanged previous = agents.put(change.getAgentId(), change);
        if (previous != null) {
            previous.getApiKeys().forEach(key -> agentByKeyId.remove(key.getKeyId(), previous.getAgentId()));
        }
        for (AgentApiKey key : change.getApiKeys()) {
            if (key.getRevokedAt() == null) {
                agentByKeyId.put(key.getKeyId(), change.getAgentId());
            }
        }
        listeners.forEach(listener -> listener.accept(change));
        notifyAll();
    }

    /**
     * Waits until the change with {@code eventId} is the agent's current entry (or a later one replaced it: the entry
     * is then no longer that change, and this waits on until {@code timeout}); returns whether it is applied. For a
     * writer that must answer with what readers will see.
     */
    public synchronized boolean awaitApplied(String agentId, String eventId, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            AgentChanged current = agents.get(agentId);
            if (current != null && current.getEventId().equals(eventId)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Called with every change applied from now on (on the follower's thread). */
    public void onChange(Consumer<AgentChanged> listener) {
        listeners.add(listener);
    }

    public Optional<AgentChanged> agent(String agentId) {
        return Optional.ofNullable(agentId == null ? null : agents.get(agentId));
    }

    /** Every registered agent, by id. */
    public List<AgentChanged> all() {
        List<AgentChanged> all = new ArrayList<>(agents.values());
        all.sort(Comparator.comparing(AgentChanged::getAgentId));
        return all;
    }

    /**
     * The agent a presented API key belongs to, when it is a well-formed, unrevoked key of a registered agent (active
     * or suspended: the caller answers a suspended agent with the reason). Never throws.
     */
    public Optional<AgentChanged> authenticate(String presentedKey) {
        return ApiKeys.keyIdOf(presentedKey).flatMap(keyId -> {
            AgentChanged agent = agents.get(agentByKeyId.getOrDefault(keyId, ""));
            if (agent == null) {
                return Optional.empty();
            }
            return agent.getApiKeys().stream()
                    .filter(key -> key.getKeyId().equals(keyId) && key.getRevokedAt() == null)
                    .filter(key -> ApiKeys.matches(presentedKey, key.getSha256()))
                    .findFirst()
                    .map(key -> agent);
        });
    }

    /** The agent's unrevoked signing key with this id. */
    public Optional<AgentSigningKey> signingKey(String agentId, String keyId) {
        return agent(agentId)
                .flatMap(agent -> agent.getSigningKeys().stream()
                        .filter(key -> key.getKeyId().equals(keyId) && key.getRevokedAt() == null)
                        .findFirst());
    }

    /**
     * The key a PASSBACK warrant for {@code agentId} is bound to: its newest unrevoked signing key (latest
     * {@code addedAt}), or empty when it has none.
     */
    public Optional<AgentSigningKey> bindingKey(String agentId) {
        return agent(agentId)
                .flatMap(agent -> agent.getSigningKeys().stream()
                        .filter(key -> key.getRevokedAt() == null)
                        .max(java.util.Comparator.comparing(AgentSigningKey::getAddedAt)
                                .thenComparing(AgentSigningKey::getKeyId)));
    }

    /**
     * Why {@code agentId} may not act now ("agent X is suspended: why", "agent X is not registered"); empty when it is
     * registered and active.
     */
    public Optional<String> whyNotActive(String agentId) {
        AgentChanged agent = agentId == null ? null : agents.get(agentId);
        if (agent == null) {
            return Optional.of("agent " + agentId + " is not registered");
        }
        return whyNotActive(agent);
    }

    /** Why this registry entry may not act now ("agent X is suspended: why"); empty when it is active. */
    public static Optional<String> whyNotActive(AgentChanged agent) {
        if (active(agent)) {
            return Optional.empty();
        }
        return Optional.of("agent " + agent.getAgentId() + " is suspended"
                + (agent.getReason() == null ? "" : ": " + agent.getReason()));
    }

    public static boolean active(AgentChanged agent) {
        return agent.getStatus() == AgentStatus.ACTIVE;
    }

    /** True once the registry as it was when following began has been read (always, without a follower). */
    public boolean caughtUp() {
        return follower == null || follower.caughtUp();
    }

    /** True while the follower runs and polls (always, without a follower). */
    public boolean healthy() {
        return follower == null || follower.healthy();
    }

    /** Waits until caught up or {@code timeout} passes; returns whether it caught up. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower == null || follower.awaitCaughtUp(timeout);
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
    }
}
