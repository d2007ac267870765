package dev.vienna.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One notification as it travels on {@code notifications} and to receivers: its webhook id (the record key) and the
 * Standard Webhooks body {@code {"type", "timestamp", "data"}} (the record value, byte for byte what a receiver gets in
 * the {@code standard} format).
 *
 * @param id the webhook id: derived from the audit record and the kind ({@link #idOf}), the same on every attempt
 * @param kind what happened
 * @param timestamp when it happened (the source event's time; for {@code approval.expiring}, when it was noticed)
 * @param data the kind's fields
 */
public record Notification(String id, NotificationKind kind, Instant timestamp, ObjectNode data) {

    static final ObjectMapper JSON = new ObjectMapper();

    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(data, "data");
    }

    /**
     * The webhook id of the notification of {@code kind} that the audit record {@code recordId} (with its chain hash)
     * gave rise to: {@code msg_} and 32 hex digits of SHA-256. Deterministic, so a re-derivation (a Streams task that
     * processes the record again) yields the same id and receivers can de-duplicate by it.
     */
    public static String idOf(String recordId, String recordHash, NotificationKind kind) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((recordId + "\n" + recordHash + "\n" + kind.type()).getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The Standard Webhooks body, as JSON bytes. */
    public byte[] body() {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", kind.type());
        body.put("timestamp", timestamp.toString());
        body.set("data", data);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Reads a notification back from its record: key {@code id}, value {@link #body()}. */
    public static Notification parse(String id, byte[] body) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a notification needs its webhook id as the record key");
        }
        if (body == null) {
            throw new IllegalArgumentException("a notification without a body");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        NotificationKind kind = NotificationKind.ofType(tree.path("type").asText())
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown notification type " + tree.path("type").asText()));
        Instant timestamp;
        try {
            timestamp = Instant.parse(tree.path("timestamp").asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("no ISO-8601 timestamp", e);
        }
        if (!tree.path("data").isObject()) {
            throw new IllegalArgumentException("no data object");
        }
        return new Notification(id, kind, timestamp, (ObjectNode) tree.get("data"));
    }
}
