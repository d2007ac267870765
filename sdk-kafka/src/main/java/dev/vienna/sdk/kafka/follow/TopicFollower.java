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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows a whole topic (every partition, from the beginning, then as it grows) and hands each decoded value to a
 * callback on one thread: how verifiers keep their revocation list and services their view of the agent registry. A raw
 * consumer with manual assignment, no consumer group: every follower needs all of it. It fails closed, as a verifier
 * must: {@link #caughtUp()} is false until every partition has been read to the end offset it had when the follower
 * started, and {@link #healthy()} is false once the thread has stopped or not polled for {@code staleAfter}; services
 * make both their readiness. A record that does not decode is counted and skipped (audit-service records it); one that
 * the callback refuses is counted too: the follower never stops on a record.
 */
public final class TopicFollower<V> implements AutoCloseable {

    private final Topic<V> topic;
    private final Consumer<V> apply;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<TopicPartition, Long> startEnds;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Clock clock;
    private final Duration staleAfter;
    private final Thread thread;
    private volatile boolean caughtUp;
    private volatile Instant lastPoll;
    private volatile long skipped;
    private volatile String failure;

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
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.startEnds = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        this.lastPoll = clock.instant();
        this.thread = new Thread(this::follow, topic.name() + "-follower");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        var decoder = topic.valueSerde().deserializer();
        try (consumer) {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        V value = decoder.deserialize(record.topic(), record.value());
                        if (value != null) {
                            apply.accept(value);
                        }
                    } catch (RuntimeException e) {
                        skipped++;
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
        } catch (RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            running.set(false);
        }
    }

    /** True once the topic was read to where it ended when following began. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** True while the follower runs and has polled within {@code staleAfter}. */
    public boolean healthy() {
        return running.get() && !lastPoll.plus(staleAfter).isBefore(clock.instant());
    }

    /** Why the follower stopped, if it stopped on an error. */
    public String failure() {
        return failure;
    }

    /** Records skipped because they did not decode or the callback refused them. */
    public long skipped() {
        return skipped;
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
