package dev.vienna.audit;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.events.Topics;
import dev.vienna.sdk.kafka.follow.TopicFollower;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest checkpoint of every chain as published on {@code audit-checkpoints}, by whichever instance signed it:
 * followed from the topic (a {@link TopicFollower}), so any instance answers for every chain. A chain's checkpoint is
 * replaced only by one of the same or a larger tree.
 */
@ApplicationScoped
public class PublishedCheckpoints {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private final Map<Integer, AuditCheckpoint> newest = new ConcurrentHashMap<>();
    private volatile TopicFollower<AuditCheckpoint> follower;

    void start(@Observes StartupEvent event) {
        follower = new TopicFollower<>(
                kafka, Topics.AUDIT_CHECKPOINTS, this::apply, Clock.systemUTC(), Duration.ofSeconds(30));
    }

    private void apply(AuditCheckpoint checkpoint) {
        newest.merge(
                checkpoint.getChain(),
                checkpoint,
                (known, next) -> next.getTreeSize() >= known.getTreeSize() ? next : known);
    }

    /** True once the topic has been read to where it ended at start-up and is still followed. */
    public boolean current() {
        TopicFollower<AuditCheckpoint> current = follower;
        return current != null && current.caughtUp() && current.healthy();
    }

    /** The newest checkpoint of each chain, by chain. */
    public List<AuditCheckpoint> newest() {
        return newest.values().stream()
                .sorted(java.util.Comparator.comparingInt(AuditCheckpoint::getChain))
                .toList();
    }

    void stop(@Observes ShutdownEvent event) {
        if (follower != null) {
            follower.close();
        }
    }
}
