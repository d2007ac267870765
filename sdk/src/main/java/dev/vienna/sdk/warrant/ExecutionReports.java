package dev.vienna.sdk.warrant;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Signed execution reports: a compact JWS ({@code typ: vienna-execution-report+jwt}, {@code alg: EdDSA}, the agent's
 * key id and public key as {@code jwk} in the header) whose payload is {@code {"warrantId", "intentId", "agentId",
 * "actionDigest", "status", "startedAt", "finishedAt", "outputDigest", "error"}} (times in epoch milliseconds; absent
 * digest or error as null). Vienna accepts one only when its key is the one the warrant is bound to ({@code cnf.jkt})
 * and, at intake, a registered key of that agent.
 */
public final class ExecutionReports {

    public static final JOSEObjectType TYPE = new JOSEObjectType("vienna-execution-report+jwt");

    /** The agent's signed report. */
    public static String sign(ExecutionReport report, WarrantKey agentKey) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("warrantId", report.warrantId());
        claims.put("intentId", report.intentId());
        claims.put("agentId", report.agentId());
        claims.put("actionDigest", report.actionDigest());
        claims.put("status", report.status().name());
        claims.put("startedAt", report.startedAt().toEpochMilli());
        claims.put("finishedAt", report.finishedAt().toEpochMilli());
        claims.put("outputDigest", report.outputDigest());
        claims.put("error", report.error());
        return AgentProofs.sign(TYPE, claims, agentKey);
    }

    /** A checked report: valid with what it says and the signing key's id and thumbprint, or why not. */
    public record Verification(
            boolean valid, String problem, ExecutionReport report, String keyId, String keyThumbprint) {}

    /**
     * Checks a signed report: well-formed, signed by the key with {@code boundThumbprint} (the warrant's
     * {@code cnf.jkt}), every field present with its type. Never throws.
     */
    public static Verification verify(String signedReport, String boundThumbprint) {
        if (boundThumbprint == null) {
            return new Verification(
                    false, "the warrant is bound to no key: no agent may report on it", null, null, null);
        }
        AgentProofs.Checked checked = AgentProofs.verify(signedReport, TYPE, boundThumbprint);
        if (!checked.valid()) {
            return new Verification(false, checked.problem(), null, null, null);
        }
        try {
            return new Verification(true, null, read(checked.claims()), checked.keyId(), checked.thumbprint());
        } catch (IllegalArgumentException e) {
            return new Verification(false, e.getMessage(), null, null, null);
        }
    }

    /** The longest output an execution event carries whole, in characters. */
    public static final int MAX_OUTPUT_CHARS = 64 * 1024;

    /**
     * An output as an execution event carries it: whole up to {@value #MAX_OUTPUT_CHARS} characters, else
     * {@code {"truncated":true,"bytes":N,"sha256":"..."}} in its place, so an event always fits in a record (the
     * event's outputDigest is of the whole output either way).
     */
    public static String boundedOutput(String output) {
        if (output == null || output.length() <= MAX_OUTPUT_CHARS) {
            return output;
        }
        return "{\"truncated\":true,\"bytes\":" + output.getBytes(StandardCharsets.UTF_8).length + ",\"sha256\":\""
                + outputDigest(output) + "\"}";
    }

    /**
     * The warrant a signed report names, read without checking anything: only to find the warrant, and with it the key
     * the report must then verify with. Empty when it is not a compact JWS naming a warrant. Never throws.
     */
    public static Optional<String> warrantIdOf(String signedReport) {
        if (signedReport == null || signedReport.length() > AgentProofs.MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            Map<String, Object> claims =
                    JWSObject.parse(signedReport).getPayload().toJSONObject();
            return claims != null && claims.get("warrantId") instanceof String id && !id.isEmpty()
                    ? Optional.of(id)
                    : Optional.empty();
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 (hex) of an output as its report names it. */
    public static String outputDigest(String output) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(output.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static ExecutionReport read(Map<String, Object> claims) {
        ExecutionReport.Status status;
        try {
            status = ExecutionReport.Status.valueOf(text(claims, "status", false));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be SUCCEEDED or FAILED");
        }
        return new ExecutionReport(
                text(claims, "warrantId", false),
                text(claims, "intentId", false),
                text(claims, "agentId", false),
                text(claims, "actionDigest", false),
                status,
                millis(claims, "startedAt"),
                millis(claims, "finishedAt"),
                text(claims, "outputDigest", true),
                text(claims, "error", true));
    }

    private static String text(Map<String, Object> claims, String name, boolean nullable) {
        Object value = claims.get(name);
        if (value == null && nullable) {
            return null;
        }
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException(
                    name + " must be a non-empty string, not " + ClaimReader.describe(value));
        }
        return s;
    }

    private static Instant millis(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        if (!(value instanceof Long || value instanceof Integer) || ((Number) value).longValue() < 0) {
            throw new IllegalArgumentException(
                    name + " must be epoch milliseconds, not " + ClaimReader.describe(value));
        }
        return Instant.ofEpochMilli(((Number) value).longValue());
    }

    private ExecutionReports() {}
}
