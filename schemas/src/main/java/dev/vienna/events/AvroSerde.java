package dev.vienna.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro event type, in Avro single-object encoding (magic {@code C3 01}, 8-byte schema
 * fingerprint, binary body). No registry service: the decoder knows the current schema and every released one of the
 * same name ({@link ReleasedSchemas}), so old records always decode.
 *
 * <p>Works for plain Kafka clients, SmallRye and Kafka Streams alike. Decoding failures (bad magic, unknown
 * fingerprint, truncated body) raise {@link SerializationException} with the reason.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    public AvroSerde(Class<T> type) {
        this.type = type;
        // The model must live on the record class's own loader: Quarkus tests load classes twice.
        SpecificData model = new SpecificData(type.getClassLoader());
        // the generated classes convert their own plain timestamp fields; a timestamp inside a union (an optional
        // instant) needs the model to know the conversion too
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        Schema schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        for (Schema released : ReleasedSchemas.versionsOf(schema.getFullName())) {
            decoder.addSchema(released);
        }
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T value) {
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
    }

    /** Decodes one single-object-encoded value; throws {@link SerializationException} with the reason. */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new SerializationException("null value where a " + type.getSimpleName() + " was expected");
        }
        try {
            return decoder.decode(bytes);
        } catch (Exception e) {
            throw new SerializationException(
                    "not a " + type.getSimpleName() + " in Avro single-object encoding: " + describe(e), e);
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    /**
     * A deep copy, through the encoding: unlike the generated {@code newBuilder(other)}, it works when the event
     * classes and Avro's are loaded by different class loaders (as in Quarkus tests).
     */
    public T copy(T value) {
        return decode(encode(value));
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : decode(data);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the type is fixed at construction
    }

    @Override
    public void close() {
        // stateless
    }
}
