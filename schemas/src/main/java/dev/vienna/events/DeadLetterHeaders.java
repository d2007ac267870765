package dev.vienna.events;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Headers on a {@link Topics#DEAD_LETTER} record. The record keeps the original key and value byte for byte; these say
 * why it was set aside and where it came from.
 */
public final class DeadLetterHeaders {
    public static final String REASON = "vienna.dlq.reason";
    public static final String SOURCE_TOPIC = "vienna.dlq.source-topic";
    public static final String SOURCE_PARTITION = "vienna.dlq.source-partition";
    public static final String SOURCE_OFFSET = "vienna.dlq.source-offset";
    public static final String SERVICE = "vienna.dlq.service";
    public static final String FAILED_AT = "vienna.dlq.failed-at";

    /**
     * Adds the headers of {@link #of} to {@code headers}, replacing earlier ones of the same name; a null value is
     * written empty.
     */
    public static Headers describe(
            Headers headers,
            String reason,
            String service,
            String sourceTopic,
            int partition,
            long offset,
            long failedAtMs) {
        of(reason, service, sourceTopic, partition, offset, failedAtMs)
                .forEach((name, value) -> put(headers, name, value));
        return headers;
    }

    /**
     * The dead-letter headers as names and values (for a publisher that takes headers as a map); a null reason is
     * empty.
     */
    public static Map<String, String> of(
            String reason, String service, String sourceTopic, int partition, long offset, long failedAtMs) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(REASON, reason == null ? "" : reason);
        headers.put(SERVICE, service);
        headers.put(SOURCE_TOPIC, sourceTopic);
        headers.put(SOURCE_PARTITION, String.valueOf(partition));
        headers.put(SOURCE_OFFSET, String.valueOf(offset));
        headers.put(FAILED_AT, String.valueOf(failedAtMs));
        return headers;
    }

    /** The header's value as text, or null when absent. */
    public static String read(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }

    private DeadLetterHeaders() {}
}
