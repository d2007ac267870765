package dev.vienna.sdk.warrant;

import dev.vienna.sdk.canonical.IJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a warrant's claims from the payload's JSON object as sent, whatever its JSON types and values: each accessor
 * returns the claim as Vienna needs it or throws ParseException naming the claim, what it must be and what it is. No
 * value is coerced: a number is not a string, a list of two audiences is not an audience, {@code exp: 1e300} is not a
 * time (nimbus's typed getters would wrap it around to 1969).
 */
final class ClaimReader {

    /** The latest NumericDate accepted: 9999-12-31T23:59:59Z. */
    static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    private final Map<String, Object> claims;

    ClaimReader(Map<String, Object> claims) {
        this.claims = claims;
    }

    /** A required, non-empty string claim. */
    String string(String name) throws ParseException {
        Object value = claims.get(name);
        if (value == null) {
            throw fail("claim " + name + " is missing");
        }
        if (!(value instanceof String text)) {
            throw fail("claim " + name + " must be a string, not " + describe(value));
        }
        if (text.isEmpty()) {
            throw fail("claim " + name + " is empty");
        }
        return text;
    }

    /** {@code aud}: one string, or a list holding exactly one string. */
    String audience() throws ParseException {
        Object value = claims.get("aud");
        if (value == null) {
            throw fail("claim aud is missing");
        }
        if (value instanceof List<?> list) {
            if (list.size() != 1) {
                throw fail("claim aud must name exactly one audience, not " + list.size());
            }
            value = list.get(0);
        }
        if (!(value instanceof String audience) || audience.isEmpty()) {
            throw fail("claim aud must be a non-empty string, not " + describe(value));
        }
        return audience;
    }

    /** A required NumericDate (RFC 7519): seconds since 1970 (fractions dropped), from 0 to year 9999. */
    Instant numericDate(String name) throws ParseException {
        Object value = claims.get(name);
        if (value == null) {
            throw fail("claim " + name + " is missing");
        }
        return numericDate("claim " + name, value);
    }

    private static Instant numericDate(String what, Object value) throws ParseException {
        Long seconds = null;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            seconds = ((Number) value).longValue();
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d) && d >= 0 && d <= MAX_EPOCH_SECOND) {
                seconds = (long) Math.floor(d);
            }
        } else if (value instanceof BigInteger || value instanceof BigDecimal) {
            BigDecimal exact = new BigDecimal(value.toString());
            if (exact.signum() >= 0 && exact.compareTo(BigDecimal.valueOf(MAX_EPOCH_SECOND)) <= 0) {
                seconds = exact.longValue();
            }
        }
        if (seconds == null || seconds < 0 || seconds > MAX_EPOCH_SECOND) {
            throw fail(what + " must be a NumericDate (seconds since 1970, at most " + MAX_EPOCH_SECOND
                    + " = year 9999), not " + describe(value));
        }
        return Instant.ofEpochSecond(seconds);
    }

    /** A required string claim that names one constant of an enum, exactly. */
    <E extends Enum<E>> E oneOf(String name, Class<E> type) throws ParseException {
        Object value = claims.get(name);
        if (value == null) {
            throw fail("claim " + name + " is missing");
        }
        E[] constants = type.getEnumConstants();
        if (value instanceof String text) {
            for (E constant : constants) {
                if (constant.name().equals(text)) {
                    return constant;
                }
            }
        }
        throw fail("claim " + name + " must be one of " + List.of(constants) + ", not " + describe(value));
    }

    /** {@code constraints}: absent, or an object of named strings. */
    Map<String, String> constraints() throws ParseException {
        Object value = claims.get(WarrantClaims.Names.CONSTRAINTS);
        Map<String, String> constraints = new LinkedHashMap<>();
        if (value == null) {
            return constraints;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw fail("claim constraints must be an object of named expressions, not " + describe(value));
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String name) || name.isEmpty()) {
                throw fail("claim constraints has a constraint without a name");
            }
            if (!(entry.getValue() instanceof String expression)) {
                throw fail("constraint " + quoted(name) + " must be a string, not " + describe(entry.getValue()));
            }
            constraints.put(name, expression);
        }
        return constraints;
    }

    /** {@code approvedBy}: absent, or an array of {@code {operatorId, approvedAt}}. */
    List<WarrantClaims.Approver> approvers() throws ParseException {
        Object value = claims.get(WarrantClaims.Names.APPROVED_BY);
        List<WarrantClaims.Approver> approvers = new ArrayList<>();
        if (value == null) {
            return approvers;
        }
        if (!(value instanceof List<?> list)) {
            throw fail("claim approvedBy must be an array, not " + describe(value));
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "approvedBy[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> approver)) {
                throw fail(at + " must be an object with operatorId and approvedAt, not " + describe(list.get(i)));
            }
            Object operator = approver.get("operatorId");
            if (!(operator instanceof String operatorId) || operatorId.isEmpty()) {
                throw fail(at + ".operatorId must be a non-empty string, not " + describe(operator));
            }
            Object approvedAt = approver.get("approvedAt");
            if (approvedAt == null) {
                throw fail(at + ".approvedAt is missing");
            }
            approvers.add(new WarrantClaims.Approver(operatorId, numericDate(at + ".approvedAt", approvedAt)));
        }
        return approvers;
    }

    /**
     * {@code cnf} (RFC 7800): absent (null), or an object holding exactly {@code jkt}, an RFC 7638 SHA-256 thumbprint
     * (43 base64url characters).
     */
    String confirmation() throws ParseException {
        Object value = claims.get(WarrantClaims.Names.CONFIRMATION);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> cnf) || cnf.size() != 1) {
            throw fail("claim cnf must be an object holding only jkt, not " + describe(value));
        }
        Object jkt = cnf.get(WarrantClaims.Names.JWK_THUMBPRINT);
        if (!(jkt instanceof String thumbprint) || !KeyThumbprints.isThumbprint(thumbprint)) {
            throw fail(
                    "claim cnf.jkt must be a SHA-256 JWK thumbprint (43 base64url characters), not " + describe(jkt));
        }
        return thumbprint;
    }

    /** A JSON value as a refusal names it: its type, and a short, escaped preview of scalars. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            return "the string " + quoted(text);
        }
        if (value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Number) {
            return "the number " + value;
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof List<?> list) {
            return "an array of " + list.size();
        }
        return "a " + value.getClass().getSimpleName();
    }

    /** Text from a token, quoted for a message: escaped and cut short ({@link IJson#quoted}). */
    static String quoted(String text) {
        return IJson.quoted(text);
    }

    private static ParseException fail(String message) {
        return new ParseException(message, 0);
    }
}
