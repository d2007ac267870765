package dev.vienna.testing;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Test helper to write to and read from topics of a running broker: raw bytes in, typed records out (a record that does
 * not decode as the topic's type is passed over by typed reads; {@link #readRawUntil} sees it). Reads with
 * read_committed, as the services do.
 */
public final class KafkaProbe {

    private final Map<String, Object> kafka;

    /** A probe with these client settings (bootstrap servers and credentials; tests use the super user's). */
    public KafkaProbe(Map<String, Object> kafka) {
        this.kafka = Map.copyOf(kafka);
    }

    /** Writes raw bytes (for example a value no decoder understands) and waits for the broker's ack. */
    public void sendRaw(Topic<?> topic, byte[] key, byte[] value) {
        sendRaw(topic, key, value, new RecordHeaders());
    }

    /** The same with record headers (a {@code traceparent}, say). */
    public void sendRaw(Topic<?> topic, byte[] key, byte[] value, Headers headers) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), null, key, value, headers))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic, e);
        }
    }

    /** Writes one typed record keyed by {@code key} and waits for the broker's ack. */
    public <V> void send(Topic<V> topic, String key, V value) {
        send(topic, key, value, new RecordHeaders());
    }

    /** The same with record headers. */
    public <V> void send(Topic<V> topic, String key, V value, Headers headers) {
        sendRaw(
                topic,
                topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value),
                headers);
    }

    /** The value of the record's last header {@code name} as UTF-8, or null when it has none. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Reads the topic from the beginning until a record matching {@code until} arrives or the timeout passes; returns
     * every record read (the caller asserts on them).
     */
    public <V> List<ConsumerRecord<String, V>> readUntil(
            Topic<V> topic, Predicate<ConsumerRecord<String, V>> until, Duration timeout) {
        List<ConsumerRecord<String, V>> seen = new ArrayList<>();
        var keys = topic.keySerde().deserializer();
        var values = topic.valueSerde().deserializer();
        try (var consumer = rawConsumer()) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> raw : consumer.poll(Duration.ofMillis(200))) {
                    V value;
                    try {
                        value = values.deserialize(raw.topic(), raw.value());
                    } catch (RuntimeException e) {
                        continue; // a record a test wrote as garbage on purpose: not one of the typed records
                    }
                    ConsumerRecord<String, V> record = new ConsumerRecord<>(
                            raw.topic(),
                            raw.partition(),
                            raw.offset(),
                            raw.timestamp(),
                            raw.timestampType(),
                            raw.serializedKeySize(),
                            raw.serializedValueSize(),
                            keys.deserialize(raw.topic(), raw.key()),
                            value,
                            raw.headers(),
                            raw.leaderEpoch());
                    seen.add(record);
                    if (until.test(record)) {
                        return seen;
                    }
                }
            }
        }
        return seen;
    }

    private KafkaConsumer<byte[], byte[]> rawConsumer() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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

    /** The reason header of the first dead letter keyed {@code key} (UTF-8), failing when none arrives in time. */
    public String deadLetterReason(String key, Duration timeout) {
        Predicate<ConsumerRecord<byte[], byte[]>> keyed =
                r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(key);
        return readRawUntil(Topics.DEAD_LETTER.name(), keyed, timeout).stream()
                .filter(keyed)
                .findFirst()
                .map(dead -> DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.REASON))
                .orElseThrow(() -> new AssertionError("no dead letter keyed " + key + " within " + timeout));
    }

    /** Raw reader, for topics whose values are bytes (the dead-letter topic). */
    public List<ConsumerRecord<byte[], byte[]>> readRawUntil(
            String topic, Predicate<ConsumerRecord<byte[], byte[]>> until, Duration timeout) {
        Properties props = new Properties();
        props.putAll(kafka);
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

    /** Every record of {@code topic} as it is now, from the beginning to the current end of each partition. */
    public List<ConsumerRecord<byte[], byte[]>> readRawToEnd(String topic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        return seen;
    }
}
