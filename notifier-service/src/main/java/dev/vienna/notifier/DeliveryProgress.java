package dev.vienna.notifier;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which notifications each partition still owes a delivery: a partition's offset is committed only up to its oldest
 * unfinished notification, so what a stopped notifier had not finished is read again after a restart (at least once;
 * the webhook id lets receivers drop the repeat), while finished ones are never read again.
 */
final class DeliveryProgress {

    private final Map<TopicPartition, TreeMap<Long, Integer>> unfinished = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();

    /** The record at {@code offset} was read and owes {@code deliveries} deliveries (0: none takes it). */
    synchronized void read(TopicPartition partition, long offset, int deliveries) {
        next.put(partition, offset + 1);
        if (deliveries > 0) {
            unfinished.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, deliveries);
        }
    }

    /** One delivery of the record at {@code offset} is finished. */
    synchronized void finished(TopicPartition partition, long offset) {
        TreeMap<Long, Integer> open = unfinished.get(partition);
        if (open == null) {
            return; // the partition was taken away meanwhile
        }
        open.computeIfPresent(offset, (o, left) -> left <= 1 ? null : left - 1);
    }

    /** The offsets that may be committed: each partition's oldest unfinished record, or the next one to read. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((partition, nextOffset) -> {
            TreeMap<Long, Integer> open = unfinished.get(partition);
            long offset = open == null || open.isEmpty() ? nextOffset : open.firstKey();
            offsets.put(partition, new OffsetAndMetadata(offset));
        });
        return offsets;
    }

    /** Deliveries not finished yet, over every partition. */
    synchronized int unfinished() {
        return unfinished.values().stream()
                .mapToInt(m -> m.values().stream().mapToInt(Integer::intValue).sum())
                .sum();
    }

    /** Forgets partitions this instance no longer holds. */
    synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            unfinished.remove(p);
            next.remove(p);
        });
    }
}
