package dev.vienna.audit;

import dev.vienna.events.ExecutionMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Store format of {@link WatchedWarrant}: a version byte, then its fields in declaration order; strings as a length and
 * UTF-8 bytes, nullable values behind a presence flag, instants as epoch milliseconds, the mode by name.
 */
final class WatchedWarrantSerde
        implements Serde<WatchedWarrant>, Serializer<WatchedWarrant>, Deserializer<WatchedWarrant> {

    private static final byte VERSION = 1;

    @Override
    public byte[] serialize(String topic, WatchedWarrant w) {
        if (w == null) {
            return null;
        }
        var bytes = new ByteArrayOutputStream(256);
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            text(out, w.warrantId());
            out.writeBoolean(w.terms() != null);
            if (w.terms() != null) {
                WatchedWarrant.Terms t = w.terms();
                text(out, t.intentId());
                text(out, t.tenantId());
                text(out, t.agentId());
                text(out, t.mode().name());
                text(out, t.actionDigest());
                out.writeLong(t.issuedAt().toEpochMilli());
                out.writeLong(t.expiresAt().toEpochMilli());
                nullableText(out, t.confirmationKeyThumbprint());
            }
            out.writeInt(w.reports().size());
            for (String report : w.reports()) {
                text(out, report);
            }
            out.writeInt(w.verdicts());
            nullableText(out, w.claimedBy());
            out.writeBoolean(w.claimedAt() != null);
            if (w.claimedAt() != null) {
                out.writeLong(w.claimedAt().toEpochMilli());
            }
        } catch (IOException e) {
            throw new SerializationException("cannot encode the watched warrant " + w.warrantId(), e);
        }
        return bytes.toByteArray();
    }

    @Override
    public WatchedWarrant deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("unknown watched-warrant format version " + version);
            }
            String warrantId = text(in);
            WatchedWarrant.Terms terms = in.readBoolean()
                    ? new WatchedWarrant.Terms(
                            text(in),
                            text(in),
                            text(in),
                            ExecutionMode.valueOf(text(in)),
                            text(in),
                            Instant.ofEpochMilli(in.readLong()),
                            Instant.ofEpochMilli(in.readLong()),
                            nullableText(in))
                    : null;
            int count = in.readInt();
            List<String> reports = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                reports.add(text(in));
            }
            int verdicts = in.readInt();
            String claimedBy = nullableText(in);
            Instant claimedAt = in.readBoolean() ? Instant.ofEpochMilli(in.readLong()) : null;
            return new WatchedWarrant(warrantId, terms, reports, verdicts, claimedBy, claimedAt);
        } catch (IOException | IllegalArgumentException e) {
            throw new SerializationException("cannot decode a watched warrant", e);
        }
    }

    private static void text(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static void nullableText(DataOutputStream out, String text) throws IOException {
        out.writeBoolean(text != null);
        if (text != null) {
            text(out, text);
        }
    }

    private static String text(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("a string of " + length + " bytes where " + in.available() + " remain");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String nullableText(DataInputStream in) throws IOException {
        return in.readBoolean() ? text(in) : null;
    }

    @Override
    public Serializer<WatchedWarrant> serializer() {
        return this;
    }

    @Override
    public Deserializer<WatchedWarrant> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // stateless
    }
}
