package dev.vienna.deploy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The records written to a cluster's topics between two moments, counted by reading them back: how many and how large,
 * per topic. Offsets alone would also count transaction markers, which a benchmark's pass-through pipeline makes on its
 * own; reading back counts the records a stage chose to write.
 */
final class TopicTraffic {

    /** Records written to one topic, with their keys' and values' bytes. */
    record Load(long records, long keyBytes, long valueBytes) {
        Load plus(ConsumerRecord<byte[], byte[]> record) {
            return new Load(
                    records + 1,
                    keyBytes + Math.max(0, record.serializedKeySize()),
                    valueBytes + Math.max(0, record.serializedValueSize()));
        }

        /** The mean size of a value, in bytes. */
        int meanValueBytes() {
            return records == 0 ? 0 : (int) (valueBytes / records);
        }
    }

    /** The end offset of every partition of the topics {@code include} accepts, now. */
    static Map<TopicPartition, Long> endOffsets(Admin admin, Predicate<String> include)
            throws ExecutionException, InterruptedException {
        var topics = admin.listTopics().names().get().stream().filter(include).toList();
        var partitions = admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        return admin.listOffsets(partitions).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /**
     * Reads every record between {@code from} and {@code to} (a partition missing from {@code from} is read from its
     * start), transactional or not, and sums them per topic, in topic order.
     */
    static Map<String, Load> between(
            Map<String, Object> client, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        Properties config = new Properties();
        config.putAll(client);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Map<String, Load> loads = new TreeMap<>();
        Map<TopicPartition, Long> remaining = new HashMap<>();
        to.forEach((partition, end) -> {
            if (end > from.getOrDefault(partition, 0L)) {
                remaining.put(partition, end);
            }
        });
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.copyOf(remaining.keySet()));
            remaining.keySet().forEach(p -> consumer.seek(p, from.getOrDefault(p, 0L)));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long end = remaining.get(partition);
                    if (end != null && record.offset() < end) {
                        loads.compute(
                                record.topic(),
                                (topic, load) -> (load == null ? new Load(0, 0, 0) : load).plus(record));
                    }
                }
                // a partition is done once the consumer stands at or past its end (markers are skipped, not returned)
                remaining.keySet().removeIf(p -> consumer.position(p) >= remaining.get(p));
            }
        }
        return loads;
    }

    private TopicTraffic() {}
}
