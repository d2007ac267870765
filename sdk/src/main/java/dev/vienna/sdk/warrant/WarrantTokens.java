package dev.vienna.sdk.warrant;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vienna.sdk.warrant.WarrantClaims.Names;
import java.text.ParseException;
import java.time.Instant;
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

    /** The claims of a token, without checking anything: for display. Verify with {@link WarrantVerifier}. */
    public static WarrantClaims readUnverified(String token) throws ParseException {
        return fromClaimsSet(SignedJWT.parse(token).getJWTClaimsSet());
    }

    static JWTClaimsSet toClaimsSet(WarrantClaims c) {
        List<Map<String, Object>> approvers = new ArrayList<>();
        for (WarrantClaims.Approver a : c.approvedBy()) {
            Map<String, Object> approver = new LinkedHashMap<>();
            approver.put("operatorId", a.operatorId());
            approver.put("approvedAt", a.approvedAt().getEpochSecond());
            approvers.add(approver);
        }
        return new JWTClaimsSet.Builder()
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
                .claim(Names.ACTION_DIGEST, c.actionDigest())
                .build();
    }

    /** Throws ParseException (with the claim's name) when a claim is missing or of the wrong type. */
    static WarrantClaims fromClaimsSet(JWTClaimsSet set) throws ParseException {
        List<WarrantClaims.Approver> approvers = new ArrayList<>();
        List<Object> raw = set.getListClaim(Names.APPROVED_BY);
        for (Object entry : raw == null ? List.<Object>of() : raw) {
            if (!(entry instanceof Map<?, ?> approver)
                    || !(approver.get("operatorId") instanceof String id)
                    || !(approver.get("approvedAt") instanceof Number at)) {
                throw new ParseException("approvedBy entries need operatorId and approvedAt", 0);
            }
            approvers.add(new WarrantClaims.Approver(id, Instant.ofEpochSecond(at.longValue())));
        }
        Map<String, String> constraints = new LinkedHashMap<>();
        Map<String, Object> rawConstraints = set.getJSONObjectClaim(Names.CONSTRAINTS);
        if (rawConstraints != null) {
            rawConstraints.forEach((k, v) -> constraints.put(k, String.valueOf(v)));
        }
        try {
            return new WarrantClaims(
                    required(set.getIssuer(), "iss"),
                    required(set.getSubject(), "sub"),
                    set.getAudience().size() == 1 ? set.getAudience().get(0) : required(null, "aud (exactly one)"),
                    required(set.getJWTID(), "jti"),
                    instant(set.getIssueTime(), "iat"),
                    instant(set.getNotBeforeTime(), "nbf"),
                    instant(set.getExpirationTime(), "exp"),
                    required(set.getStringClaim(Names.INTENT_ID), Names.INTENT_ID),
                    required(set.getStringClaim(Names.TENANT_ID), Names.TENANT_ID),
                    required(set.getStringClaim(Names.ACTION), Names.ACTION),
                    required(set.getStringClaim(Names.RESOURCE), Names.RESOURCE),
                    WarrantClaims.Tier.valueOf(required(set.getStringClaim(Names.TIER), Names.TIER)),
                    WarrantClaims.Mode.valueOf(required(set.getStringClaim(Names.MODE), Names.MODE)),
                    constraints,
                    approvers,
                    required(set.getStringClaim(Names.POLICY_VERSION), Names.POLICY_VERSION),
                    required(set.getStringClaim(Names.ACTION_DIGEST), Names.ACTION_DIGEST));
        } catch (IllegalArgumentException e) {
            throw new ParseException("bad tier or mode: " + e.getMessage(), 0);
        }
    }

    private static String required(String value, String claim) throws ParseException {
        if (value == null || value.isEmpty()) {
            throw new ParseException("claim " + claim + " is missing", 0);
        }
        return value;
    }

    private static Instant instant(Date date, String claim) throws ParseException {
        if (date == null) {
            throw new ParseException("claim " + claim + " is missing", 0);
        }
        return date.toInstant();
    }

    /** The {@code aud} of a warrant: executor-service for DIRECT, the agent itself for PASSBACK. */
    public static String audienceFor(WarrantClaims.Mode mode, String agentId, String executorAudience) {
        return mode == WarrantClaims.Mode.DIRECT ? executorAudience : "agent:" + agentId;
    }

    private WarrantTokens() {}
}
