package dev.vienna.intake;

import dev.vienna.events.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

/**
 * Which agents take their PASSBACK warrants over Kafka: those whose feed {@code passback.<agentId>} exists (it is
 * created when the agent is granted {@code KafkaAccess.passbackAgent}). Asked of the broker (describe the topic) and
 * remembered for {@value #REMEMBER_SECONDS} seconds, so a feed created later is used from then on.
 */
@ApplicationScoped
public class PassbackFeeds {

    static final long REMEMBER_SECONDS = 10;
    private static final Logger LOG = Logger.getLogger(PassbackFeeds.class);

    private record Known(boolean exists, long atNanos) {}

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private volatile Admin admin;

    /** Whether {@code agentId} has a passback feed; false when the broker cannot say (it is asked again later). */
    public boolean hasFeed(String agentId) {
        if (!Topics.canHavePassbackFeed(agentId)) {
            return false;
        }
        Known k = known.get(agentId);
        if (k != null && System.nanoTime() - k.atNanos() < TimeUnit.SECONDS.toNanos(REMEMBER_SECONDS)) {
            return k.exists();
        }
        boolean exists = describe(Topics.passbackFeed(agentId).name());
        known.put(agentId, new Known(exists, System.nanoTime()));
        return exists;
    }

    private boolean describe(String topic) {
        try {
            admin().describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                LOG.warnf("cannot tell whether %s exists: %s", topic, e.getCause());
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warnf("cannot tell whether %s exists: %s", topic, e);
            return false;
        }
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(Map.copyOf(kafka));
                }
                a = admin;
            }
        }
        return a;
    }

    void stop(@Observes ShutdownEvent event) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
