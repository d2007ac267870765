package dev.vienna.notifier;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (standardwebhooks.com): {@code webhook-signature: v1,<base64 HMAC-SHA256>} over
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, with the key of a secret written {@code whsec_<base64 key>}.
 */
public final class WebhookSigner {

    public static final String SECRET_PREFIX = "whsec_";

    /** Standard Webhooks asks for 24 to 64 random bytes; fewer than this many is refused. */
    static final int MIN_KEY_BYTES = 16;

    private WebhookSigner() {}

    /**
     * The key of a {@code whsec_<base64>} secret.
     *
     * @throws IllegalArgumentException naming what is wrong (never the secret itself)
     */
    public static byte[] keyOf(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("a secret must be written " + SECRET_PREFIX + "<base64 key>");
        }
        byte[] key;
        try {
            key = Base64.getDecoder()
                    .decode(secret.substring(SECRET_PREFIX.length()).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secret after " + SECRET_PREFIX + " is not base64");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the secret's key has " + key.length + " bytes, fewer than "
                    + MIN_KEY_BYTES + " (Standard Webhooks: 24 to 64 random bytes)");
        }
        return key;
    }

    /** The {@code webhook-signature} header value for one attempt. */
    public static String sign(byte[] key, String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
