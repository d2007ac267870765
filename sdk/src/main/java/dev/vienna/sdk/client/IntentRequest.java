package dev.vienna.sdk.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vienna.sdk.canonical.IJson;
import dev.vienna.sdk.canonical.StrictJsonNodeDeserializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An intent as agents write it: the body of {@code POST /v1/intents} (intake-service) and of {@code POST
 * /v1/policy/evaluate}, and the {@code intent} of a policy test case. Only agentId, action and resource are required;
 * the risk factors default to "unknown" (0, reversible) and policy decides what unknown means. {@code owner} names the
 * human principal the agent acts for: that operator may not approve the intent.
 *
 * <p>{@link #validate} enforces explicit limits (the {@code MAX_} constants): ids of letters, digits and
 * {@code ._:@/-}; resource, label values and justification as plain text without control, bidirectional, zero-width or
 * other invisible format characters (a justification may break lines); params as I-JSON (RFC 7493) within a size, depth
 * and string length, so that the action digest over their canonical form is injective. A repeated member name in params
 * is refused while the body is read ({@link StrictJsonNodeDeserializer}); anywhere else in the body by
 * {@link #parseStrict}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IntentRequest(
        String tenantId,
        String agentId,
        String action,
        String resource,

        @JsonDeserialize(using = StrictJsonNodeDeserializer.class)
        JsonNode params,

        String justification,
        Double costImpact,
        Boolean reversible,
        Integer blastRadius,
        Integer urgency,
        String idempotencyKey,
        Map<String, String> labels,
        String owner) {

    /**
     * The longest id ({@code agentId}, {@code tenantId}, {@code owner}, {@code idempotencyKey}): {@value} characters.
     */
    public static final int MAX_ID_LENGTH = 128;

    /** The longest action name: {@value} characters of snake_case. */
    public static final int MAX_ACTION_LENGTH = 64;

    /**
     * The longest resource: {@value} characters of single-line plain text (no control, bidi, zero-width or format
     * character).
     */
    public static final int MAX_RESOURCE_LENGTH = 256;

    /** The longest justification: {@value} characters of plain text; line feeds, CR LF and tabs allowed. */
    public static final int MAX_JUSTIFICATION_LENGTH = 2000;

    /**
     * The largest params: {@value} bytes (16 KiB) of RFC 8785 canonical JSON in UTF-8, the form every event of the
     * intent and its warrant's digest carry.
     */
    public static final int MAX_PARAMS_BYTES = 16 * 1024;

    /** How deep params may nest: {@value} levels of objects and arrays, the params object itself being level 1. */
    public static final int MAX_PARAMS_DEPTH = 8;

    /** The longest string anywhere in params, member names included: {@value} bytes (4 KiB) in UTF-8. */
    public static final int MAX_PARAMS_STRING_BYTES = 4 * 1024;

    /** The most labels an intent carries: {@value}. */
    public static final int MAX_LABELS = 32;

    /** The longest label key: {@value} characters of letters, digits and {@code ._:@/-} (the characters of ids). */
    public static final int MAX_LABEL_KEY_LENGTH = 64;

    /**
     * The longest label value: {@value} characters of single-line plain text (no control, bidi, zero-width or format
     * character).
     */
    public static final int MAX_LABEL_VALUE_LENGTH = 256;

    private static final String ID_CHARACTERS = "[A-Za-z0-9._:@/-]";
    private static final Pattern ID = Pattern.compile(ID_CHARACTERS + "{1," + MAX_ID_LENGTH + "}");
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]{0," + (MAX_ACTION_LENGTH - 1) + "}");
    private static final Pattern LABEL_KEY = Pattern.compile(ID_CHARACTERS + "{1," + MAX_LABEL_KEY_LENGTH + "}");
    private static final String ID_RULE = "1-" + MAX_ID_LENGTH + " characters of letters, digits and ._:@/-";

    /** Reads an intent body strictly: see {@link #parseStrict}. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** One invalid field and what it must be. */
    public record FieldError(String field, String message) {}

    /**
     * The same body for the agent an authenticated caller is: its id and tenant as the credential says (a server sets
     * them from its registry, never from the body).
     */
    public IntentRequest withIdentity(String agentId, String tenantId) {
        return new IntentRequest(
                tenantId,
                agentId,
                action,
                resource,
                params,
                justification,
                costImpact,
                reversible,
                blastRadius,
                urgency,
                idempotencyKey,
                labels,
                owner);
    }

    /**
     * Reads an intent body as I-JSON (RFC 7493) asks: no member name twice in any object (a JSON tree keeps only the
     * last, so a repeated {@code agentId} can only be seen while parsing), no unknown field, nothing after the body.
     * Throws IllegalArgumentException saying what is wrong. The values are not checked: call {@link #validate}.
     */
    public static IntentRequest parseStrict(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("the intent body is empty");
        }
        IntentRequest request;
        try {
            request = STRICT.readValue(json, IntentRequest.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(
                    "unknown field '" + e.getPropertyName() + "'; known fields: " + e.getKnownPropertyIds(), e);
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream()
                    .map(reference -> reference.getFieldName() != null
                            ? reference.getFieldName()
                            : "[" + reference.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                    .orElse("");
            throw new IllegalArgumentException(
                    field.isEmpty()
                            ? "not a valid intent body: " + e.getOriginalMessage()
                            : "field '" + field + "' has the wrong type: " + e.getOriginalMessage(),
                    e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid intent body: " + e.getOriginalMessage(), e);
        }
        if (request == null) {
            throw new IllegalArgumentException("the intent body is null, not an object");
        }
        return request;
    }

    /** Every problem with the body, field by field; empty when it is valid. Never throws. */
    public List<FieldError> validate() {
        List<FieldError> errors = new ArrayList<>();
        requireMatch(errors, "tenantId", tenantId, ID, false, ID_RULE);
        requireMatch(errors, "agentId", agentId, ID, true, ID_RULE);
        requireMatch(
                errors,
                "action",
                action,
                ACTION,
                true,
                "snake_case, starting with a letter, at most " + MAX_ACTION_LENGTH + " characters");
        if (resource == null || resource.isBlank()) {
            errors.add(new FieldError("resource", "is required"));
        } else {
            requireText(errors, "resource", resource, false, MAX_RESOURCE_LENGTH);
        }
        if (params != null && !params.isNull()) {
            if (params.isObject()) {
                errors.addAll(ParamsRules.check(params));
            } else {
                errors.add(new FieldError("params", "must be a JSON object"));
            }
        }
        if (justification != null) {
            requireText(errors, "justification", justification, true, MAX_JUSTIFICATION_LENGTH);
        }
        if (costImpact != null && (costImpact < 0 || costImpact.isNaN() || costImpact.isInfinite())) {
            errors.add(new FieldError("costImpact", "must be a number >= 0"));
        }
        if (blastRadius != null && blastRadius < 0) {
            errors.add(new FieldError("blastRadius", "must be >= 0"));
        }
        if (urgency != null && (urgency < 0 || urgency > 10)) {
            errors.add(new FieldError("urgency", "must be between 0 and 10"));
        }
        requireMatch(errors, "idempotencyKey", idempotencyKey, ID, false, ID_RULE);
        requireMatch(errors, "owner", owner, ID, false, ID_RULE);
        if (labels != null) {
            checkLabels(errors);
        }
        return errors;
    }

    private void checkLabels(List<FieldError> errors) {
        if (labels.size() > MAX_LABELS) {
            errors.add(new FieldError("labels", "at most " + MAX_LABELS + " labels, not " + labels.size()));
            return;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            if (key == null) {
                errors.add(new FieldError("labels", "a label has no key"));
                continue;
            }
            Optional<String> unsafe = PlainText.singleLineProblem(key);
            if (unsafe.isPresent()) {
                errors.add(new FieldError("labels", "key " + IJson.quoted(key) + " " + unsafe.get()));
                continue;
            }
            if (!LABEL_KEY.matcher(key).matches()) {
                errors.add(new FieldError(
                        "labels",
                        "key " + IJson.quoted(key) + " must be 1-" + MAX_LABEL_KEY_LENGTH
                                + " characters of letters, digits and ._:@/-"));
                continue;
            }
            if (label.getValue() == null) {
                errors.add(new FieldError("labels." + key, "must be a string, not null"));
            } else {
                requireText(errors, "labels." + key, label.getValue(), false, MAX_LABEL_VALUE_LENGTH);
            }
        }
    }

    private static void requireText(List<FieldError> errors, String field, String value, boolean multiLine, int max) {
        Optional<String> unsafe = multiLine ? PlainText.multiLineProblem(value) : PlainText.singleLineProblem(value);
        if (unsafe.isPresent()) {
            errors.add(new FieldError(field, unsafe.get()));
        } else if (value.length() > max && value.codePointCount(0, value.length()) > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
        }
    }

    /** An id or name: its characters first (so a hidden character is named), then its pattern. */
    private static void requireMatch(
            List<FieldError> errors, String field, String value, Pattern pattern, boolean required, String rule) {
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return;
        }
        Optional<String> unsafe = PlainText.singleLineProblem(value);
        if (unsafe.isPresent()) {
            errors.add(new FieldError(field, unsafe.get()));
        } else if (!pattern.matcher(value).matches()) {
            errors.add(new FieldError(field, "must be " + rule));
        }
    }
}
