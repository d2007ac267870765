package dev.vienna.executor;

import dev.vienna.events.EventIds;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.platform.ReliableProducers;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The durable single-use ledger: every warrant id the executors have claimed, on the compacted {@code warrant-claims}
 * topic. {@link #load} reads the whole topic before any warrant is consumed; {@link #claim} records a claim, and
 * {@link #awaitClaims} returns only once the broker acknowledged every claim made so far, which the consumer waits for
 * before it runs a claimed action. So a warrant that was claimed (even by a process that then crashed) is never run
 * again: at most once, by design, for actions with side effects. The topic is read at start-up only: a claim another
 * executor instance makes later is not seen here (while the consumer group is stable, two instances never receive the
 * same warrant). Claims of expired warrants are forgotten in memory (an expired warrant is refused anyway). A raw
 * producer and consumer: the ledger is read to its end synchronously and its acknowledgements awaited per batch.
 */
final class WarrantClaimLedger implements WarrantVerifier.SingleUse, AutoCloseable {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Instant> expiryById = new HashMap<>();
    private final List<Future<RecordMetadata>> unacknowledged = new ArrayList<>();
    private Instant prunedAt = Instant.MIN;
    private final KafkaProducer<String, WarrantClaimed> producer;
    private final String executorId;
    private final Clock clock;

    private WarrantClaimLedger(KafkaProducer<String, WarrantClaimed> producer, String executorId, Clock clock) {
        this.producer = producer;
        this.executorId = executorId;
        this.clock = clock;
    }

    /** Reads every claim recorded so far, then returns the ledger ready to claim. */
    static WarrantClaimLedger load(Map<String, Object> kafka, String executorId, Clock clock) {
        WarrantClaimLedger ledger = new WarrantClaimLedger(
                new KafkaProducer<>(
                        ReliableProducers.config(kafka, executorId + "-claims"),
                        Topics.WARRANT_CLAIMS.keySerde().serializer(),
                        Topics.WARRANT_CLAIMS.valueSerde().serializer()),
                executorId,
                clock);
        ledger.readAll(kafka);
        return ledger;
    }

    private void readAll(Map<String, Object> kafka) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var consumer = new KafkaConsumer<>(
                props,
                Topics.WARRANT_CLAIMS.keySerde().deserializer(),
                Topics.WARRANT_CLAIMS.valueSerde().deserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(Topics.WARRANT_CLAIMS.name(), Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "could not read warrant-claims to its end within 60 s: refusing to execute without the ledger");
                }
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        expiryById.put(
                                record.value().getWarrantId(), record.value().getExpiresAt());
                    }
                }
            }
        }
    }

    @Override
    public synchronized boolean claim(WarrantClaims claims) {
        Instant now = clock.instant();
        prune(now);
        if (expiryById.putIfAbsent(claims.warrantId(), claims.expiresAt()) != null) {
            return false;
        }
        WarrantClaimed claimed = WarrantClaimed.newBuilder()
                .setEventId(EventIds.of(claims.warrantId(), "claimed"))
                .setIntentId(claims.intentId())
                .setTenantId(claims.tenantId())
                .setOccurredAt(now.truncatedTo(ChronoUnit.MILLIS))
                .setWarrantId(claims.warrantId())
                .setExecutorId(executorId)
                .setExpiresAt(claims.expiresAt())
                .build();
        unacknowledged.add(
                producer.send(new ProducerRecord<>(Topics.WARRANT_CLAIMS.name(), claims.intentId(), claimed)));
        return true;
    }

    /**
     * Returns once every claim made so far is acknowledged by the broker; throws if one was not, and then no claimed
     * action of the batch may run (the batch is not committed and comes back, and its warrants are refused as claimed
     * or run once their claims are recorded).
     */
    synchronized void awaitClaims() {
        try {
            for (Future<RecordMetadata> claim : unacknowledged) {
                claim.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording warrant claims", e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "a warrant claim was not acknowledged; the batch's actions do not run: " + e.getMessage(), e);
        } finally {
            unacknowledged.clear();
        }
    }

    private void prune(Instant now) {
        if (prunedAt.plus(Duration.ofMinutes(1)).isAfter(now)) {
            return;
        }
        Instant cutoff = now.minus(Duration.ofHours(1));
        expiryById.values().removeIf(expiry -> expiry.isBefore(cutoff));
        prunedAt = now;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
