package dev.vienna.testing;

import dev.vienna.events.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Test helper to write to and read from topics of a running broker: raw bytes in, typed records out. Reads with
 * read_committed, as the services do.
 */
public final class KafkaProbe {

    private final String bootstrapServers;

    public KafkaProbe(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Writes raw bytes (for example a value no decoder understands) and waits for the broker's ack. */
    public void sendRaw(Topic<?> topic, byte[] key, byte[] value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic, e);
        }
    }

    /** Writes one typed record keyed by {@code key} and waits for the broker's ack. */
    public <V> void send(Topic<V> topic, String key, V value) {
        sendRaw(
                topic,
                topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    /**
     * Reads the topic from the beginning until a record matching {@code until} arrives or the timeout passes; returns
     * every record read (the caller asserts on them).
     */
    public <V> List<ConsumerRecord<String, V>> readUntil(
            Topic<V> topic, Predicate<ConsumerRecord<String, V>> until, Duration timeout) {
        List<ConsumerRecord<String, V>> seen = new ArrayList<>();
        try (var consumer = consumer(topic)) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record);
                    if (until.test(record)) {
                        return seen;
                    }
                }
            }
        }
        return seen;
    }

    /** The first record matching {@code match}, failing with what was seen when none arrives in time. */
    public <V> ConsumerRecord<String, V> await(
            Topic<V> topic, Predicate<ConsumerRecord<String, V>> match, Duration timeout) {
        List<ConsumerRecord<String, V>> seen = readUntil(topic, match, timeout);
        return seen.stream()
                .filter(match)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no matching record on " + topic + " within " + timeout + "; saw " + seen.size() + " records"));
    }

    private <V> KafkaConsumer<String, V> consumer(Topic<V> topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(
                props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    /** Raw reader, for topics whose values are bytes (the dead-letter topic). */
    public List<ConsumerRecord<byte[], byte[]>> readRawUntil(
            String topic, Predicate<ConsumerRecord<byte[], byte[]>> until, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record);
                    if (until.test(record)) {
                        return seen;
                    }
                }
            }
        }
        return seen;
    }
}
