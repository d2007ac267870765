package dev.vienna.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** How the pages show JSON and times: {@code {fmt:json(x)}}, {@code {fmt:time(x)}}. */
@TemplateExtension(namespace = "fmt")
public final class Formats {

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter SHOWN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Formats() {}

    /** A JSON value indented (params, constraints, a decision); text as it is. */
    static String json(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String text) {
            return text;
        }
        try {
            return PRETTY.writeValueAsString(value instanceof JsonNode node ? node : PRETTY.valueToTree(value));
        } catch (Exception e) {
            return value.toString();
        }
    }

    /** An ISO-8601 instant as the pages show times; anything else as it is. */
    static String time(Object value) {
        if (value == null) {
            return "";
        }
        try {
            return SHOWN.format(Instant.parse(value.toString()));
        } catch (DateTimeParseException e) {
            return value.toString();
        }
    }
}
