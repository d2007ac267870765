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

    /** The length of a key id, in characters. */
    public static final int KEY_ID_LENGTH = 12;

    /** Bytes of a key's secret: 256 bits. */
    public static final int SECRET_LENGTH = 32;

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

    /** A new key from {@value #KEY_ID_LENGTH} random key id bytes and {@value #SECRET_LENGTH} random secret bytes. */
    public static Issued generate() {
        byte[] keyId = new byte[KEY_ID_LENGTH];
        RANDOM.nextBytes(keyId);
        byte[] secret = new byte[SECRET_LENGTH];
        RANDOM.nextBytes(secret);
        return fromSecret(keyId, secret);
    }

    /**
     * The key made of the given bytes: each of the {@value #KEY_ID_LENGTH} key id bytes picks one character of the key
     * id (its low five bits, in the base32 alphabet in lower case), and the {@value #SECRET_LENGTH} secret bytes are
     * the secret (base64url). The same bytes always make the same key. Throws IllegalArgumentException for other
     * lengths.
     */
    public static Issued fromSecret(byte[] keyIdBytes, byte[] secretBytes) {
        if (keyIdBytes.length != KEY_ID_LENGTH || secretBytes.length != SECRET_LENGTH) {
            throw new IllegalArgumentException("an API key takes " + KEY_ID_LENGTH + " key id bytes and "
                    + SECRET_LENGTH + " secret bytes, not " + keyIdBytes.length + " and " + secretBytes.length);
        }
        StringBuilder keyId = new StringBuilder(KEY_ID_LENGTH);
        for (byte b : keyIdBytes) {
            keyId.append(KEY_ID_ALPHABET[(b & 0xff) % KEY_ID_ALPHABET.length]);
        }
        String key =
                PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
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
