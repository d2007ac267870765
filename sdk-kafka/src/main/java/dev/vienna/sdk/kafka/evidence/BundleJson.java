package dev.vienna.sdk.kafka.evidence;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.sdk.evidence.MerkleProofs;
import dev.vienna.sdk.kafka.evidence.BundleProblem.Kind;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledCheckpoint;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledRecord;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledWarrant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An {@link EvidenceBundle} to and from JSON as a tree, field by field: written in the records' component order with
 * instants as ISO-8601 text; read without trusting anything, each missing or mistyped field reported as a
 * {@link Kind#MALFORMED} problem at its path and left null (an element with such a field is null in its list).
 * Duplicate keys, unknown fields (outside the JWK sets) and trailing content are refused, so one bundle has one
 * meaning.
 */
final class BundleJson {

    /** Where reading reports what it cannot use. */
    @FunctionalInterface
    interface Problems {
        void add(Kind kind, String where, String reason);
    }

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The most JSON tokens a bundle may have: a tree of more tiny values could take far more memory than its bytes. */
    static final int MAX_TOKENS = 4_000_000;

    /** A bundle of more than {@link #MAX_TOKENS} JSON tokens. */
    static final class TooManyTokens extends IOException {
        private static final long serialVersionUID = 1L;

        TooManyTokens() {
            super("more than " + MAX_TOKENS + " JSON values, names and brackets");
        }
    }

    /**
     * The JSON tree of {@code json}, once a streaming pass found it well-formed and at most {@link #MAX_TOKENS} tokens.
     *
     * @throws IOException if it is not one JSON value, has a duplicate key, or is {@link TooManyTokens too large}
     */
    static JsonNode parse(byte[] json) throws IOException {
        try (JsonParser parser = MAPPER.createParser(json)) {
            long tokens = 0;
            while (parser.nextToken() != null) {
                if (++tokens > MAX_TOKENS) {
                    throw new TooManyTokens();
                }
            }
        }
        return MAPPER.readTree(json);
    }

    static byte[] write(EvidenceBundle bundle) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", bundle.format());
        root.put("intentId", bundle.intentId());
        root.put("tenantId", bundle.tenantId());
        root.put(
                "exportedAt",
                bundle.exportedAt() == null ? null : bundle.exportedAt().toString());
        ArrayNode records = root.putArray("records");
        for (BundledRecord r : bundle.records()) {
            ObjectNode node = records.addObject();
            node.put("recordId", r.recordId());
            node.put("chain", r.chain());
            node.put("sequence", r.sequence());
            node.put("avro", r.avro());
            node.put("eventType", r.eventType());
            node.put(
                    "occurredAt", r.occurredAt() == null ? null : r.occurredAt().toString());
            node.put("summary", r.summary());
            node.put("checkpoint", r.checkpoint());
            node.put("leafIndex", r.leafIndex());
            ArrayNode proof = node.putArray("inclusionProof");
            r.inclusionProof().forEach(proof::add);
        }
        ArrayNode checkpoints = root.putArray("checkpoints");
        for (BundledCheckpoint c : bundle.checkpoints()) {
            ObjectNode node = checkpoints.addObject();
            node.put("chain", c.chain());
            node.put("firstSequence", c.firstSequence());
            node.put("treeSize", c.treeSize());
            node.put("note", c.note());
        }
        root.put("statement", bundle.statement());
        BundledWarrant warrant = bundle.warrant();
        if (warrant == null) {
            root.putNull("warrant");
        } else {
            ObjectNode node = root.putObject("warrant");
            node.put("warrantId", warrant.warrantId());
            node.put("token", warrant.token());
            node.set("jwks", warrant.jwks());
        }
        root.set("checkpointKeys", bundle.checkpointKeys());
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what can be read of {@code root}; a bundle whose records or checkpoints are unreadable has null lists. */
    static EvidenceBundle read(JsonNode root, Problems problems) {
        Fields top = new Fields(root, "bundle", problems);
        if (!top.isObject(fieldsOf(EvidenceBundle.class))) {
            return null;
        }
        String format = top.text("format");
        if (!EvidenceBundle.FORMAT.equals(format)) {
            if (format != null) {
                problems.add(
                        Kind.UNSUPPORTED_FORMAT,
                        "format",
                        "the format is " + quoted(format) + ", this verifier reads " + EvidenceBundle.FORMAT);
            }
            return null;
        }
        List<BundledRecord> records = top.array(
                "records", EvidenceBundles.MAX_RECORDS, (node, where) -> record(new Fields(node, where, problems)));
        List<BundledCheckpoint> checkpoints = top.array(
                "checkpoints",
                EvidenceBundles.MAX_CHECKPOINTS,
                (node, where) -> checkpoint(new Fields(node, where, problems)));
        JsonNode warrant = root.get("warrant");
        JsonNode keys = root.get("checkpointKeys");
        if (keys != null && !keys.isNull() && !keys.isObject()) {
            problems.add(Kind.MALFORMED, "checkpointKeys", "not a JWK set (a JSON object)");
        }
        return new EvidenceBundle(
                format,
                top.text("intentId"),
                top.text("tenantId"),
                top.instant("exportedAt"),
                records,
                checkpoints,
                top.text("statement"),
                warrant == null || warrant.isNull() ? null : warrant(new Fields(warrant, "warrant", problems)),
                keys == null || !keys.isObject() ? null : keys);
    }

    private static BundledRecord record(Fields f) {
        if (!f.isObject(fieldsOf(BundledRecord.class))) {
            return null;
        }
        String recordId = f.text("recordId");
        Long chain = f.integer("chain", Integer.MAX_VALUE);
        Long sequence = f.integer("sequence", Long.MAX_VALUE);
        String avro = f.text("avro");
        String eventType = f.text("eventType");
        Instant occurredAt = f.instant("occurredAt");
        String summary = f.text("summary");
        Long checkpoint = f.integer("checkpoint", Integer.MAX_VALUE);
        Long leafIndex = f.integer("leafIndex", Long.MAX_VALUE);
        List<String> proof = f.array("inclusionProof", MerkleProofs.MAX_PROOF_HASHES, (node, where) -> {
            if (!node.isTextual()) {
                f.problems.add(Kind.MALFORMED, where, "a proof hash is a base64 string");
                return null;
            }
            return node.textValue();
        });
        if (recordId == null
                || chain == null
                || sequence == null
                || avro == null
                || eventType == null
                || occurredAt == null
                || summary == null
                || checkpoint == null
                || leafIndex == null
                || proof == null
                || proof.contains(null)) {
            return null;
        }
        return new BundledRecord(
                recordId,
                chain.intValue(),
                sequence,
                avro,
                eventType,
                occurredAt,
                summary,
                checkpoint.intValue(),
                leafIndex,
                List.copyOf(proof));
    }

    private static BundledCheckpoint checkpoint(Fields f) {
        if (!f.isObject(fieldsOf(BundledCheckpoint.class))) {
            return null;
        }
        Long chain = f.integer("chain", Integer.MAX_VALUE);
        Long firstSequence = f.integer("firstSequence", Long.MAX_VALUE);
        Long treeSize = f.integer("treeSize", Long.MAX_VALUE);
        String note = f.text("note");
        if (chain == null || firstSequence == null || treeSize == null || note == null) {
            return null;
        }
        return new BundledCheckpoint(chain.intValue(), firstSequence, treeSize, note);
    }

    private static BundledWarrant warrant(Fields f) {
        if (!f.isObject(fieldsOf(BundledWarrant.class))) {
            return null;
        }
        String warrantId = f.text("warrantId");
        String token = f.text("token");
        JsonNode jwks = f.node.get("jwks");
        if (jwks != null && !jwks.isNull() && !jwks.isObject()) {
            f.problems.add(Kind.MALFORMED, "warrant.jwks", "not a JWK set (a JSON object)");
        }
        if (warrantId == null || token == null) {
            return null;
        }
        return new BundledWarrant(warrantId, token, jwks == null || !jwks.isObject() ? null : jwks);
    }

    /** The JSON field names of a bundle record type: its components. */
    private static Set<String> fieldsOf(Class<? extends Record> type) {
        return Stream.of(type.getRecordComponents())
                .map(RecordComponent::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    static String quotedOrNone(String text) {
        return text == null ? "none" : quoted(text);
    }

    static String quoted(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
    }

    /** The fields of one JSON object, each read with its type checked. */
    private static final class Fields {
        private final JsonNode node;
        private final String where;
        private final Problems problems;

        Fields(JsonNode node, String where, Problems problems) {
            this.node = node;
            this.where = where;
            this.problems = problems;
        }

        /** Whether the node is an object with no field but {@code known}; a problem is named for each other. */
        boolean isObject(Set<String> known) {
            if (node == null || !node.isObject()) {
                problems.add(Kind.MALFORMED, where, "not a JSON object");
                return false;
            }
            node.fieldNames().forEachRemaining(name -> {
                if (!known.contains(name)) {
                    problems.add(
                            Kind.MALFORMED,
                            path(name),
                            "not a field of " + EvidenceBundle.FORMAT + ": one bundle has one meaning");
                }
            });
            return true;
        }

        private JsonNode present(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                problems.add(Kind.MALFORMED, path(field), "missing");
                return null;
            }
            return value;
        }

        private String path(String field) {
            return where.equals("bundle") ? field : where + "." + field;
        }

        String text(String field) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                problems.add(Kind.MALFORMED, path(field), "not a string");
                return null;
            }
            return value.textValue();
        }

        Long integer(String field, long max) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                problems.add(Kind.MALFORMED, path(field), "not an integer");
                return null;
            }
            long number = value.longValue();
            if (number < 0 || number > max) {
                problems.add(Kind.MALFORMED, path(field), number + " is not from 0 to " + max);
                return null;
            }
            return number;
        }

        Instant instant(String field) {
            String text = text(field);
            if (text == null) {
                return null;
            }
            try {
                Instant instant = Instant.parse(text);
                if (instant.toString().equals(text)) {
                    return instant;
                }
            } catch (DateTimeParseException e) {
                // named below
            }
            problems.add(
                    Kind.MALFORMED,
                    path(field),
                    quoted(text) + " is not an instant in ISO-8601 UTC form, as 2026-11-22T10:00:00Z");
            return null;
        }

        /** The elements read by {@code element} (null ones included), or null when it is no array or too long. */
        <T> List<T> array(String field, int max, Element<T> element) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (!value.isArray()) {
                problems.add(Kind.MALFORMED, path(field), "not an array");
                return null;
            }
            if (value.size() > max) {
                problems.add(Kind.TOO_LARGE, path(field), value.size() + " elements; at most " + max + " are read");
                return null;
            }
            List<T> elements = new ArrayList<>(value.size());
            for (int i = 0; i < value.size(); i++) {
                elements.add(element.read(value.get(i), path(field) + "[" + i + "]"));
            }
            return elements;
        }
    }

    @FunctionalInterface
    private interface Element<T> {
        T read(JsonNode node, String where);
    }

    private BundleJson() {}
}
