package dev.vienna.notifier;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Topics;
import dev.vienna.platform.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * Dead letters through platform's {@link Publisher}: acknowledged by the broker before a delivery counts as finished.
 */
@ApplicationScoped
public class PublishedDeadLetters implements DeadLetters {

    @Inject
    Publisher publisher;

    @Override
    public void deadLetter(String key, byte[] value, String reason, String sourceTopic, int partition, long offset) {
        publisher.publish(
                Topics.DEAD_LETTER,
                key,
                value,
                DeadLetterHeaders.of(
                        reason,
                        NotificationTopology.SERVICE,
                        sourceTopic,
                        partition,
                        offset,
                        System.currentTimeMillis()),
                Duration.ofSeconds(10));
    }
}
