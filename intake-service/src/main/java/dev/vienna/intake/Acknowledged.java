package dev.vienna.intake;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Topics;
import dev.vienna.platform.Publisher;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Publishing for intake's consumers, which acknowledge a record only once what it led to is on the broker: retried
 * while the broker does not acknowledge, and a refused record dead-lettered byte for byte with the reason.
 */
final class Acknowledged {

    private static final Logger LOG = Logger.getLogger(Acknowledged.class);

    /**
     * Publishes, retrying while the broker does not acknowledge; a record that can never be written throws
     * {@link Publisher.NotPublished}, an interrupt {@link InterruptedException}.
     */
    static void publishUntilAcknowledged(Runnable publish) throws InterruptedException {
        while (true) {
            try {
                publish.run();
                return;
            } catch (Publisher.NotPublished e) {
                if (!e.retriable()) {
                    throw e;
                }
                LOG.warnf("not acknowledged, retrying: %s", e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    /**
     * Writes {@code record} to {@code dead-letter} with {@code reason}; a dead letter the broker can never take is
     * logged with the record's position, and the consumer goes on.
     */
    static void deadLetter(
            Publisher publisher, ConsumerRecord<String, byte[]> record, String reason, String service, Duration timeout)
            throws InterruptedException {
        try {
            publishUntilAcknowledged(() -> publisher.publish(
                    Topics.DEAD_LETTER,
                    record.key(),
                    record.value(),
                    DeadLetterHeaders.of(
                            reason,
                            service,
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            System.currentTimeMillis()),
                    timeout));
        } catch (Publisher.NotPublished e) {
            LOG.errorf(
                    "the dead letter of %s-%d/%d can never be written (%s); refused because: %s",
                    record.topic(), record.partition(), record.offset(), e.getMessage(), reason);
        }
    }

    private Acknowledged() {}
}
