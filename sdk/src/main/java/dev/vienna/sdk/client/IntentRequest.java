package dev.vienna.sdk.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An intent as agents write it: the body of {@code POST /v1/intents} (intake-service) and of {@code POST
 * /v1/policy/evaluate}, and the {@code intent} of a policy test case. Only agentId, action and resource are required;
 * the risk factors default to "unknown" (0, reversible) and policy decides what unknown means. {@code owner} names the
 * human principal the agent acts for: that operator may not approve the intent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IntentRequest(
        String tenantId,
        String agentId,
        String action,
        String resource,
        JsonNode params,
        String justification,
        Double costImpact,
        Boolean reversible,
        Integer blastRadius,
        Integer urgency,
        String idempotencyKey,
        Map<String, String> labels,
        String owner) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final int MAX_LABELS = 32;

    /** One invalid field and what it must be. */
    public record FieldError(String field, String message) {}

    /** Every problem with the body, field by field; empty when it is valid. */
    public List<FieldError> validate() {
        List<FieldError> errors = new ArrayList<>();
        requireMatch(errors, "tenantId", tenantId, ID, false, "1-128 characters of letters, digits and ._:@/-");
        requireMatch(errors, "agentId", agentId, ID, true, "1-128 characters of letters, digits and ._:@/-");
        requireMatch(
                errors, "action", action, ACTION, true, "snake_case, starting with a letter, at most 64 characters");
        if (resource == null || resource.isBlank()) {
            errors.add(new FieldError("resource", "is required"));
        } else if (resource.length() > 256) {
            errors.add(new FieldError("resource", "must be at most 256 characters"));
        }
        if (params != null && !params.isNull() && !params.isObject()) {
            errors.add(new FieldError("params", "must be a JSON object"));
        }
        if (justification != null && justification.length() > 2000) {
            errors.add(new FieldError("justification", "must be at most 2000 characters"));
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
        requireMatch(
                errors, "idempotencyKey", idempotencyKey, ID, false, "1-128 characters of letters, digits and ._:@/-");
        requireMatch(errors, "owner", owner, ID, false, "1-128 characters of letters, digits and ._:@/-");
        if (labels != null && labels.size() > MAX_LABELS) {
            errors.add(new FieldError("labels", "at most " + MAX_LABELS + " labels"));
        }
        return errors;
    }

    private static void requireMatch(
            List<FieldError> errors, String field, String value, Pattern pattern, boolean required, String rule) {
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
        } else if (!pattern.matcher(value).matches()) {
            errors.add(new FieldError(field, "must be " + rule));
        }
    }
}
