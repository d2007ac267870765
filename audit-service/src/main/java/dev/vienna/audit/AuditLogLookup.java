package dev.vienna.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads audit records back from {@code audit} by chain and sequence, byte for byte as they were written: what an
 * evidence bundle carries. A chain's records are in sequence order on its partition (committed records only), so a
 * record is found by a binary search over offsets, one small fetch per step: O(log n) fetches for each record, no index
 * to keep. One consumer, no group, used by one request at a time (exports are rare).
 */
@ApplicationScoped
public class AuditLogLookup {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A record found: its bytes as on the topic and the record they decode to. */
    public record Found(byte[] value, AuditRecord record) {}

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private final Deserializer<AuditRecord> decoder = Topics.AUDIT.valueSerde().deserializer();
    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * The records of chain {@code chain} with the given sequences (ascending), in that order.
     *
     * @throws IllegalStateException when one is not on the topic (then the log lost it: never the case for a record a
     *     lifecycle names)
     */
    public synchronized List<Found> read(int chain, List<Long> sequences) {
        KafkaConsumer<byte[], byte[]> reader = consumer();
        TopicPartition partition = new TopicPartition(Topics.AUDIT.name(), chain);
        reader.assign(List.of(partition));
        long begin = reader.beginningOffsets(List.of(partition), TIMEOUT).get(partition);
        long end = reader.endOffsets(List.of(partition), TIMEOUT).get(partition);
        List<Found> found = new ArrayList<>();
        long from = begin;
        for (long sequence : sequences) {
            At at = find(reader, partition, sequence, from, end);
            found.add(new Found(at.value(), at.record()));
            from = at.offset() + 1;
        }
        return found;
    }

    /** The first record at or after offset {@code lo} whose sequence is {@code sequence}, below {@code end}. */
    private At find(KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long sequence, long lo, long end) {
        long hi = end;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            At at = firstAtOrAfter(reader, partition, mid, end);
            if (at == null || at.record().getSequence() >= sequence) {
                hi = mid;
            } else {
                lo = at.offset() + 1;
            }
        }
        At at = firstAtOrAfter(reader, partition, lo, end);
        if (at == null || at.record().getSequence() != sequence) {
            throw new IllegalStateException(
                    "record " + partition.partition() + "-" + sequence + " is not on " + partition);
        }
        return at;
    }

    private record At(long offset, byte[] value, AuditRecord record) {}

    /** The first committed record at or after {@code offset}, or null when there is none before {@code end}. */
    private At firstAtOrAfter(KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long offset, long end) {
        if (offset >= end) {
            return null;
        }
        reader.seek(partition, offset);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (reader.position(partition) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out reading " + partition + " at " + offset);
            }
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                if (record.value() != null) {
                    return new At(record.offset(), record.value(), decoder.deserialize(record.topic(), record.value()));
                }
            }
        }
        return null;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Properties props = new Properties();
            props.putAll(kafka);
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "audit-service-evidence");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        if (consumer != null) {
            consumer.close();
        }
    }
}
