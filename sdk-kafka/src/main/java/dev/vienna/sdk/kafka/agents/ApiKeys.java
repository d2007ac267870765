package dev.vienna.sdk.kafka.agents;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Agents' HTTP API keys: {@code vak_<keyId>_<secret>}, recognisable by their prefix (so secret scanners and logs can
 * spot one), with a 12-character key id by which the registry finds the agent, and 256 random bits of secret. Only the
 * SHA-256 of the whole key is ever stored (a key of that entropy needs no slow hash); the key itself is shown once,
 * when it is made. Parsing and matching never throw: anything that is not a well-formed key simply does not match.
 */
public final class ApiKeys {

    /** Every Vienna agent API key starts with this. */
    public static final String PREFIX = "vak_";

    private static final Pattern FORMAT = Pattern.compile("vak_([a-z2-7]{12})_([A-Za-z0-9_-]{43})");
    private static final char[] KEY_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new key: its id, the key itself (shown once) and the hash the registry keeps. */
    public record Issued(String keyId, String key, String sha256) {
        @Override
        public String toString() {
            return "Issued[" + keyId + ", key hidden]";
        }
    }

    public static Issued generate() {
        StringBuilder keyId = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            keyId.append(KEY_ID_ALPHABET[RANDOM.nextInt(KEY_ID_ALPHABET.length)]);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key =
                PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Issued(keyId.toString(), key, sha256(key));
    }

    /** The key id of a presented key, or empty when it is not a well-formed Vienna API key. */
    public static Optional<String> keyIdOf(String presented) {
        if (presented == null || presented.length() != 60) {
            return Optional.empty();
        }
        Matcher matcher = FORMAT.matcher(presented);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** Whether {@code presented} is the key whose hash is {@code sha256Hex}, compared in constant time. */
    public static boolean matches(String presented, String sha256Hex) {
        if (presented == null || sha256Hex == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(sha256Hex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(digest(presented), expected);
    }

    /** The hex SHA-256 of a key, as the registry stores it. */
    public static String sha256(String key) {
        return HexFormat.of().formatHex(digest(key));
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private ApiKeys() {}
}
