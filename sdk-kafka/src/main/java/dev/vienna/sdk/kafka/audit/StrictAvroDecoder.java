package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.ReleasedSchemas;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes one event type from Avro single-object encoding, as {@code schemas}' {@code AvroSerde} writes it, for a
 * verifier that must survive any bytes: it reuses one {@link BinaryDecoder} and the caller's record (no per-record
 * decoder or stream), and before Avro sees the body it walks it against the writer's schema, so a length that claims
 * more bytes than there are (which would make Avro allocate up to 2 GiB) or bytes left over are refused with a reason.
 * Never throws on the bytes: {@link #decode} returns the problem. <b>Not thread-safe.</b>
 */
final class StrictAvroDecoder<T extends SpecificRecord> {

    private static final int HEADER = 10;

    private final Class<T> type;
    private final Map<Long, Reader<T>> readers = new HashMap<>();
    private BinaryDecoder decoder;
    private T decoded;
    private String problem;

    private record Reader<T>(Schema writer, SpecificDatumReader<T> reader) {}

    StrictAvroDecoder(Class<T> type) {
        this.type = type;
        SpecificData model = new SpecificData(type.getClassLoader());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        Schema current = model.getSchema(type);
        for (Schema released : ReleasedSchemas.versionsOf(current.getFullName())) {
            readers.put(
                    SchemaNormalization.parsingFingerprint64(released),
                    new Reader<>(released, new SpecificDatumReader<>(released, current, model)));
        }
        readers.put(
                SchemaNormalization.parsingFingerprint64(current),
                new Reader<>(current, new SpecificDatumReader<>(current, current, model)));
    }

    /**
     * Decodes {@code bytes} into {@code reuse} (or a new record when null).
     *
     * @return whether it decoded; then {@link #decoded()} is the record, otherwise {@link #problem()} says why
     */
    boolean decode(byte[] bytes, T reuse) {
        decoded = null;
        problem = null;
        if (bytes == null) {
            problem = "no value (a tombstone)";
            return false;
        }
        if (bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
            problem = "not Avro single-object encoding (no C3 01 header)";
            return false;
        }
        long fingerprint = 0;
        for (int i = 9; i >= 2; i--) {
            fingerprint = fingerprint << 8 | (bytes[i] & 0xff);
        }
        Reader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            problem = "written with an unknown schema (fingerprint " + Long.toHexString(fingerprint) + ")";
            return false;
        }
        String shape = new AvroShape(bytes, HEADER).check(reader.writer());
        if (shape != null) {
            problem = "not a " + type.getSimpleName() + ": " + shape;
            return false;
        }
        try {
            decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, decoder);
            decoded = reader.reader().read(reuse, decoder);
            return true;
        } catch (Exception e) {
            problem = "not a " + type.getSimpleName() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
            return false;
        }
    }

    T decoded() {
        return decoded;
    }

    String problem() {
        return problem;
    }
}
