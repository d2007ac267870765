package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the whole audit topic as it is now (from the beginning to the current end of every partition), partition by
 * partition, so each chain comes in order. For auditors and tests.
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

    private AuditLogReader() {}
}
