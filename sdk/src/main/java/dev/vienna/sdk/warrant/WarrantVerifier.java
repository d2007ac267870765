package dev.vienna.sdk.warrant;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
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
 * {@code nbf}/{@code exp} within the allowed skew; audience; subject is the executing agent; a PASSBACK warrant is
 * bound to a key ({@code cnf.jkt}) and its presenter proves holding that key ({@link Presenter}); action, resource and
 * params match {@code actionDigest} and satisfy the constraints ({@link ConstraintEvaluator}); not revoked; not used
 * before. The last two are supplied by the caller.
 *
 * <p>Well-formed means: at most {@value WarrantTokens#MAX_TOKEN_LENGTH} characters (checked before anything is parsed),
 * three base64url segments, a JOSE header with {@code typ: vienna-warrant+jwt} and no {@code crit}, and every claim
 * present with its JSON type and range. Whatever the input, {@link #verify} answers with a reason and a detail naming
 * the problem; it never throws. A hook that throws (key lookup, constraint evaluator, revocation list, single-use
 * ledger) fails its own check closed.
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
     * Never throws: whatever the token (any size, any bytes, any claim of any JSON type), and whatever the key
     * resolver, constraint evaluator, revocation list or single-use ledger do, the answer is a {@link Verification},
     * valid only when every check passed.
     *
     * @param token the compact JWS
     * @param audience who is executing: the executor's audience, or {@code agent:<agentId>}
     * @param request the action about to run, as the executor will run it
     */
    public Verification verify(String token, String audience, ActionRequest request) {
        return verify(token, audience, request, Presenter.NO_PROOF);
    }

    /**
     * The same, for a presenter who may prove holding the key a PASSBACK warrant is bound to: the agent itself
     * ({@link Presenter#holding}) or a proof it signed ({@link Presenter#proving}). Never throws.
     */
    public Verification verify(String token, String audience, ActionRequest request, Presenter presenter) {
        try {
            return check(token, audience, request, presenter);
        } catch (RuntimeException e) {
            // defence in depth: every kind of bad input is refused explicitly below; this only keeps a bug closed
            return Verification.failed(Reason.MALFORMED, "the warrant could not be checked: " + e);
        }
    }

    /**
     * Checks a warrant that {@link #verify} accepted earlier once more, just before it runs: every check of its use
     * again (validity window, audience, agent, action, constraints, revocation, single use), but not its parsing and
     * signature, which cannot have changed since. For an executor that verifies a warrant when it arrives and runs it
     * later, when a slot is free. Never throws; an earlier verification that was not valid stays refused.
     */
    public Verification verifyAgain(Verification earlier, String audience, ActionRequest request) {
        if (earlier == null || !earlier.valid() || earlier.claims() == null) {
            return earlier != null && !earlier.valid()
                    ? earlier
                    : Verification.failed(Reason.MALFORMED, "no earlier valid verification to check again");
        }
        try {
            return checkUse(earlier.claims(), audience, request, Presenter.NO_PROOF);
        } catch (RuntimeException e) {
            return Verification.failed(Reason.MALFORMED, "the warrant could not be checked: " + e);
        }
    }

    /**
     * Only whether {@code token} is a well-formed warrant signed by a known key with its own algorithm (no validity
     * window, audience, action, revocation or use is checked): for a service that must know a presented warrant is
     * genuine before trusting its claims (whose tenant it belongs to, say). Never throws.
     */
    public Verification verifySignature(String token) {
        try {
            return checkSignature(token);
        } catch (RuntimeException e) {
            return Verification.failed(Reason.MALFORMED, "the token could not be checked: " + e);
        }
    }

    private Verification check(String token, String audience, ActionRequest request, Presenter presenter) {
        Verification signed = checkSignature(token);
        if (!signed.valid()) {
            return signed;
        }
        WarrantClaims claims = signed.claims();
        return checkUse(claims, audience, request, presenter);
    }

    private Verification checkSignature(String token) {
        Optional<String> malformed = shapeProblem(token);
        if (malformed.isPresent()) {
            return Verification.failed(Reason.MALFORMED, malformed.get());
        }
        Algorithm algorithm;
        try {
            algorithm = Header.parse(Base64URL.from(token.substring(0, token.indexOf('.'))))
                    .getAlgorithm();
        } catch (ParseException e) {
            return Verification.failed(Reason.MALFORMED, "header is not a JOSE header: " + e.getMessage());
        }
        if (!(algorithm instanceof JWSAlgorithm jws) || !ALLOWED.contains(jws)) {
            return Verification.failed(
                    Reason.ALGORITHM_NOT_ALLOWED,
                    "alg " + (algorithm == null ? null : ClaimReader.quoted(algorithm.getName())) + " is not one of "
                            + ALLOWED);
        }
        SignedJWT jwt;
        WarrantClaims claims;
        try {
            jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (!WarrantTokens.TYPE.equals(header.getType())) {
                return Verification.failed(
                        Reason.MALFORMED,
                        "typ is "
                                + (header.getType() == null
                                        ? null
                                        : ClaimReader.quoted(header.getType().getType())) + ", not "
                                + WarrantTokens.TYPE);
            }
            if (header.getCriticalParams() != null) {
                return Verification.failed(
                        Reason.MALFORMED,
                        "header marks " + header.getCriticalParams().size()
                                + " parameter(s) critical (crit); a warrant has none");
            }
            claims = WarrantTokens.claimsOf(jwt);
        } catch (ParseException e) {
            return Verification.failed(Reason.MALFORMED, e.getMessage());
        }
        String keyId = jwt.getHeader().getKeyID();
        if (keyId == null) {
            return Verification.failed(Reason.UNKNOWN_KEY, "the header names no kid");
        }
        WarrantKey key;
        try {
            key = keys.resolve(keyId).orElse(null);
        } catch (RuntimeException e) {
            return Verification.failed(
                    Reason.UNKNOWN_KEY, "kid " + ClaimReader.quoted(keyId) + " could not be looked up: " + e);
        }
        if (key == null) {
            return Verification.failed(Reason.UNKNOWN_KEY, "unknown kid " + ClaimReader.quoted(keyId));
        }
        if (!key.jwsAlgorithm().equals(jws)) {
            return Verification.failed(
                    Reason.ALGORITHM_MISMATCH,
                    "key " + key.keyId() + " is " + key.jwsAlgorithm() + ", token claims " + jws);
        }
        if (jwt.getSignature().toString().isEmpty()) {
            return Verification.failed(Reason.BAD_SIGNATURE, "the token has no signature");
        }
        try {
            if (!jwt.verify(key.verifier())) {
                return Verification.failed(Reason.BAD_SIGNATURE, "signature does not match");
            }
        } catch (JOSEException | RuntimeException e) {
            return Verification.failed(
                    Reason.BAD_SIGNATURE,
                    "signature cannot be checked with key " + key.keyId() + ": " + e.getMessage());
        }
        return new Verification(true, null, "signed by " + key.keyId(), claims);
    }

    private Verification checkUse(WarrantClaims claims, String audience, ActionRequest request, Presenter presenter) {
        Instant now = clock.instant();
        if (now.isBefore(claims.notBefore().minus(allowedSkew))) {
            return Verification.failed(Reason.NOT_YET_VALID, "valid from " + claims.notBefore());
        }
        if (!now.isBefore(claims.expiresAt().plus(allowedSkew))) {
            return Verification.failed(Reason.EXPIRED, "expired at " + claims.expiresAt());
        }
        if (!claims.audience().equals(audience)) {
            return Verification.failed(
                    Reason.WRONG_AUDIENCE,
                    "for " + ClaimReader.quoted(claims.audience()) + ", not " + ClaimReader.quoted(audience));
        }
        if (request == null || !claims.agentId().equals(request.agentId())) {
            return Verification.failed(
                    Reason.WRONG_AGENT,
                    "issued to " + ClaimReader.quoted(claims.agentId()) + ", presented by "
                            + (request == null ? "no action request" : ClaimReader.quoted(request.agentId())));
        }
        if (claims.mode() == WarrantClaims.Mode.PASSBACK && claims.confirmationThumbprint() == null) {
            return Verification.failed(
                    Reason.KEY_NOT_PROVEN,
                    "a PASSBACK warrant must be bound to the agent's key (cnf.jkt); this one is not");
        }
        if (claims.confirmationThumbprint() != null) {
            Optional<String> unproven;
            try {
                unproven = presenter == null ? Optional.of("no presenter") : presenter.problem(claims);
            } catch (RuntimeException e) {
                unproven = Optional.of("the proof could not be checked (fail closed): " + e);
            }
            if (unproven == null || unproven.isPresent()) {
                return Verification.failed(
                        Reason.KEY_NOT_PROVEN,
                        "warrant bound to key " + claims.confirmationThumbprint() + ": "
                                + (unproven == null ? "no answer (fail closed)" : unproven.get()));
            }
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
        Optional<String> violation;
        try {
            violation = constraints.violation(claims.constraints(), request);
        } catch (RuntimeException e) {
            return Verification.failed(
                    Reason.CONSTRAINT_VIOLATED, "the constraints could not be evaluated (fail closed): " + e);
        }
        if (violation == null) {
            return Verification.failed(
                    Reason.CONSTRAINT_VIOLATED, "the constraint evaluator gave no answer (fail closed)");
        }
        if (violation.isPresent()) {
            return Verification.failed(Reason.CONSTRAINT_VIOLATED, violation.get());
        }
        try {
            if (revocations.isRevoked(claims)) {
                return Verification.failed(Reason.REVOKED, "warrant " + claims.warrantId() + " was revoked");
            }
        } catch (RuntimeException e) {
            return Verification.failed(
                    Reason.REVOKED,
                    "whether warrant " + claims.warrantId() + " was revoked is unknown (fail closed): " + e);
        }
        try {
            if (!singleUse.claim(claims)) {
                return Verification.failed(Reason.ALREADY_USED, "warrant " + claims.warrantId() + " was used before");
            }
        } catch (RuntimeException e) {
            return Verification.failed(
                    Reason.ALREADY_USED,
                    "the use of warrant " + claims.warrantId() + " could not be recorded (fail closed): " + e);
        }
        return new Verification(true, null, "valid", claims);
    }

    /**
     * What makes a token not even a compact JWS, checked before any parsing: none, too long, a character outside
     * base64url and the two dots, not three segments, a segment that is not base64url.
     */
    private static Optional<String> shapeProblem(String token) {
        if (token == null || token.isBlank()) {
            return Optional.of("no token");
        }
        if (token.length() > WarrantTokens.MAX_TOKEN_LENGTH) {
            return Optional.of(
                    "token larger than " + WarrantTokens.MAX_TOKEN_LENGTH + " characters (" + token.length() + ")");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c != '.' && !isBase64Url(c)) {
                return Optional.of("not a compact JWS: it contains " + String.format("U+%04X", (int) c) + " at index "
                        + i + ", outside base64url and the dots between segments");
            }
        }
        String[] segments = token.split("\\.", -1);
        if (segments.length != 3) {
            return Optional.of(
                    "a warrant is a compact JWS of 3 dot-separated segments, this token has " + segments.length);
        }
        String[] names = {"header", "payload", "signature"};
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].length() % 4 == 1) {
                return Optional.of("the " + names[i] + " segment is not base64url: no encoding is "
                        + segments[i].length() + " characters long");
            }
        }
        if (segments[0].isEmpty() || segments[1].isEmpty()) {
            return Optional.of("the " + (segments[0].isEmpty() ? "header" : "payload") + " segment is empty");
        }
        return Optional.empty();
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
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
        KEY_NOT_PROVEN,
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

    /** Who presents a warrant, and how they prove holding the key a key-bound warrant names ({@code cnf.jkt}). */
    @FunctionalInterface
    public interface Presenter {
        /** A presenter who proves nothing: a key-bound warrant is refused. */
        Presenter NO_PROOF = claims -> Optional.of("no proof of possession was presented");

        /** Why this presenter has not shown it holds the key the warrant is bound to; empty when it has. */
        Optional<String> problem(WarrantClaims claims);

        /** The agent itself, holding {@code key} (its registered Ed25519 key, private half included). */
        static Presenter holding(WarrantKey key) {
            return claims -> {
                Optional<String> own = KeyThumbprints.ofEd25519(
                        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key.publicKey()));
                return own.isPresent() && own.get().equals(claims.confirmationThumbprint())
                        ? Optional.empty()
                        : Optional.of("this agent's key " + key.keyId() + " has thumbprint " + own.orElse("(none)")
                                + ", not the bound one");
            };
        }

        /** A {@link PossessionProofs} proof made for {@code purpose}, accepted within {@code maxAge}. */
        static Presenter proving(String proof, String purpose, Clock clock, Duration maxAge) {
            return claims -> PossessionProofs.problem(
                    proof, claims.confirmationThumbprint(), claims.warrantId(), purpose, clock, maxAge);
        }
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
