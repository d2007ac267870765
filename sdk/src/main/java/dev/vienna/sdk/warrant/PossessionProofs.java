package dev.vienna.sdk.warrant;

import com.nimbusds.jose.JOSEObjectType;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Proof that whoever presents a key-bound warrant holds its key: a compact JWS ({@code typ: vienna-pop+jwt}, the
 * agent's public key as {@code jwk}) over {@code {"warrantId", "purpose", "iat", "jti"}}: the warrant it is for, what
 * it is presented for ({@code claim}, {@code verify}), when (epoch seconds) and a random id. A proof is accepted only
 * for its warrant and purpose, by the bound key, and while fresh.
 */
public final class PossessionProofs {

    public static final JOSEObjectType TYPE = new JOSEObjectType("vienna-pop+jwt");

    /** What a proof is presented for. */
    public static final String CLAIM = "claim";

    public static final String VERIFY = "verify";

    private static final SecureRandom RANDOM = new SecureRandom();

    public static String sign(String warrantId, String purpose, Instant at, WarrantKey agentKey) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("warrantId", warrantId);
        claims.put("purpose", purpose);
        claims.put("iat", at.getEpochSecond());
        claims.put("jti", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        return AgentProofs.sign(TYPE, claims, agentKey);
    }

    /**
     * Why {@code proof} does not prove possession of the key {@code boundThumbprint} for {@code warrantId} and
     * {@code purpose} now (issued within {@code maxAge} of the clock, either way); empty when it does. Never throws.
     */
    public static Optional<String> problem(
            String proof, String boundThumbprint, String warrantId, String purpose, Clock clock, Duration maxAge) {
        if (boundThumbprint == null) {
            return Optional.of("the warrant is bound to no key");
        }
        AgentProofs.Checked checked = AgentProofs.verify(proof, TYPE, boundThumbprint);
        if (!checked.valid()) {
            return Optional.of(checked.problem());
        }
        Map<String, Object> claims = checked.claims();
        if (!warrantId.equals(claims.get("warrantId"))) {
            return Optional.of(
                    "the proof is for warrant " + ClaimReader.describe(claims.get("warrantId")) + ", not " + warrantId);
        }
        if (!purpose.equals(claims.get("purpose"))) {
            return Optional.of("the proof is for " + ClaimReader.describe(claims.get("purpose")) + ", not " + purpose);
        }
        if (!(claims.get("iat") instanceof Long || claims.get("iat") instanceof Integer)) {
            return Optional.of("iat must be epoch seconds, not " + ClaimReader.describe(claims.get("iat")));
        }
        Instant issued = Instant.ofEpochSecond(((Number) claims.get("iat")).longValue());
        Duration age = Duration.between(issued, clock.instant()).abs();
        if (age.compareTo(maxAge) > 0) {
            return Optional.of("the proof was made at " + issued + ", more than " + maxAge + " from now");
        }
        return Optional.empty();
    }

    private PossessionProofs() {}
}
