package dev.vienna.notifier;

import dev.vienna.events.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads {@code notifications} (consumer group {@value #GROUP}, committed transactions only) and hands each to the
 * {@link EndpointDelivery} of every endpoint that takes its kind; commits each partition only up to its oldest
 * unfinished notification ({@link DeliveryProgress}). A raw consumer rather than a channel: deliveries finish out of
 * order and some take hours of retries while the loop reads on, and an offset may only be committed past a record once
 * every endpoint is finished with it, which a channel's acknowledgement per message does not express. The loop never
 * waits for a receiver: one that is dead or slow holds up only its own endpoint.
 */
public final class DeliveryLoop implements AutoCloseable {

    public static final String GROUP = "vienna-notifier-delivery";
    private static final Logger LOG = Logger.getLogger(DeliveryLoop.class);
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

    private final Map<String, Object> consumerConfig;
    private final List<EndpointDelivery> endpoints;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final DeliveryProgress progress = new DeliveryProgress();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile long lag;
    private volatile boolean assigned;
    private Thread thread;
    private Map<TopicPartition, OffsetAndMetadata> committed = Map.of();

    /**
     * @param kafka the service's Kafka client settings (bootstrap servers, its SASL principal)
     * @param endpoints where to deliver; none: the loop does not run
     */
    public DeliveryLoop(
            Map<String, Object> kafka,
            String clientId,
            List<WebhookEndpoint> endpoints,
            DeliverySettings settings,
            DeadLetters deadLetters,
            Clock clock) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        // notifications are written in the derivation's transactions: only committed ones exist
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumerConfig = c;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.endpoints = endpoints.stream()
                .map(e -> new EndpointDelivery(e, settings, deadLetters, clock))
                .toList();
    }

    /** Starts reading on a thread of its own; with no endpoint, reads nothing. */
    public synchronized void start() {
        if (endpoints.isEmpty() || running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "notifier-delivery");
        thread.start();
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(consumerConfig)) {
            consumer = kafka;
            kafka.subscribe(List.of(Topics.NOTIFICATIONS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit(kafka);
                    progress.forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // positions come from the group's committed offsets
                    assigned = !kafka.assignment().isEmpty();
                }
            });
            Instant nextCommit = clock.instant();
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(200))) {
                        take(record);
                    }
                    if (!clock.instant().isBefore(nextCommit)) {
                        commit(kafka);
                        lag = kafka.assignment().stream()
                                .mapToLong(p -> kafka.currentLag(p).orElse(0))
                                .sum();
                        nextCommit = clock.instant().plus(COMMIT_INTERVAL);
                    }
                } catch (WakeupException e) {
                    // closing
                } catch (RuntimeException e) {
                    // a broker or authorization error: say so, wait a moment and go on (the consumer recovers)
                    LOG.errorf("reading notifications failed, trying again in 1 s: %s", e.toString());
                    sleep(Duration.ofSeconds(1));
                }
            }
            commit(kafka);
        } finally {
            consumer = null;
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Notification notification;
        try {
            notification = Notification.parse(record.key(), record.value());
        } catch (IllegalArgumentException e) {
            progress.read(partition, record.offset(), 1);
            try {
                deadLetters.deadLetter(
                        record.key(),
                        record.value(),
                        "undecodable notification: " + e.getMessage(),
                        record.topic(),
                        record.partition(),
                        record.offset());
                progress.finished(partition, record.offset());
            } catch (RuntimeException failed) {
                LOG.errorf(
                        "cannot dead-letter the undecodable notification at %s@%d: %s",
                        partition, record.offset(), failed.getMessage());
            }
            return;
        }
        List<EndpointDelivery> takers = endpoints.stream()
                .filter(e -> e.endpoint().accepts(notification.kind()))
                .toList();
        progress.read(partition, record.offset(), takers.size());
        Delivery delivery = new Delivery(
                notification,
                record.value(),
                record.partition(),
                record.offset(),
                Instant.ofEpochMilli(record.timestamp()),
                () -> progress.finished(partition, record.offset()));
        takers.forEach(e -> e.offer(delivery));
    }

    private void commit(KafkaConsumer<String, byte[]> kafka) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(progress.committable());
        offsets.keySet().retainAll(kafka.assignment());
        if (offsets.isEmpty() || offsets.equals(committed)) {
            return;
        }
        try {
            kafka.commitSync(offsets);
            committed = offsets;
        } catch (RuntimeException e) {
            LOG.warnf("committing delivery progress failed (it is committed again later): %s", e.toString());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Each endpoint's delivery state. */
    public List<EndpointState> states() {
        return endpoints.stream().map(EndpointDelivery::state).toList();
    }

    List<EndpointDelivery> endpoints() {
        return endpoints;
    }

    /** Notifications on the topic not read yet (over this instance's partitions). */
    public long lag() {
        return lag;
    }

    /** Whether the loop holds partitions of {@code notifications} (after its group's first assignment). */
    public boolean assigned() {
        return assigned;
    }

    /** Whether the loop is reading (false with no endpoints). */
    public boolean running() {
        return running;
    }

    /** Stops reading and delivering; unfinished deliveries are not committed and continue after a restart. */
    @Override
    public void close() {
        endpoints.forEach(EndpointDelivery::close);
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
