package dev.vienna.sdk.kafka.follow;

import dev.vienna.events.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows a whole topic (every partition, from the beginning, then as it grows) and hands each decoded value to a
 * callback on one thread: how verifiers keep their revocation list and services their view of the agent registry. A raw
 * consumer with manual assignment, no consumer group: every follower needs all of it. It fails closed, as a verifier
 * must: {@link #caughtUp()} is false until every partition has been read to the end offset it had when the follower
 * found them, and while the topic has no partitions (it does not exist) the follower looks them up again every round
 * until it finds some; {@link #healthy()} is false once the thread has stopped or not polled for {@code staleAfter};
 * services make both their readiness. A record that does not decode, or that the callback refuses, is skipped
 * (audit-service records undecodable ones): the follower never stops on a record. An exception from the consumer stops
 * the thread (and reaches its uncaught-exception handler).
 */
public final class TopicFollower<V> implements AutoCloseable {

    /** How long one poll waits for records, and the pause between two look-ups of a topic without partitions. */
    private static final Duration POLL = Duration.ofMillis(100);

    private final Topic<V> topic;
    private final Consumer<V> apply;
    private final KafkaConsumer<String, byte[]> consumer;
    /** Where each partition ended when the follower found it; empty until the topic has partitions. */
    private Map<TopicPartition, Long> startEnds = Map.of();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Clock clock;
    private final Duration staleAfter;
    private final Thread thread;
    private volatile boolean caughtUp;
    private volatile Instant lastPoll;

    /**
     * Starts following; {@code kafka} holds the client settings (bootstrap servers, credentials of a principal that may
     * read {@code topic}).
     */
    public TopicFollower(
            Map<String, Object> kafka, Topic<V> topic, Consumer<V> apply, Clock clock, Duration staleAfter) {
        this.topic = topic;
        this.apply = apply;
        this.clock = clock;
        this.staleAfter = staleAfter;
        Properties props = new Properties();
        props.putAll(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        assignPartitions(Duration.ofSeconds(30));
        this.lastPoll = clock.instant();
        this.thread = new Thread(this::follow, topic.name() + "-follower");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Looks up the topic's partitions; when it has some, assigns them all from the beginning, notes where each ends and
     * returns true. Returns false when the topic has none (it does not exist).
     */
    private boolean assignPartitions(Duration timeout) {
        List<PartitionInfo> found = consumer.partitionsFor(topic.name(), timeout);
        if (found == null || found.isEmpty()) {
            return false;
        }
        List<TopicPartition> partitions = found.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        startEnds = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        return true;
    }

    private void follow() {
        var decoder = topic.valueSerde().deserializer();
        try (consumer) {
            while (running.get()) {
                if (startEnds.isEmpty()) {
                    boolean found;
                    try {
                        found = assignPartitions(Duration.ofSeconds(5));
                    } catch (TimeoutException e) {
                        found = false;
                    }
                    if (!found) {
                        lastPoll = clock.instant();
                        Thread.sleep(POLL.toMillis());
                    }
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    try {
                        V value = decoder.deserialize(record.topic(), record.value());
                        if (value != null) {
                            apply.accept(value);
                        }
                    } catch (RuntimeException e) {
                        // skipped: the follower never stops on a record
                    }
                }
                lastPoll = clock.instant();
                if (!caughtUp) {
                    caughtUp = startEnds.entrySet().stream()
                            .allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.set(false);
        }
    }

    /** True once the topic has partitions and each was read to where it ended when the follower found it. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** True while the follower runs and has polled within {@code staleAfter}. */
    public boolean healthy() {
        return running.get() && !lastPoll.plus(staleAfter).isBefore(clock.instant());
    }

    /** Waits until caught up or {@code timeout} passes; returns whether it caught up. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp && running.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return caughtUp;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
