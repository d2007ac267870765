package dev.vienna.sdk.kafka.claims;

import dev.vienna.events.Topics;
import dev.vienna.events.WarrantClaimed;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The fenced single-use ledger of warrants on {@code warrant-claims}: whoever claims a warrant first, in the log's
 * order, is the only one who may run it. A claim is sent, and once the broker has acknowledged it at offset o the
 * ledger reads the partition up to o: the claim won only if no other claim of that warrant precedes it there. A
 * partition is totally ordered, so of any number of claimants (two executor instances across a rebalance, two instances
 * of one passback agent, a restarted process and its predecessor) exactly one wins, whatever their timing, and a
 * claimant that cannot learn the answer (the broker does not acknowledge, the ledger is not followed) does not run.
 *
 * <p>The topic is followed continuously from its beginning by one thread (a raw consumer with manual assignment, no
 * group: every claimant needs all of it); claims of warrants expired an hour ago are forgotten in memory (an expired
 * warrant is refused anyway). The topic is compacted by intentId, so after compaction a warrant's newest claim may
 * stand for its first: the warrant still reads as claimed, which is what single use needs.
 */
public final class ClaimLedger implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration FORGET_AFTER = Duration.ofHours(1);

    /** The first claim of a warrant in the log: who made it, when, where. */
    public record Claim(String warrantId, String claimant, Instant claimedAt, Instant expiresAt, long offset) {}

    /** A claim decided: won (this claimant may run the warrant) or lost (someone claimed it first: {@code first}). */
    public record Outcome(boolean won, Claim first) {}

    private record Waiter(String warrantId, long offset, CompletableFuture<Outcome> outcome) {}

    private final KafkaProducer<String, WarrantClaimed> producer;
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
     * Starts following {@code warrant-claims}; {@code kafka} holds the client settings of a principal that may read and
     * write it.
     */
    public ClaimLedger(Map<String, Object> kafka, String clientId, Clock clock, Duration staleAfter) {
        this.clock = clock;
        this.staleAfter = staleAfter;
        Map<String, Object> producerConfig = new HashMap<>(kafka);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-claims");
        this.producer = new KafkaProducer<>(
                producerConfig,
                Topics.WARRANT_CLAIMS.keySerde().serializer(),
                Topics.WARRANT_CLAIMS.valueSerde().serializer());
        Properties props = new Properties();
        props.putAll(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-claims-follower");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<PartitionInfo> partitions = consumer.partitionsFor(Topics.WARRANT_CLAIMS.name(), Duration.ofSeconds(30));
        if (partitions == null || partitions.isEmpty()) {
            consumer.close();
            producer.close();
            throw new IllegalStateException("topic " + Topics.WARRANT_CLAIMS.name() + " has no partitions");
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
        Claim known = firstByWarrant.get(claim.getWarrantId());
        if (known != null) {
            return CompletableFuture.completedFuture(new Outcome(false, known));
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        producer.send(
                new ProducerRecord<>(Topics.WARRANT_CLAIMS.name(), claim.getIntentId(), claim), (metadata, error) -> {
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
        var decoder = Topics.WARRANT_CLAIMS.valueSerde().deserializer();
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    try {
                        WarrantClaimed claimed = decoder.deserialize(record.topic(), record.value());
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
        failAll(new IllegalStateException("the claim ledger was closed"));
        producer.close(Duration.ofSeconds(5));
    }
}
