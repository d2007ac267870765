package dev.vienna.sdk.kafka.claims;

import dev.vienna.events.Topic;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.sdk.kafka.claims.ClaimLedger.Claim;
import dev.vienna.sdk.kafka.claims.ClaimLedger.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The engine of a fenced claim log ({@link ClaimLedger} on {@code warrant-claims}, an agent's passback feed): a topic
 * some of whose records are claims of warrants, where the first claim of a warrant in the log's order wins. A claim is
 * sent, and once the broker acknowledged it at offset o the log is read up to o: the claim won only if no other claim
 * of that warrant precedes it there. The topic is followed from its beginning by one thread (manual assignment of every
 * partition, no group); every record is also handed to {@code onRecord} on that thread, claims included.
 *
 * @param <V> the topic's record type
 */
public final class ClaimLog<V> implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration FORGET_AFTER = Duration.ofHours(1);

    private record Waiter(String warrantId, long offset, CompletableFuture<Outcome> outcome) {}

    private final Topic<V> topic;
    private final Function<V, WarrantClaimed> claimOf;
    private final Function<WarrantClaimed, V> recordOf;
    private final Consumer<V> onRecord;
    private final KafkaProducer<String, V> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Clock clock;
    private final Duration staleAfter;
    private final Map<String, Claim> firstByWarrant = new ConcurrentHashMap<>();
    /** Claims acknowledged but not yet read back, per partition. */
    private final Map<Integer, List<Waiter>> waiting = new HashMap<>();

    private final Map<TopicPartition, Long> startEnds = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile boolean caughtUp;
    private volatile Instant lastPoll;
    private Instant prunedAt = Instant.MIN;

    /**
     * Starts following {@code topic}; {@code kafka} holds the client settings of a principal that may read and write
     * it.
     *
     * @param claimOf the claim a record stands for, or null when it is not a claim
     * @param recordOf the record that carries a claim
     * @param onRecord every record read, in order, on the follower thread (must not block)
     */
    public ClaimLog(
            Map<String, Object> kafka,
            Topic<V> topic,
            Function<V, WarrantClaimed> claimOf,
            Function<WarrantClaimed, V> recordOf,
            Consumer<V> onRecord,
            String clientId,
            Clock clock,
            Duration staleAfter) {
        this.topic = topic;
        this.claimOf = claimOf;
        this.recordOf = recordOf;
        this.onRecord = onRecord;
        this.clock = clock;
        this.staleAfter = staleAfter;
        Map<String, Object> producerConfig = new HashMap<>(kafka);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-claims");
        this.producer = new KafkaProducer<>(
                producerConfig,
                topic.keySerde().serializer(),
                topic.valueSerde().serializer());
        Properties props = new Properties();
        props.putAll(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-claims-follower");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<PartitionInfo> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
        if (partitions == null || partitions.isEmpty()) {
            consumer.close();
            producer.close();
            throw new IllegalStateException("topic " + topic.name() + " has no partitions");
        }
        List<TopicPartition> assigned = partitions.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        startEnds.putAll(consumer.endOffsets(assigned, Duration.ofSeconds(30)));
        lastPoll = clock.instant();
        thread = new Thread(this::follow, clientId + "-claims-follower");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Claims a warrant for {@code claim.getExecutorId()}: completes with the outcome once it is known (at once when the
     * warrant is already known to be claimed), or exceptionally when the claim was not acknowledged, in which case the
     * warrant must not run (the claim may still have been recorded).
     */
    public CompletableFuture<Outcome> claim(WarrantClaimed claim) {
        return claim(claim, new RecordHeaders());
    }

    /** The same, the claim's record carrying {@code headers} (the claimant's trace context). */
    public CompletableFuture<Outcome> claim(WarrantClaimed claim, Headers headers) {
        Claim known = firstByWarrant.get(claim.getWarrantId());
        if (known != null) {
            return CompletableFuture.completedFuture(new Outcome(false, known));
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        producer.send(
                new ProducerRecord<>(topic.name(), null, claim.getIntentId(), recordOf.apply(claim), headers),
                (metadata, error) -> {
                    if (error != null) {
                        outcome.completeExceptionally(error);
                        return;
                    }
                    synchronized (waiting) {
                        waiting.computeIfAbsent(metadata.partition(), p -> new ArrayList<>())
                                .add(new Waiter(claim.getWarrantId(), metadata.offset(), outcome));
                    }
                });
        return outcome;
    }

    /** The first claim of {@code warrantId} read so far. */
    public Optional<Claim> firstClaim(String warrantId) {
        return Optional.ofNullable(firstByWarrant.get(warrantId));
    }

    /** True once every partition was read to the end it had when the ledger started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** False once the follower stopped or has not polled for {@code staleAfter}. */
    public boolean healthy() {
        return thread.isAlive() && Duration.between(lastPoll, clock.instant()).compareTo(staleAfter) < 0;
    }

    /** Waits until {@link #caughtUp()}; false when {@code timeout} passed first. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void follow() {
        var decoder = topic.valueSerde().deserializer();
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    try {
                        V value = decoder.deserialize(record.topic(), record.value());
                        WarrantClaimed claimed = value == null ? null : claimOf.apply(value);
                        if (value != null) {
                            onRecord.accept(value);
                        }
                        if (claimed != null) {
                            firstByWarrant.putIfAbsent(
                                    claimed.getWarrantId(),
                                    new Claim(
                                            claimed.getWarrantId(),
                                            claimed.getExecutorId(),
                                            claimed.getOccurredAt(),
                                            claimed.getExpiresAt(),
                                            record.offset()));
                        }
                    } catch (RuntimeException e) {
                        // a record that does not decode claims nothing; the follower never stops on a record
                    }
                }
                lastPoll = clock.instant();
                Map<Integer, Long> positions = new HashMap<>();
                for (TopicPartition partition : consumer.assignment()) {
                    positions.put(partition.partition(), consumer.position(partition));
                }
                if (!caughtUp) {
                    caughtUp = startEnds.entrySet().stream()
                            .allMatch(e -> positions.get(e.getKey().partition()) >= e.getValue());
                }
                resolve(positions);
                prune();
            }
        } catch (RuntimeException e) {
            failAll(e);
        } finally {
            consumer.close();
        }
    }

    /** Decides every claim the follower has read past: won when the first claim of its warrant is its own. */
    private void resolve(Map<Integer, Long> positions) {
        synchronized (waiting) {
            for (var entry : waiting.entrySet()) {
                long position = positions.getOrDefault(entry.getKey(), -1L);
                Iterator<Waiter> it = entry.getValue().iterator();
                while (it.hasNext()) {
                    Waiter waiter = it.next();
                    if (waiter.offset() < position) {
                        Claim first = firstByWarrant.get(waiter.warrantId());
                        // compaction could only have removed it if it were not the newest claim: then it lost
                        boolean won = first != null && first.offset() == waiter.offset();
                        waiter.outcome().complete(new Outcome(won, first));
                        it.remove();
                    }
                }
            }
        }
    }

    private void failAll(RuntimeException e) {
        synchronized (waiting) {
            waiting.values().forEach(list -> list.forEach(w -> w.outcome().completeExceptionally(e)));
            waiting.clear();
        }
    }

    private void prune() {
        Instant now = clock.instant();
        if (prunedAt.plus(Duration.ofMinutes(1)).isAfter(now)) {
            return;
        }
        Instant cutoff = now.minus(FORGET_AFTER);
        firstByWarrant.values().removeIf(claim -> claim.expiresAt().isBefore(cutoff));
        prunedAt = now;
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new IllegalStateException("the claim log was closed"));
        producer.close(Duration.ofSeconds(5));
    }
}
