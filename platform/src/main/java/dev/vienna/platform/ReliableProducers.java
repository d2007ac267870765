package dev.vienna.platform;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings for records Vienna must not lose or duplicate: acknowledged by every in-sync replica, idempotent,
 * sent almost at once. Built on the service's Kafka client settings (Quarkus's {@code default-kafka-broker} map:
 * bootstrap servers, security).
 */
public final class ReliableProducers {

    public static Map<String, Object> config(Map<String, Object> kafka, String clientId) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    private ReliableProducers() {}
}
