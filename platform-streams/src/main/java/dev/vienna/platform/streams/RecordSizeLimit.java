package dev.vienna.platform.streams;

import dev.vienna.events.Topic;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Every record a Vienna topology writes is checked against Kafka's record limit while it is serialized: one that would
 * be larger than {@value #MAX_RECORD_BYTES} bytes (the producer's default {@code max.request.size}, which Vienna's
 * producers and topics keep) throws {@link RecordTooLargeException} from the serializer, so
 * {@link DeadLetterProductionHandler} dead-letters its input and the stage goes on. Checked here rather than left to
 * the producer because under exactly-once a record the producer refuses aborts the whole transaction in Kafka 4.1 (see
 * {@link DeadLetterProductionHandler}); a serializer's exception is handled before anything reaches the producer. A
 * deployment that raises the producer's and brokers' limits keeps this one: outputs stay at most 1 MiB.
 */
public final class RecordSizeLimit {

    /** The most bytes one record may have: value, headers and {@value #FRAMING_BYTES} bytes for key and framing. */
    public static final int MAX_RECORD_BYTES = 1024 * 1024;

    /** Room for the key (an intentId) and the record's and batch's framing, which the producer also counts. */
    static final int FRAMING_BYTES = 1024;

    /** How a topology writes to {@code topic}: its serdes, the value serializer limited to a record's size. */
    public static <V> Produced<String, V> produced(Topic<V> topic, String name) {
        return Produced.with(topic.keySerde(), limit(topic.valueSerde())).withName(name);
    }

    /** {@code serde} whose serializer refuses a value that would make the record too large. */
    public static <V> Serde<V> limit(Serde<V> serde) {
        return Serdes.serdeFrom(new Limited<>(serde.serializer()), serde.deserializer());
    }

    private static final class Limited<V> implements Serializer<V> {
        private final Serializer<V> serializer;

        Limited(Serializer<V> serializer) {
            this.serializer = serializer;
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            serializer.configure(configs, isKey);
        }

        @Override
        public byte[] serialize(String topic, V data) {
            return checked(topic, null, serializer.serialize(topic, data));
        }

        @Override
        public byte[] serialize(String topic, Headers headers, V data) {
            return checked(topic, headers, serializer.serialize(topic, headers, data));
        }

        @Override
        public void close() {
            serializer.close();
        }

        private static byte[] checked(String topic, Headers headers, byte[] value) {
            long size = FRAMING_BYTES + (value == null ? 0 : value.length) + size(headers);
            if (size > MAX_RECORD_BYTES) {
                throw new RecordTooLargeException("a record for " + topic + " would be " + size + " bytes ("
                        + (value == null ? 0 : value.length) + " of them the value), more than the "
                        + MAX_RECORD_BYTES + " bytes a record may have");
            }
            return value;
        }

        private static long size(Headers headers) {
            long size = 0;
            if (headers != null) {
                for (Header header : headers) {
                    size += header.key().getBytes(StandardCharsets.UTF_8).length
                            + (header.value() == null ? 0 : header.value().length);
                }
            }
            return size;
        }
    }

    private RecordSizeLimit() {}
}
