package dev.vienna.sdk.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.NullValue;
import com.google.protobuf.Timestamp;
import dev.vienna.sdk.canonical.CanonicalJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values as CEL expects them at evaluation: integers as {@code Long}, other numbers as {@code Double}, objects as
 * maps, arrays as lists, JSON null as CEL {@code null}. Expressions such as {@code params.replicas <= 50} then compare
 * numbers as numbers, whatever their spelling.
 */
public final class CelValues {

    /** A JSON object's text as a CEL map ({@code {}} for null or blank text). */
    public static Map<String, Object> objectFromJson(String json) {
        JsonNode node = CanonicalJson.parse(json == null || json.isBlank() ? "{}" : json);
        if (!node.isObject()) {
            throw new IllegalArgumentException("params must be a JSON object, not " + node.getNodeType());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) fromJson(node);
        return map;
    }

    public static Object fromJson(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                node.properties().forEach(e -> map.put(e.getKey(), fromJson(e.getValue())));
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(element -> list.add(fromJson(element)));
                yield list;
            }
            case NUMBER ->
                node.isIntegralNumber() && node.canConvertToLong()
                        ? (Object) node.longValue()
                        : (Object) node.doubleValue();
            case BOOLEAN -> node.booleanValue();
            case STRING -> node.textValue();
            default -> NullValue.NULL_VALUE;
        };
    }

    /** An instant as a CEL {@code timestamp}. */
    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    private CelValues() {}
}
