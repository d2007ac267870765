package dev.vienna.sdk.warrant;

import static dev.vienna.sdk.warrant.SdkFixtures.EXECUTOR;
import static dev.vienna.sdk.warrant.SdkFixtures.NOW;
import static dev.vienna.sdk.warrant.SdkFixtures.RESTART;
import static dev.vienna.sdk.warrant.SdkFixtures.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.util.Base64URL;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.WarrantVerifier.Reason;
import dev.vienna.sdk.warrant.WarrantVerifier.Verification;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crafted input never makes the verifier throw: each class of bad token, claim or hook is refused with its reason and a
 * detail naming the problem. Crafted claims are signed with the real key, so each refusal is the claim's own and would
 * still be if the claims were read after the signature check.
 */
class WarrantVerifierHostileInputTest {

    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final WarrantKey ED = WarrantKey.generateEd25519("k1");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"typ\":\"vienna-warrant+jwt\"}";
    private static final String RAW = "@@raw@@";

    // ---- fixtures: tokens signed with ED over any header and payload text ----

    private static String signed(String headerJson, String payloadJson) {
        String signingInput = Base64URL.encode(headerJson) + "." + Base64URL.encode(payloadJson);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, new Ed25519PrivateKeyParameters(ED.privateOrSecret(), 0));
        byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
        signer.update(input, 0, input.length);
        return signingInput + "." + Base64URL.encode(signer.generateSignature());
    }

    /** The fixture's valid claims as a JSON object. */
    private static ObjectNode validPayload() {
        try {
            return (ObjectNode)
                    JSON.readTree(WarrantTokens.toClaimsSet(claims()).toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The valid claims with one claim's value replaced by raw JSON text (any type, any spelling of a number). */
    private static String payloadWith(String claim, String rawJson) {
        ObjectNode payload = validPayload();
        payload.put(claim, RAW);
        return payload.toString().replace("\"" + RAW + "\"", rawJson);
    }

    private static String payloadWithout(String claim) {
        ObjectNode payload = validPayload();
        payload.remove(claim);
        return payload.toString();
    }

    private static WarrantVerifier verifier() {
        return new WarrantVerifier(List.of(ED.verifyOnly()), Clock.fixed(NOW, ZoneOffset.UTC), SKEW);
    }

    private static Verification verify(String token) {
        return verifier().verify(token, EXECUTOR, RESTART);
    }

    /** Two arguments, then the parts the detail must contain. */
    private static Arguments args(Object first, Object second, String... detail) {
        return Arguments.of(first, second, detail);
    }

    private static Arguments argsFor(Object first, String... detail) {
        return Arguments.of(first, detail);
    }

    private static void assertRefused(Verification verification, Reason reason, String... detailParts) {
        assertThat(verification.valid()).as(verification.detail()).isFalse();
        assertThat(verification.reason()).as(verification.detail()).isEqualTo(reason);
        assertThat(verification.claims()).isNull();
        assertThat(verification.detail()).contains(detailParts);
    }

    @Test
    void shouldAcceptTheUntamperedTokenTheFixturesBuild() {
        // the control: without a crafted claim the same helpers make a valid warrant, so every refusal below is the
        // crafted claim's
        Verification verification = verify(signed(HEADER, validPayload().toString()));
        assertThat(verification.valid()).as(verification.detail()).isTrue();
        assertThat(verification.claims()).isEqualTo(claims());
    }

    // ---- claims of the wrong JSON type, size or value ----

    static Stream<Arguments> craftedClaims() {
        return Stream.of(
                args("iss", "5", "claim iss must be a string, not the number 5"),
                args("sub", "[\"agent-7\"]", "claim sub must be a string, not an array of 1"),
                args("jti", "{\"id\":\"wrt-1\"}", "claim jti must be a string, not an object"),
                args("jti", "null", "claim jti is missing"),
                args("intentId", "\"\"", "claim intentId is empty"),
                args("tenantId", "true", "claim tenantId must be a string, not true"),
                args("action", "1.5", "claim action must be a string, not the number 1.5"),
                args("resource", "{}", "claim resource must be a string, not an object"),
                args("policyVersion", "[]", "claim policyVersion must be a string, not an array of 0"),
                args("actionDigest", "12", "claim actionDigest must be a string, not the number 12"),
                args(
                        "aud",
                        "[\"vienna-executor\",\"agent:agent-7\"]",
                        "claim aud must name exactly one audience, not 2"),
                args("aud", "[]", "claim aud must name exactly one audience, not 0"),
                args("aud", "7", "claim aud must be a non-empty string, not the number 7"),
                args("aud", "[7]", "claim aud must be a non-empty string, not the number 7"),
                args("aud", "[null]", "claim aud must be a non-empty string, not null"),
                args("aud", "{\"a\":1}", "claim aud must be a non-empty string, not an object"),
                args("tier", "\"T9\"", "claim tier must be one of [T0, T1, T2, T3], not the string \"T9\""),
                args("tier", "\"t1\"", "claim tier must be one of [T0, T1, T2, T3], not the string \"t1\""),
                args("tier", "1", "claim tier must be one of [T0, T1, T2, T3], not the number 1"),
                args("mode", "\"direct\"", "claim mode must be one of [DIRECT, PASSBACK], not the string"),
                args("mode", "[\"DIRECT\"]", "claim mode must be one of [DIRECT, PASSBACK], not an array of 1"),
                args("exp", "\"tomorrow\"", "claim exp must be a NumericDate", "not the string \"tomorrow\""),
                args("exp", "1e300", "claim exp must be a NumericDate", "1.0E300"),
                // nimbus's own getter wraps this one around to 1970-01-01
                args("exp", "18446744073709552", "claim exp must be a NumericDate", "18446744073709552"),
                args("exp", "123456789012345678901234567890", "claim exp must be a NumericDate"),
                args("exp", "-1", "claim exp must be a NumericDate", "not the number -1"),
                args("exp", "253402300800", "claim exp must be a NumericDate", "year 9999"),
                args("exp", "null", "claim exp is missing"),
                args("nbf", "\"now\"", "claim nbf must be a NumericDate"),
                args("iat", "{}", "claim iat must be a NumericDate", "not an object"),
                args("iat", "false", "claim iat must be a NumericDate", "not false"),
                args("constraints", "[]", "claim constraints must be an object of named expressions, not an array"),
                args("constraints", "\"params.replicas <= 50\"", "claim constraints must be an object"),
                args("constraints", "{\"cap\":5}", "constraint \"cap\" must be a string, not the number 5"),
                args("constraints", "{\"cap\":null}", "constraint \"cap\" must be a string, not null"),
                args("constraints", "{\"cap\":{\"expr\":\"true\"}}", "constraint \"cap\" must be a string"),
                args("approvedBy", "{}", "claim approvedBy must be an array, not an object"),
                args("approvedBy", "\"alice\"", "claim approvedBy must be an array, not the string"),
                args("approvedBy", "[5]", "approvedBy[0] must be an object with operatorId and approvedAt"),
                args(
                        "approvedBy",
                        "[{\"operatorId\":5,\"approvedAt\":1}]",
                        "approvedBy[0].operatorId must be a non-empty string, not the number 5"),
                args(
                        "approvedBy",
                        "[{\"operatorId\":\"alice\",\"approvedAt\":1},{\"operatorId\":\"bob\",\"approvedAt\":\"yesterday\"}]",
                        "approvedBy[1].approvedAt must be a NumericDate"),
                args("approvedBy", "[{\"operatorId\":\"alice\"}]", "approvedBy[0].approvedAt is missing"),
                args(
                        "approvedBy",
                        "[{\"operatorId\":\"alice\",\"approvedAt\":1e300}]",
                        "approvedBy[0].approvedAt must be a NumericDate"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("craftedClaims")
    void shouldRefuseASignedWarrantWhoseClaimHasTheWrongTypeOrValue(String claim, String rawJson, String... detail) {
        assertRefused(verify(signed(HEADER, payloadWith(claim, rawJson))), Reason.MALFORMED, detail);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "iss",
                "sub",
                "aud",
                "jti",
                "iat",
                "nbf",
                "exp",
                "intentId",
                "tenantId",
                "action",
                "resource",
                "tier",
                "mode",
                "policyVersion",
                "actionDigest"
            })
    void shouldRefuseASignedWarrantWithoutARequiredClaim(String claim) {
        assertRefused(
                verify(signed(HEADER, payloadWithout(claim))), Reason.MALFORMED, "claim " + claim + " is missing");
    }

    @Test
    void shouldNameTheCraftedValueSafelyInTheDetail() {
        // given a tier made of control and bidi characters and far too long
        String tier = "\"\\u001b[31m\\u202e" + "x".repeat(5000) + "\"";
        // when
        Verification verification = verify(signed(HEADER, payloadWith("tier", tier)));
        // then the detail shows it escaped and cut short, never raw
        assertRefused(verification, Reason.MALFORMED, "claim tier must be one of", "\\u001b[31m\\u202e", "(cut, ");
        assertThat(verification.detail()).doesNotContain("\u001b", "\u202e").hasSizeLessThan(300);
    }

    static Stream<Arguments> payloadsThatAreNoClaimsObject() {
        return Stream.of(
                Arguments.of("array", "[1,2]"),
                Arguments.of("string", "\"claims\""),
                Arguments.of("not JSON", "hello"),
                Arguments.of("truncated", validPayload().toString().substring(0, 40)),
                Arguments.of(
                        "a repeated claim",
                        validPayload().toString().replaceFirst("\\{", "{\"sub\":\"someone-else\",")),
                Arguments.of("NaN", payloadWith("exp", "NaN")),
                Arguments.of("nested 5000 deep", payloadWith("pad", "[".repeat(5000) + "]".repeat(5000))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloadsThatAreNoClaimsObject")
    void shouldRefuseASignedWarrantWhosePayloadIsNotAClaimsObject(String what, String payload) {
        assertRefused(verify(signed(HEADER, payload)), Reason.MALFORMED, "the payload is not a JSON object");
    }

    // ---- headers ----

    static Stream<Arguments> craftedHeaders() {
        return Stream.of(
                args(
                        "{\"alg\":\"EdDSA\",\"kid\":{\"id\":\"k1\"},\"typ\":\"vienna-warrant+jwt\"}",
                        Reason.MALFORMED,
                        "header is not a JOSE header",
                        "kid"),
                args(
                        "{\"alg\":\"EdDSA\",\"kid\":7,\"typ\":\"vienna-warrant+jwt\"}",
                        Reason.MALFORMED,
                        "header is not a JOSE header",
                        "kid"),
                args("{\"alg\":\"EdDSA\",\"typ\":\"vienna-warrant+jwt\"}", Reason.UNKNOWN_KEY, "names no kid"),
                args(
                        "{\"alg\":\"EdDSA\",\"kid\":\"\\u202ek1\",\"typ\":\"vienna-warrant+jwt\"}",
                        Reason.UNKNOWN_KEY,
                        "unknown kid \"\\u202ek1\""),
                args("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}", Reason.MALFORMED, "typ is null"),
                args("{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"typ\":\"JWT\"}", Reason.MALFORMED, "typ is \"JWT\""),
                args(
                        "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"typ\":[\"vienna-warrant+jwt\"]}",
                        Reason.MALFORMED,
                        "header is not a JOSE header",
                        "typ"),
                args(
                        "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"typ\":\"vienna-warrant+jwt\",\"crit\":[\"exp\"],\"exp\":1}",
                        Reason.MALFORMED,
                        "critical (crit)"),
                args("{\"kid\":\"k1\",\"typ\":\"vienna-warrant+jwt\"}", Reason.MALFORMED, "alg"),
                args("{\"alg\":5,\"kid\":\"k1\"}", Reason.MALFORMED, "header is not a JOSE header", "alg"),
                args("[\"EdDSA\"]", Reason.MALFORMED, "header is not a JOSE header"),
                args("EdDSA", Reason.MALFORMED, "header is not a JOSE header"),
                args(
                        "{\"alg\":\"EdDSA\",\"alg\":\"HS256\",\"kid\":\"k1\"}",
                        Reason.MALFORMED,
                        "header is not a JOSE header"),
                args(
                        "{\"alg\":\"HS512\",\"kid\":\"k1\",\"typ\":\"vienna-warrant+jwt\"}",
                        Reason.ALGORITHM_NOT_ALLOWED,
                        "alg \"HS512\" is not one of"),
                args(
                        "{\"alg\":\"RSA-OAEP\",\"enc\":\"A128GCM\",\"kid\":\"k1\"}",
                        Reason.ALGORITHM_NOT_ALLOWED,
                        "RSA-OAEP"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("craftedHeaders")
    void shouldRefuseASignedWarrantWithACraftedHeader(String header, Reason reason, String... detail) {
        assertRefused(verify(signed(header, validPayload().toString())), reason, detail);
    }

    // ---- tokens that are not even a compact JWS ----

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\n"})
    void shouldRefuseNoToken(String token) {
        assertRefused(verify(token), Reason.MALFORMED, "no token");
    }

    static Stream<Arguments> garbage() {
        String valid = signed(HEADER, validPayload().toString());
        String[] parts = valid.split("\\.");
        String payloadOf4nPlus1 = parts[1];
        while (payloadOf4nPlus1.length() % 4 != 1) {
            payloadOf4nPlus1 += "A";
        }
        return Stream.of(
                args("one segment", "eyJhbGciOiJFZERTQSJ9", "3 dot-separated segments, this token has 1"),
                args("two segments", parts[0] + "." + parts[1], "this token has 2"),
                args("four segments", valid + ".AAAA", "this token has 4"),
                args("five segments (a JWE)", valid + ".AAAA.BBBB", "this token has 5"),
                args("only dots", "..", "the header segment is empty"),
                args("no header", "." + parts[1] + "." + parts[2], "the header segment is empty"),
                args("no payload", parts[0] + ".." + parts[2], "the payload segment is empty"),
                args("a space", valid.substring(0, 10) + " " + valid.substring(10), "U+0020 at index 10"),
                args("a trailing newline", valid + "\n", "U+000A at index " + valid.length()),
                args("standard base64", valid.replace('-', '+').replace('_', '/') + "+", "outside base64url"),
                args("padding", parts[0] + "=." + parts[1] + "." + parts[2], "U+003D"),
                args("non-ASCII", "é" + valid, "U+00E9 at index 0"),
                args("a NUL", valid + "\u0000", "U+0000"),
                args(
                        "a segment of 4n+1 characters",
                        parts[0] + "." + payloadOf4nPlus1 + "." + parts[2],
                        "the payload segment is not base64url",
                        "no encoding is"),
                args(
                        "a header of one character",
                        "e." + parts[1] + "." + parts[2],
                        "the header segment is not base64url"),
                args(
                        "header bytes that are not JSON",
                        Base64URL.encode(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}) + "." + parts[1] + "." + parts[2],
                        "header is not a JOSE header"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void shouldRefuseGarbageThatIsNotACompactJws(String what, String token, String... detail) {
        assertRefused(verify(token), Reason.MALFORMED, detail);
    }

    @Test
    void shouldRefuseAGiganticTokenBeforeParsingIt() {
        // given a token of 10 MB that, were it parsed, would be deeply nested JSON
        String gigantic = Base64URL.encode(HEADER) + "." + Base64URL.encode("[".repeat(7_500_000)) + ".AAAA";
        // when / then
        assertRefused(
                verify(gigantic),
                Reason.MALFORMED,
                "token larger than " + WarrantTokens.MAX_TOKEN_LENGTH + " characters (" + gigantic.length() + ")");
    }

    @Test
    void shouldVerifyATokenJustUnderTheSizeCapAndRefuseOneJustOver() {
        // given the largest signed warrant (padded with an unknown claim) within the cap, and the next larger one
        String under = null;
        String over = null;
        for (int pad = 11_000; over == null; pad++) {
            String token = signed(HEADER, payloadWith("pad", "\"" + "x".repeat(pad) + "\""));
            if (token.length() <= WarrantTokens.MAX_TOKEN_LENGTH) {
                under = token;
            } else {
                over = token;
            }
        }
        // then
        assertThat(under.length()).isBetween(WarrantTokens.MAX_TOKEN_LENGTH - 3, WarrantTokens.MAX_TOKEN_LENGTH);
        Verification accepted = verify(under);
        assertThat(accepted.valid()).as(accepted.detail()).isTrue();
        assertRefused(verify(over), Reason.MALFORMED, "token larger than 16384 characters");
    }

    @Test
    void shouldRefuseEveryMutationOfAValidTokenWithAReasonAndADetail() {
        // given a valid token and 3000 random mutations of it: characters replaced, inserted, deleted, cut
        String valid = signed(HEADER, validPayload().toString());
        Random random = new Random(20261122);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ é\u0000\u202e";
        List<String> unexplained = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            StringBuilder token = new StringBuilder(valid);
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(token.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(4)) {
                    case 0 -> token.setCharAt(at, c);
                    case 1 -> token.insert(at, c);
                    case 2 -> token.deleteCharAt(at);
                    default -> token.setLength(at);
                }
            }
            String mutated = token.toString();
            if (mutated.equals(valid)) {
                continue;
            }
            // when
            Verification verification = verify(mutated);
            // then: refused, with a reason and a detail (base64url has spare bits: a mutation may decode to the same
            // bytes and still verify, so only those are excused)
            boolean sameBytes = verification.valid() && sameDecodedBytes(valid, mutated);
            if (!sameBytes
                    && (verification.valid()
                            || verification.reason() == null
                            || verification.detail() == null
                            || verification.detail().isBlank())) {
                unexplained.add(mutated + " -> " + verification);
            }
        }
        assertThat(unexplained).isEmpty();
    }

    private static boolean sameDecodedBytes(String a, String b) {
        String[] x = a.split("\\.", -1);
        String[] y = b.split("\\.", -1);
        if (x.length != y.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (!Arrays.equals(new Base64URL(x[i]).decode(), new Base64URL(y[i]).decode())) {
                return false;
            }
        }
        return true;
    }

    // ---- hostile params: the action presented beside the warrant ----

    static Stream<Arguments> hostileParams() {
        return Stream.of(
                argsFor("{\"graceful\":true,\"timeout\":30,\"timeout\":31}", "Duplicate field 'timeout'"),
                argsFor("{\"graceful\":true,\"timeout\":30} {\"timeout\":31}", "not valid JSON"),
                argsFor("{\"graceful\":true,\"timeout\":9007199254740993}", "would write as 9007199254740992"),
                argsFor("{\"graceful\":true,\"timeout\":1e400}", "Infinity"),
                argsFor("{\"graceful\":true,\"timeout\":\"\\ud800\"}", "lone surrogate U+D800"),
                argsFor("{\"graceful\":true,\"\\udc00\":30}", "lone surrogate U+DC00"),
                argsFor("{\"graceful\":", "not valid JSON"),
                argsFor("[".repeat(5000) + "]".repeat(5000), "not valid JSON", "nesting depth"),
                argsFor("{\"timeout\":" + "9".repeat(5000) + "}", "not valid JSON", "Number value length"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileParams")
    void shouldRefuseHostileParamsAsAnActionMismatch(String paramsJson, String... detail) {
        var hostile = new ActionRequest(RESTART.agentId(), RESTART.action(), RESTART.resource(), paramsJson);
        assertRefused(
                verifier().verify(WarrantTokens.sign(claims(), ED), EXECUTOR, hostile), Reason.ACTION_MISMATCH, detail);
    }

    @Test
    void shouldRefuseAMissingActionRequestOrAudience() {
        String token = WarrantTokens.sign(claims(), ED);
        assertRefused(verifier().verify(token, EXECUTOR, null), Reason.WRONG_AGENT, "no action request");
        assertRefused(verifier().verify(token, null, RESTART), Reason.WRONG_AUDIENCE, "not null");
    }

    // ---- hooks that throw fail their own check closed ----

    @Test
    void shouldRefuseAsConstraintViolatedWhenTheEvaluatorThrowsWithoutConsumingTheWarrant() {
        // given an evaluator that blows up, and one that answers null
        AtomicInteger used = new AtomicInteger();
        ConstraintEvaluator throwing = (constraints, request) -> {
            throw new IllegalStateException("CEL runtime exploded");
        };
        ConstraintEvaluator silent = (constraints, request) -> null;
        for (var evaluator : List.of(throwing, silent)) {
            var verifier = new WarrantVerifier(
                    keyId -> Optional.of(ED.verifyOnly()),
                    Clock.fixed(NOW, ZoneOffset.UTC),
                    SKEW,
                    WarrantVerifier.Revocations.NONE,
                    claims -> used.incrementAndGet() > 0,
                    evaluator);
            // when
            Verification verification = verifier.verify(WarrantTokens.sign(claims(), ED), EXECUTOR, RESTART);
            // then
            assertRefused(verification, Reason.CONSTRAINT_VIOLATED, "fail closed");
        }
        assertThat(verifierWith(throwing)
                        .verify(WarrantTokens.sign(claims(), ED), EXECUTOR, RESTART)
                        .detail())
                .contains("CEL runtime exploded");
        assertThat(used).hasValue(0);
    }

    private static WarrantVerifier verifierWith(ConstraintEvaluator evaluator) {
        return new WarrantVerifier(
                keyId -> Optional.of(ED.verifyOnly()),
                Clock.fixed(NOW, ZoneOffset.UTC),
                SKEW,
                WarrantVerifier.Revocations.NONE,
                WarrantVerifier.SingleUse.NOT_TRACKED,
                evaluator);
    }

    @Test
    void shouldFailClosedWhenTheKeyLookupRevocationListOrLedgerThrows() {
        String token = WarrantTokens.sign(claims(), ED);
        var clock = Clock.fixed(NOW, ZoneOffset.UTC);
        var lookupFails = new WarrantVerifier(
                keyId -> {
                    throw new IllegalStateException("JWKS endpoint on fire");
                },
                clock,
                SKEW,
                WarrantVerifier.Revocations.NONE,
                WarrantVerifier.SingleUse.NOT_TRACKED);
        assertRefused(
                lookupFails.verify(token, EXECUTOR, RESTART),
                Reason.UNKNOWN_KEY,
                "could not be looked up",
                "JWKS endpoint on fire");
        AtomicInteger used = new AtomicInteger();
        var revocationsFail = new WarrantVerifier(
                keyId -> Optional.of(ED.verifyOnly()),
                clock,
                SKEW,
                claims -> {
                    throw new IllegalStateException("revocation follower stopped");
                },
                claims -> used.incrementAndGet() > 0);
        assertRefused(
                revocationsFail.verify(token, EXECUTOR, RESTART),
                Reason.REVOKED,
                "fail closed",
                "revocation follower stopped");
        assertThat(used).hasValue(0);
        var ledgerFails = new WarrantVerifier(
                keyId -> Optional.of(ED.verifyOnly()), clock, SKEW, WarrantVerifier.Revocations.NONE, claims -> {
                    throw new IllegalStateException("producer closed");
                });
        assertRefused(
                ledgerFails.verify(token, EXECUTOR, RESTART),
                Reason.ALREADY_USED,
                "could not be recorded",
                "producer closed");
    }

    // ---- readUnverified: a ParseException with the reason, never anything else ----

    static Stream<Arguments> unreadable() {
        return Stream.of(
                Arguments.of(null, "no token"),
                Arguments.of("", "no token"),
                Arguments.of("x".repeat(WarrantTokens.MAX_TOKEN_LENGTH + 1), "token larger than 16384 characters"),
                Arguments.of("a.b", "delimiter"),
                Arguments.of(signed(HEADER, payloadWith("exp", "1e300")), "claim exp must be a NumericDate"),
                Arguments.of(signed(HEADER, payloadWith("tier", "\"T9\"")), "claim tier must be one of"),
                Arguments.of(signed(HEADER, payloadWith("aud", "[]")), "exactly one audience"),
                Arguments.of(signed(HEADER, "[1]"), "the payload is not a JSON object"));
    }

    @ParameterizedTest
    @MethodSource("unreadable")
    void shouldReadNoClaimsFromAHostileTokenAndSayWhy(String token, String detail) {
        assertThatThrownBy(() -> WarrantTokens.readUnverified(token))
                .isExactlyInstanceOf(ParseException.class)
                .hasMessageContaining(detail);
    }

    @Test
    void shouldReadTheClaimsOfAWellFormedTokenWithoutVerifyingIt() throws ParseException {
        assertThat(WarrantTokens.readUnverified(signed(HEADER, validPayload().toString())))
                .isEqualTo(claims());
    }
}
