package dev.vienna.sdk.warrant;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.vienna.sdk.canonical.ActionRequest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a warrant offline, for one action about to run, failing closed with a distinct reason for each check, in this
 * order: well-formed; {@code alg} in the allow-list (never {@code none}); known {@code kid}; the token's algorithm is
 * the key's (an HS256 token is never checked against an Ed25519 public key used as a secret); signature;
 * {@code nbf}/{@code exp} within the allowed skew; audience; subject is the executing agent; action, resource and
 * params match {@code actionDigest} and satisfy the constraints ({@link ConstraintEvaluator}); not revoked; not used
 * before. The last two are supplied by the caller.
 */
public final class WarrantVerifier {

    /** Algorithms a warrant may use. */
    public static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.HS256);

    private final KeyResolver keys;
    private final Clock clock;
    private final Duration allowedSkew;
    private final Revocations revocations;
    private final SingleUse singleUse;
    private final ConstraintEvaluator constraints;

    /**
     * @param constraints how the warrant's constraint expressions are checked ({@link ConstraintEvaluator#discover()}:
     *     the CEL evaluator when {@code vienna-sdk-cel} is on the class path; otherwise every expression fails closed)
     */
    public WarrantVerifier(
            KeyResolver keys,
            Clock clock,
            Duration allowedSkew,
            Revocations revocations,
            SingleUse singleUse,
            ConstraintEvaluator constraints) {
        this.keys = keys;
        this.clock = clock;
        this.allowedSkew = allowedSkew;
        this.revocations = revocations;
        this.singleUse = singleUse;
        this.constraints = constraints;
    }

    /** The same with the constraint evaluator found on the class path. */
    public WarrantVerifier(
            KeyResolver keys, Clock clock, Duration allowedSkew, Revocations revocations, SingleUse singleUse) {
        this(keys, clock, allowedSkew, revocations, singleUse, ConstraintEvaluator.discover());
    }

    public WarrantVerifier(
            Collection<WarrantKey> keys,
            Clock clock,
            Duration allowedSkew,
            Revocations revocations,
            SingleUse singleUse) {
        this(fixed(keys), clock, allowedSkew, revocations, singleUse);
    }

    /** A verifier without revocation or single-use tracking: for offline checks that consume nothing. */
    public WarrantVerifier(Collection<WarrantKey> keys, Clock clock, Duration allowedSkew) {
        this(fixed(keys), clock, allowedSkew, Revocations.NONE, SingleUse.NOT_TRACKED);
    }

    private static KeyResolver fixed(Collection<WarrantKey> keys) {
        Map<String, WarrantKey> byId =
                keys.stream().collect(Collectors.toUnmodifiableMap(WarrantKey::keyId, Function.identity()));
        return keyId -> Optional.ofNullable(byId.get(keyId));
    }

    /**
     * @param token the compact JWS
     * @param audience who is executing: the executor's audience, or {@code agent:<agentId>}
     * @param request the action about to run, as the executor will run it
     */
    public Verification verify(String token, String audience, ActionRequest request) {
        if (token == null || token.isBlank()) {
            return Verification.failed(Reason.MALFORMED, "no token");
        }
        Algorithm algorithm;
        try {
            algorithm = Header.parse(Base64URL.from(token.substring(0, Math.max(0, token.indexOf('.')))))
                    .getAlgorithm();
        } catch (ParseException e) {
            return Verification.failed(Reason.MALFORMED, "header is not a JOSE header: " + e.getMessage());
        }
        if (!(algorithm instanceof JWSAlgorithm jws) || !ALLOWED.contains(jws)) {
            return Verification.failed(Reason.ALGORITHM_NOT_ALLOWED, "alg " + algorithm + " is not one of " + ALLOWED);
        }
        SignedJWT jwt;
        WarrantClaims claims;
        try {
            jwt = SignedJWT.parse(token);
            if (!WarrantTokens.TYPE.equals(jwt.getHeader().getType())) {
                return Verification.failed(
                        Reason.MALFORMED, "typ is " + jwt.getHeader().getType() + ", not " + WarrantTokens.TYPE);
            }
            claims = WarrantTokens.fromClaimsSet(jwt.getJWTClaimsSet());
        } catch (ParseException e) {
            return Verification.failed(Reason.MALFORMED, e.getMessage());
        }
        String keyId = jwt.getHeader().getKeyID();
        WarrantKey key = keyId == null ? null : keys.resolve(keyId).orElse(null);
        if (key == null) {
            return Verification.failed(
                    Reason.UNKNOWN_KEY, "unknown kid " + jwt.getHeader().getKeyID());
        }
        if (!key.jwsAlgorithm().equals(jws)) {
            return Verification.failed(
                    Reason.ALGORITHM_MISMATCH,
                    "key " + key.keyId() + " is " + key.jwsAlgorithm() + ", token claims " + jws);
        }
        try {
            if (!jwt.verify(key.verifier())) {
                return Verification.failed(Reason.BAD_SIGNATURE, "signature does not match");
            }
        } catch (JOSEException e) {
            return Verification.failed(Reason.BAD_SIGNATURE, e.getMessage());
        }
        Instant now = clock.instant();
        if (now.isBefore(claims.notBefore().minus(allowedSkew))) {
            return Verification.failed(Reason.NOT_YET_VALID, "valid from " + claims.notBefore());
        }
        if (!now.isBefore(claims.expiresAt().plus(allowedSkew))) {
            return Verification.failed(Reason.EXPIRED, "expired at " + claims.expiresAt());
        }
        if (!claims.audience().equals(audience)) {
            return Verification.failed(Reason.WRONG_AUDIENCE, "for " + claims.audience() + ", not " + audience);
        }
        if (!claims.agentId().equals(request.agentId())) {
            return Verification.failed(
                    Reason.WRONG_AGENT, "issued to " + claims.agentId() + ", presented by " + request.agentId());
        }
        String digest;
        try {
            digest = request.digest();
        } catch (IllegalArgumentException e) {
            return Verification.failed(Reason.ACTION_MISMATCH, e.getMessage());
        }
        if (!claims.action().equals(request.action())
                || !claims.resource().equals(request.resource())
                || !claims.actionDigest().equals(digest)) {
            return Verification.failed(
                    Reason.ACTION_MISMATCH, "the action, resource or params differ from what was authorized");
        }
        var violation = constraints.violation(claims.constraints(), request);
        if (violation.isPresent()) {
            return Verification.failed(Reason.CONSTRAINT_VIOLATED, violation.get());
        }
        if (revocations.isRevoked(claims)) {
            return Verification.failed(Reason.REVOKED, "warrant " + claims.warrantId() + " was revoked");
        }
        if (!singleUse.claim(claims)) {
            return Verification.failed(Reason.ALREADY_USED, "warrant " + claims.warrantId() + " was used before");
        }
        return new Verification(true, null, "valid", claims);
    }

    /** Why a warrant was refused, one value per check. */
    public enum Reason {
        MALFORMED,
        ALGORITHM_NOT_ALLOWED,
        UNKNOWN_KEY,
        ALGORITHM_MISMATCH,
        BAD_SIGNATURE,
        NOT_YET_VALID,
        EXPIRED,
        WRONG_AUDIENCE,
        WRONG_AGENT,
        ACTION_MISMATCH,
        CONSTRAINT_VIOLATED,
        REVOKED,
        ALREADY_USED
    }

    /** Valid (with the verified claims), or the first reason it failed. */
    public record Verification(boolean valid, Reason reason, String detail, WarrantClaims claims) {
        static Verification failed(Reason reason, String detail) {
            return new Verification(false, reason, detail, null);
        }
    }

    /** The verification key for a {@code kid}, if known (a key ring, a refreshing JWKS...). */
    @FunctionalInterface
    public interface KeyResolver {
        Optional<WarrantKey> resolve(String keyId);
    }

    /** Whether a warrant was revoked. */
    @FunctionalInterface
    public interface Revocations {
        Revocations NONE = claims -> false;

        boolean isRevoked(WarrantClaims claims);
    }

    /** Records a warrant's use; false when it was used before. Called only for otherwise valid warrants. */
    @FunctionalInterface
    public interface SingleUse {
        SingleUse NOT_TRACKED = claims -> true;

        boolean claim(WarrantClaims claims);
    }
}
