package dev.vienna.sdk.kafka.revocation;

import dev.vienna.events.RevocationScope;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.sdk.warrant.RevocationList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Keeps a {@link RevocationList} current from {@code warrant-revocations}: reads every partition from the beginning (no
 * consumer group: each verifier needs all of it) and then follows it, polling every 100 ms, so a revocation takes
 * effect well within a second. A record that does not decode is skipped (audit-service records it): a revocation list
 * must never stop. A raw consumer with manual assignment, not a consumer group or a messaging channel: every verifier
 * reads every partition from the beginning.
 */
public final class RevocationListener implements AutoCloseable {

    private final RevocationList revocations = new RevocationList();
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    /** Starts following the topic; {@code kafka} holds the client settings (bootstrap servers, security). */
    public RevocationListener(Map<String, Object> kafka) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions =
                consumer.partitionsFor(Topics.WARRANT_REVOCATIONS.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::follow, "warrant-revocations");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        var decoder = Topics.WARRANT_REVOCATIONS.valueSerde().deserializer();
        try (consumer) {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        WarrantRevoked revoked = decoder.deserialize(record.topic(), record.value());
                        if (revoked != null) {
                            apply(revoked, revocations);
                        }
                    } catch (RuntimeException e) {
                        // undecodable: skipped here, chained by audit-service
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    /** Applies one revocation event to {@code list}: a warrant by id, or an agent's kill switch. */
    public static void apply(WarrantRevoked revoked, RevocationList list) {
        if (revoked.getScope() == RevocationScope.WARRANT && revoked.getWarrantId() != null) {
            list.revokeWarrant(revoked.getWarrantId());
        } else if (revoked.getScope() == RevocationScope.AGENT && revoked.getAgentId() != null) {
            list.revokeAgentUpTo(revoked.getAgentId(), revoked.getRevokedBefore());
        }
    }

    public RevocationList revocations() {
        return revocations;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
