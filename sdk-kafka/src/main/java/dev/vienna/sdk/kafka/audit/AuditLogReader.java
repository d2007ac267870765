package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the whole audit topic as it is now (from the beginning to the current end of every partition), partition by
 * partition, so each chain comes in order. For auditors and tests. {@link #readAll} decodes every value and fails on
 * one it cannot decode; {@link #readRaw} hands over the bytes as stored, tombstones included, one record at a time,
 * which is what {@link #verify} and any tool that must judge a hostile log need.
 *
 * <p>A plain consumer with no group: it assigns itself each partition in turn and commits nothing.
 */
public final class AuditLogReader {

    /**
     * @param kafka client settings: bootstrap servers and the credentials of a principal that may read {@code audit}
     *     (the {@code vienna-auditor} principal)
     */
    public static List<AuditRecord> readAll(Map<String, Object> kafka, Duration timeout) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (var consumer = new KafkaConsumer<>(
                props,
                Topics.AUDIT.keySerde().deserializer(),
                Topics.AUDIT.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.AUDIT.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                    .toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            List<AuditRecord> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (TopicPartition partition : partitions) {
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                while (consumer.position(partition) < ends.get(partition)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("timed out reading " + partition);
                    }
                    for (ConsumerRecord<String, AuditRecord> record : consumer.poll(Duration.ofMillis(200))) {
                        records.add(record.value());
                    }
                }
            }
            return records;
        }
    }

    /**
     * Reads every record of {@code topic} as stored, each partition in offset order, up to each partition's end as it
     * was when reading started, and hands each to {@code sink} as it comes: nothing is held. Partitions are read
     * together (a poll returns each partition's records in runs), so records of different partitions may interleave.
     *
     * @param kafka client settings of a principal that may read {@code topic}
     * @param idleTimeout how long the topic may give nothing before reading fails
     * @return the topic's partition count; 0 when it does not exist
     * @throws IllegalStateException when no record comes for {@code idleTimeout} before every partition's end
     */
    public static int readRaw(Map<String, Object> kafka, String topic, Duration idleTimeout, Consumer<RawRecord> sink) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, idleTimeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition))
                    .toList();
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, idleTimeout));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lastProgress = System.nanoTime();
            while (!ends.isEmpty()) {
                for (var partition : List.copyOf(ends.keySet())) {
                    if (consumer.position(partition) >= ends.get(partition)) {
                        ends.remove(partition); // read to its end: fetch nothing more of it
                        consumer.pause(List.of(partition));
                    }
                }
                if (ends.isEmpty()) {
                    break;
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > idleTimeout.toNanos()) {
                    throw new IllegalStateException("reading " + topic + " gave nothing for " + idleTimeout
                            + " before the end of partitions " + ends.keySet());
                }
                for (TopicPartition partition : batch.partitions()) {
                    long end = ends.getOrDefault(partition, 0L);
                    for (ConsumerRecord<byte[], byte[]> record : batch.records(partition)) {
                        if (record.offset() < end) {
                            sink.accept(
                                    new RawRecord(record.partition(), record.offset(), record.key(), record.value()));
                        }
                    }
                }
            }
            return partitions.size();
        }
    }

    /**
     * Verifies the audit log of a cluster: reads every checkpoint of {@code checkpointsTopic}, then streams
     * {@code auditTopic} through an {@link AuditLogVerifier}.
     */
    public static AuditVerification verify(
            Map<String, Object> kafka,
            String auditTopic,
            String checkpointsTopic,
            AuditLogVerifier.Settings settings,
            Duration idleTimeout) {
        AuditLogVerifier verifier = new AuditLogVerifier(settings);
        readRaw(kafka, checkpointsTopic, idleTimeout, verifier::checkpoint);
        int partitions = readRaw(kafka, auditTopic, idleTimeout, verifier::record);
        return verifier.finish(partitions);
    }

    /** {@link #verify(Map, String, String, AuditLogVerifier.Settings, Duration)} of the contract's two topics. */
    public static AuditVerification verify(
            Map<String, Object> kafka, AuditLogVerifier.Settings settings, Duration idleTimeout) {
        return verify(kafka, Topics.AUDIT.name(), Topics.AUDIT_CHECKPOINTS.name(), settings, idleTimeout);
    }

    private AuditLogReader() {}
}
