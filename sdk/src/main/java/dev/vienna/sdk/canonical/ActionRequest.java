package dev.vienna.sdk.canonical;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The exact action an agent or executor is about to run. Its {@link #digest()} is what a warrant's {@code actionDigest}
 * claim binds: SHA-256 over the RFC 8785 canonical JSON of {@code {agentId, action, resource, params}}, base64url
 * without padding. Key order, white space and number spelling of the params do not change it; any change of value does.
 * Params that do not name exactly one value are refused rather than digested: a repeated member name, content after the
 * value, a lone surrogate, a number the canonical form would change ({@link CanonicalJson#write}).
 */
public record ActionRequest(String agentId, String action, String resource, String paramsJson) {

    /** The digest; throws IllegalArgumentException (and nothing else) when the params cannot be digested. */
    public String digest() {
        ObjectNode action = JsonNodeFactory.instance.objectNode();
        action.put("agentId", agentId);
        action.put("action", this.action);
        action.put("resource", resource);
        action.set("params", CanonicalJson.parse(paramsJson == null || paramsJson.isBlank() ? "{}" : paramsJson));
        try {
            byte[] canonical = CanonicalJson.write(action).getBytes(StandardCharsets.UTF_8);
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
