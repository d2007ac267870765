package dev.vienna.sdk.warrant;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vienna.sdk.warrant.WarrantClaims.Names;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warrants as compact JWS (RFC 7515) built and parsed by nimbus-jose-jwt. The header carries {@code alg}, {@code kid}
 * and {@code typ: vienna-warrant+jwt}. Ed25519 signatures are deterministic, so the same claims and key always yield
 * the same token.
 */
public final class WarrantTokens {

    public static final JOSEObjectType TYPE = new JOSEObjectType("vienna-warrant+jwt");

    public static String sign(WarrantClaims claims, WarrantKey key) {
        JWSHeader header = new JWSHeader.Builder(key.jwsAlgorithm())
                .keyID(key.keyId())
                .type(TYPE)
                .build();
        SignedJWT jwt = new SignedJWT(header, toClaimsSet(claims));
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign warrant " + claims.warrantId() + ": " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /**
     * The longest token read or verified, in characters: {@value}. A warrant is well under 2 KiB (its params travel
     * beside it); anything this long is refused before it is parsed.
     */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /**
     * The claims of a token, without checking anything: for display. Verify with {@link WarrantVerifier}. Any input
     * that is not a compact JWS carrying well-typed warrant claims throws ParseException, never anything else.
     */
    public static WarrantClaims readUnverified(String token) throws ParseException {
        if (token == null || token.isBlank()) {
            throw new ParseException("no token", 0);
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new ParseException(
                    "token larger than " + MAX_TOKEN_LENGTH + " characters (" + token.length() + ")", 0);
        }
        try {
            return claimsOf(SignedJWT.parse(token));
        } catch (RuntimeException e) {
            throw new ParseException("not a warrant: " + e, 0);
        }
    }

    /** The warrant claims of a parsed token, read from its payload as sent (not through nimbus's typed claims). */
    static WarrantClaims claimsOf(SignedJWT jwt) throws ParseException {
        Map<String, Object> payload = jwt.getPayload().toJSONObject();
        if (payload == null) {
            throw new ParseException(
                    "the payload is not a JSON object (not JSON, not an object, a repeated name or nested too deep)",
                    0);
        }
        return fromClaims(payload);
    }

    static JWTClaimsSet toClaimsSet(WarrantClaims c) {
        List<Map<String, Object>> approvers = new ArrayList<>();
        for (WarrantClaims.Approver a : c.approvedBy()) {
            Map<String, Object> approver = new LinkedHashMap<>();
            approver.put("operatorId", a.operatorId());
            approver.put("approvedAt", a.approvedAt().getEpochSecond());
            approvers.add(approver);
        }
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(c.issuer())
                .subject(c.agentId())
                .audience(c.audience())
                .jwtID(c.warrantId())
                .issueTime(Date.from(c.issuedAt()))
                .notBeforeTime(Date.from(c.notBefore()))
                .expirationTime(Date.from(c.expiresAt()))
                .claim(Names.INTENT_ID, c.intentId())
                .claim(Names.TENANT_ID, c.tenantId())
                .claim(Names.ACTION, c.action())
                .claim(Names.RESOURCE, c.resource())
                .claim(Names.TIER, c.tier().name())
                .claim(Names.MODE, c.mode().name())
                .claim(Names.CONSTRAINTS, new LinkedHashMap<>(c.constraints()))
                .claim(Names.APPROVED_BY, approvers)
                .claim(Names.POLICY_VERSION, c.policyVersion())
                .claim(Names.ACTION_DIGEST, c.actionDigest());
        if (c.confirmationThumbprint() != null) {
            builder.claim(Names.CONFIRMATION, Map.of(Names.JWK_THUMBPRINT, c.confirmationThumbprint()));
        }
        return builder.build();
    }

    /**
     * Reads every claim with its type and range checked; throws ParseException naming the claim and what is wrong with
     * it, never an unchecked exception, whatever the JSON types and values.
     */
    static WarrantClaims fromClaims(Map<String, Object> claims) throws ParseException {
        ClaimReader read = new ClaimReader(claims);
        return new WarrantClaims(
                read.string("iss"),
                read.string("sub"),
                read.audience(),
                read.string("jti"),
                read.numericDate("iat"),
                read.numericDate("nbf"),
                read.numericDate("exp"),
                read.string(Names.INTENT_ID),
                read.string(Names.TENANT_ID),
                read.string(Names.ACTION),
                read.string(Names.RESOURCE),
                read.oneOf(Names.TIER, WarrantClaims.Tier.class),
                read.oneOf(Names.MODE, WarrantClaims.Mode.class),
                read.constraints(),
                read.approvers(),
                read.string(Names.POLICY_VERSION),
                read.string(Names.ACTION_DIGEST),
                read.confirmation());
    }

    /** The {@code aud} of a warrant: executor-service for DIRECT, the agent itself for PASSBACK. */
    public static String audienceFor(WarrantClaims.Mode mode, String agentId, String executorAudience) {
        return mode == WarrantClaims.Mode.DIRECT ? executorAudience : "agent:" + agentId;
    }

    private WarrantTokens() {}
}
