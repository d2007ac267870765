package dev.vienna.sdk.kafka.evidence;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The log's statement of which audit records make up one intent, the body of a C2SP signed note signed with the
 * checkpoint key:
 *
 * <pre>
 * &lt;deployment&gt;/audit/intent/&lt;intentId&gt;
 * &lt;number of records&gt;
 * &lt;base64 SHA-256 over the records' hashes (32 raw bytes each), in chain order&gt;
 * </pre>
 *
 * A bundle whose records do not give the same count and digest had a record removed, added or replaced.
 *
 * @param origin {@code <deployment>/audit/intent/<intentId>}
 * @param count how many records
 * @param digest SHA-256 over their hashes
 */
public record EvidenceStatement(String origin, long count, byte[] digest) {

    private static final String INTENT_PATH = "/audit/intent/";

    /** The statement of {@code recordHashes} (hex, as in {@code AuditRecord.hash}) for {@code intentId}. */
    public static EvidenceStatement of(String deployment, String intentId, List<String> recordHashes) {
        return new EvidenceStatement(origin(deployment, intentId), recordHashes.size(), digest(recordHashes));
    }

    /** The statement's origin line. */
    public static String origin(String deployment, String intentId) {
        return deployment + INTENT_PATH + intentId;
    }

    /** SHA-256 over the hashes' raw bytes; a hash that is not 64 hex digits is hashed as its UTF-8 text. */
    public static byte[] digest(List<String> recordHashes) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String hash : recordHashes) {
                sha256.update(
                        hash != null && hash.matches("[0-9a-f]{64}")
                                ? HexFormat.of().parseHex(hash)
                                : String.valueOf(hash).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The note body: three lines, each ending in a newline. */
    public String text() {
        return origin + "\n" + count + "\n" + Base64.getEncoder().encodeToString(digest) + "\n";
    }

    /** Reads a note body written by {@link #text()}; empty when it is not one (never throws). */
    public static Optional<EvidenceStatement> parse(String text) {
        if (text == null || !text.endsWith("\n")) {
            return Optional.empty();
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length != 3 || !lines[0].contains(INTENT_PATH) || !lines[1].matches("0|[1-9][0-9]{0,17}")) {
            return Optional.empty();
        }
        try {
            byte[] digest = Base64.getDecoder().decode(lines[2]);
            if (digest.length != 32) {
                return Optional.empty();
            }
            return Optional.of(new EvidenceStatement(lines[0], Long.parseLong(lines[1]), digest));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The intent the origin names. */
    public String intentId() {
        return origin.substring(origin.lastIndexOf(INTENT_PATH) + INTENT_PATH.length());
    }
}
