package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The one definition of an audit record's canonical form, the bytes its chain hash is SHA-256 of: every field but the
 * hash, in a fixed order, texts as a 4-byte length and UTF-8 (-1 for null), numbers big-endian, the payload
 * length-prefixed. One instance reuses its buffer and digest, so hashing allocates nothing but the UTF-8 of the texts
 * (the payload goes to the digest as it is); <b>not thread-safe</b>.
 */
final class CanonicalForm {

    static final int HASH_SIZE = 32;

    private final MessageDigest sha256;
    private byte[] buffer = new byte[1024];
    private int length;

    CanonicalForm() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Writes the SHA-256 of {@code r}'s canonical form at {@code out[0..32)}. */
    void hashInto(AuditRecord r, byte[] out) {
        length = 0;
        text(r.getRecordId());
        writeInt(r.getChain());
        writeLong(r.getSequence());
        text(r.getIntentId());
        text(r.getTenantId());
        text(r.getEventId());
        text(r.getEventType());
        text(r.getSourceTopic());
        writeInt(r.getSourcePartition());
        writeLong(r.getSourceOffset());
        writeLong(r.getOccurredAt().toEpochMilli());
        writeLong(r.getRecordedAt().toEpochMilli());
        ByteBuffer payload = r.getPayload().duplicate();
        writeInt(payload.remaining());
        sha256.update(buffer, 0, length);
        sha256.update(payload);
        length = 0;
        text(r.getSummary());
        text(r.getPreviousHash());
        sha256.update(buffer, 0, length);
        try {
            sha256.digest(out, 0, HASH_SIZE);
        } catch (DigestException e) {
            throw new IllegalArgumentException("no room for a hash", e);
        }
    }

    private void text(String value) {
        if (value == null) {
            writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buffer, length, utf8.length);
        length += utf8.length;
    }

    private void writeInt(int value) {
        ensure(Integer.BYTES);
        buffer[length++] = (byte) (value >>> 24);
        buffer[length++] = (byte) (value >>> 16);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void writeLong(long value) {
        writeInt((int) (value >>> 32));
        writeInt((int) value);
    }

    private void ensure(int more) {
        if (buffer.length - length < more) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
