package dev.vienna.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.sdk.canonical.CanonicalJson;
import dev.vienna.sdk.client.IntentRequest.FieldError;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every limit of the intent body, just under and just over, and the characters and values it refuses. */
class IntentRequestValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    // ---- fixtures: a valid body as JSON, changed one field at a time, read the way intake reads it ----

    private static ObjectNode validBody() {
        ObjectNode body = NODES.objectNode();
        body.put("tenantId", "acme");
        body.put("agentId", "deploy-agent");
        body.put("action", "scale_kubernetes_deployment");
        body.put("resource", "deployment/api-server");
        body.putObject("params").put("replicas", 25).put("strategy", "rolling");
        body.put("justification", "Black Friday traffic.\nRollback plan:\r\n\t1. scale back");
        body.put("costImpact", 120.5);
        body.put("reversible", true);
        body.put("blastRadius", 3);
        body.put("urgency", 7);
        body.put("idempotencyKey", "req-2026-11-22-001");
        body.putObject("labels").put("env", "prod").put("team", "Zahlungsverkehr (Wien)");
        body.put("owner", "carol@acme.com");
        return body;
    }

    private static ObjectNode body(Consumer<ObjectNode> change) {
        ObjectNode body = validBody();
        change.accept(body);
        return body;
    }

    /** The errors of a body read with {@link IntentRequest#parseStrict}, as intake would answer them. */
    private static List<FieldError> errorsOf(ObjectNode body) {
        return errorsOf(body.toString());
    }

    private static List<FieldError> errorsOf(String body) {
        return IntentRequest.parseStrict(body).validate();
    }

    private static void assertOneError(List<FieldError> errors, String field, String... messageParts) {
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).field()).isEqualTo(field);
        assertThat(errors.get(0).message()).contains(messageParts);
    }

    @Test
    void shouldFindNoErrorInAValidBody() {
        assertThat(errorsOf(validBody())).isEmpty();
    }

    @Test
    void shouldFindNoErrorInABodyAtEveryLimitAtOnce() {
        ObjectNode atLimits = body(b -> {
            b.put("agentId", "a".repeat(IntentRequest.MAX_ID_LENGTH));
            b.put("tenantId", "t".repeat(IntentRequest.MAX_ID_LENGTH));
            b.put("owner", "o".repeat(IntentRequest.MAX_ID_LENGTH));
            b.put("idempotencyKey", "k".repeat(IntentRequest.MAX_ID_LENGTH));
            b.put("action", "a" + "_".repeat(IntentRequest.MAX_ACTION_LENGTH - 1));
            b.put("resource", "r".repeat(IntentRequest.MAX_RESOURCE_LENGTH));
            b.put("justification", "j".repeat(IntentRequest.MAX_JUSTIFICATION_LENGTH));
            b.set("params", paramsOfCanonicalSize(IntentRequest.MAX_PARAMS_BYTES));
            b.set("labels", labels(IntentRequest.MAX_LABELS));
        });
        assertThat(errorsOf(atLimits)).isEmpty();
    }

    @Test
    void shouldReportEveryMissingRequiredField() {
        assertThat(errorsOf(NODES.objectNode()))
                .extracting(FieldError::field)
                .containsExactly("agentId", "action", "resource");
    }

    // ---- params: size, depth, string length ----

    /** Params whose canonical JSON is exactly {@code bytes} long, in strings of at most 4 KiB. */
    private static ObjectNode paramsOfCanonicalSize(int bytes) {
        ObjectNode params = NODES.objectNode();
        int member = 0;
        while (CanonicalJson.write(params).length() < bytes) {
            int missing = bytes - CanonicalJson.write(params).length();
            String name = String.format("p%02d", member++);
            // a new member "pNN":"" costs 8 bytes, and a comma after the first; its string fills the rest, up to 4 KiB
            int length =
                    Math.min(IntentRequest.MAX_PARAMS_STRING_BYTES, Math.max(0, missing - (params.isEmpty() ? 8 : 9)));
            params.put(name, "x".repeat(length));
        }
        assertThat(CanonicalJson.write(params).getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return params;
    }

    @Test
    void shouldAcceptParamsOf16KibOfCanonicalJsonAndRefuseOneByteMore() {
        assertThat(errorsOf(body(b -> b.set("params", paramsOfCanonicalSize(16 * 1024)))))
                .isEmpty();
        assertOneError(
                errorsOf(body(b -> b.set("params", paramsOfCanonicalSize(16 * 1024 + 1)))),
                "params",
                "canonical JSON is 16385 bytes; at most 16384 (16 KiB)");
    }

    @Test
    void shouldRefuseParamsFarOverTheLimitWithoutListingEveryString() {
        ObjectNode params = NODES.objectNode();
        for (int i = 0; i < 300; i++) {
            params.put("p" + i, "x".repeat(4000));
        }
        assertOneError(errorsOf(body(b -> b.set("params", params))), "params", "canonical JSON is over 16384 bytes");
    }

    /** Params nested {@code levels} deep, the params object itself being level 1; arrays and objects alternate. */
    private static ObjectNode nested(int levels) {
        ObjectNode params = NODES.objectNode();
        JsonNode inner = params;
        for (int level = 2; level <= levels; level++) {
            inner = inner.isObject() ? ((ObjectNode) inner).putArray("a") : ((ArrayNode) inner).addObject();
        }
        return params;
    }

    @Test
    void shouldAcceptParamsNested8LevelsAndRefuse9() {
        assertThat(errorsOf(body(b -> b.set("params", nested(IntentRequest.MAX_PARAMS_DEPTH)))))
                .isEmpty();
        assertOneError(
                errorsOf(body(b -> b.set("params", nested(IntentRequest.MAX_PARAMS_DEPTH + 1)))),
                "params.a[0].a[0].a[0].a[0]",
                "nests deeper than 8 levels");
    }

    @Test
    void shouldRefuseParamsNestedThousandsOfLevelsWithOneError() {
        // built in code, deeper than any parser allows: checked without recursing through it
        assertOneError(
                validWithParams(nested(50_000)).validate(), "params.a[0].a[0].a[0].a[0]", "nests deeper than 8 levels");
    }

    @Test
    void shouldAcceptAParamsStringOf4KibAndRefuseOneByteMore() {
        int max = IntentRequest.MAX_PARAMS_STRING_BYTES;
        assertThat(errorsOf(body(b -> ((ObjectNode) b.get("params")).put("note", "x".repeat(max)))))
                .isEmpty();
        assertOneError(
                errorsOf(body(b -> ((ObjectNode) b.get("params")).put("note", "x".repeat(max + 1)))),
                "params.note",
                "the string is 4097 bytes in UTF-8; at most 4096 (4 KiB)");
        // bytes, not characters: 2048 two-byte characters fit, 2049 do not
        assertThat(errorsOf(body(b -> ((ObjectNode) b.get("params")).put("note", "é".repeat(max / 2)))))
                .isEmpty();
        assertOneError(
                errorsOf(body(b -> ((ObjectNode) b.get("params")).put("note", "é".repeat(max / 2 + 1)))),
                "params.note",
                "4098 bytes");
    }

    @Test
    void shouldRefuseAParamsMemberNameOver4Kib() {
        String name = "n".repeat(IntentRequest.MAX_PARAMS_STRING_BYTES + 1);
        List<FieldError> errors = errorsOf(body(b -> ((ObjectNode) b.get("params")).put(name, 1)));
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).field()).startsWith("params[\"nnnn").endsWith("(cut, 4097 characters)]");
        assertThat(errors.get(0).message()).contains("its name is 4097 bytes");
    }

    @Test
    void shouldRefuseParamsThatAreNotAnObject() {
        assertOneError(errorsOf(body(b -> b.putArray("params").add(1))), "params", "must be a JSON object");
        assertOneError(errorsOf(body(b -> b.put("params", "replicas=25"))), "params", "must be a JSON object");
        assertThat(errorsOf(body(b -> b.putNull("params")))).isEmpty();
        assertThat(errorsOf(body(b -> b.remove("params")))).isEmpty();
    }

    @Test
    void shouldListAtMostTenProblemsOfOneParamsObject() {
        ObjectNode params = NODES.objectNode();
        for (int i = 0; i < 25; i++) {
            params.put("n" + i, new BigInteger("9007199254740992").add(BigInteger.valueOf(i)));
        }
        List<FieldError> errors = errorsOf(body(b -> b.set("params", params)));
        assertThat(errors).hasSize(11);
        assertThat(errors.get(10))
                .isEqualTo(new FieldError("params", "15 more problem(s) not listed; fix the above first"));
    }

    // ---- params: I-JSON numbers and strings ----

    @ParameterizedTest
    @ValueSource(
            strings = {"9007199254740991", "-9007199254740991", "0", "-0", "1.5", "1e300", "-1e-300", "4.9e-324", "1e21"
            })
    void shouldAcceptNumbersThatIJsonHoldsExactly(String number) {
        assertThat(errorsOf(paramsText("{\"n\":" + number + "}"))).isEmpty();
    }

    static Stream<Arguments> numbersNotRepresentableExactly() {
        return Stream.of(
                Arguments.of("9007199254740992", "the integer 9007199254740992 is beyond ±(2^53−1)"),
                Arguments.of("-9007199254740992", "the integer -9007199254740992 is beyond ±(2^53−1)"),
                Arguments.of("12345678901234567890", "the integer 12345678901234567890 is beyond"),
                Arguments.of("1" + "0".repeat(400), "characters) is beyond ±(2^53−1)"),
                Arguments.of("1e400", "the number 1E+400 is beyond the range of IEEE 754 binary64"),
                Arguments.of("-1.5e309", "is beyond the range of IEEE 754 binary64"),
                Arguments.of("1e-400", "the number 1E-400 is too small for IEEE 754 binary64 (it would be read as 0)"));
    }

    @ParameterizedTest
    @MethodSource("numbersNotRepresentableExactly")
    void shouldRefuseNumbersNotRepresentableExactlyInIJson(String number, String message) {
        assertOneError(
                errorsOf(paramsText("{\"deep\":{\"n\":[" + number + "]}}")),
                "params.deep.n[0]",
                message,
                "not representable exactly in I-JSON");
    }

    @Test
    void shouldRefuseNonFiniteNumbersBuiltInCode() {
        for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            ObjectNode params = NODES.objectNode().set("n", DoubleNode.valueOf(d));
            assertOneError(validWithParams(params).validate(), "params.n", d + " is not a finite number");
        }
    }

    @Test
    void shouldRefuseLoneSurrogatesAndNoncharactersInParamsStringsAndNames() {
        assertOneError(
                errorsOf(paramsText("{\"note\":\"ok \\ud800\"}")),
                "params.note",
                "the string contains a lone surrogate U+D800 at index 3");
        assertOneError(
                errorsOf(paramsText("{\"\\udfff\":1}")),
                "params[\"\\udfff\"]",
                "its name contains a lone surrogate U+DFFF");
        assertOneError(errorsOf(paramsText("{\"note\":\"\\uffff\"}")), "params.note", "noncharacter U+FFFF");
        // a well-formed pair is text
        assertThat(errorsOf(paramsText("{\"note\":\"\\ud83d\\ude80\"}"))).isEmpty();
    }

    /** The valid body's text with params given as raw JSON text (to spell numbers and escapes exactly). */
    private static String paramsText(String paramsJson) {
        ObjectNode body = validBody();
        body.put("params", "@@params@@");
        return body.toString().replace("\"@@params@@\"", paramsJson);
    }

    /** The valid body with params set in code, bypassing any parser. */
    private static IntentRequest validWithParams(JsonNode params) {
        IntentRequest v = IntentRequest.parseStrict(validBody().toString());
        return new IntentRequest(
                v.tenantId(),
                v.agentId(),
                v.action(),
                v.resource(),
                params,
                v.justification(),
                v.costImpact(),
                v.reversible(),
                v.blastRadius(),
                v.urgency(),
                v.idempotencyKey(),
                v.labels(),
                v.owner());
    }

    // ---- duplicates: refused while reading, since a tree keeps only the last ----

    @Test
    void shouldRefuseADuplicateParamsMemberWhenJacksonReadsTheBody() {
        // given a plain ObjectMapper into the record (intake reads with IntentRequest.parseStrict): params' own
        // deserializer refuses the duplicate
        String body = "{\"agentId\":\"a\",\"action\":\"b\",\"resource\":\"c\","
                + "\"params\":{\"replicas\":5,\"nested\":{\"x\":1,\"x\":2},\"replicas\":500}}";
        // when / then
        assertThatThrownBy(() -> JSON.readValue(body, IntentRequest.class))
                .isInstanceOf(JsonProcessingException.class)
                .satisfies(
                        e -> assertThat(((JsonProcessingException) e).getOriginalMessage())
                                .isEqualTo(
                                        "duplicate member name at params.nested.x: I-JSON (RFC 7493) allows each name once per object"));
    }

    @Test
    void shouldReadParamsExactlyAsJacksonsOwnTreeWhenThereIsNoDuplicate() throws Exception {
        String params = "{\"i\":1,\"l\":12345678901,\"b\":123456789012345678901234567890,\"d\":1.5,\"e\":1e3,"
                + "\"s\":\"x\",\"t\":true,\"n\":null,\"a\":[1,{\"k\":[]}],\"o\":{}}";
        IntentRequest read = JSON.readValue(
                "{\"agentId\":\"a\",\"action\":\"b\",\"resource\":\"c\",\"params\":" + params + "}",
                IntentRequest.class);
        assertThat(read.params()).isEqualTo(JSON.readTree(params));
        assertThat(JSON.readValue("{\"params\":null}", IntentRequest.class).params())
                .isEqualTo(NullNode.getInstance());
        assertThat(JSON.readValue("{}", IntentRequest.class).params()).isNull();
    }

    static Stream<Arguments> duplicatedBodies() {
        return Stream.of(
                Arguments.of(
                        "{\"agentId\":\"a\",\"agentId\":\"b\",\"action\":\"c\",\"resource\":\"d\"}",
                        "Duplicate field 'agentId'"),
                Arguments.of(
                        "{\"agentId\":\"a\",\"action\":\"c\",\"resource\":\"d\",\"labels\":{\"env\":\"dev\",\"env\":\"prod\"}}",
                        "Duplicate field 'env'"),
                Arguments.of(
                        "{\"agentId\":\"a\",\"action\":\"c\",\"resource\":\"d\",\"params\":{\"n\":1,\"n\":2}}",
                        "Duplicate field 'n'"));
    }

    @ParameterizedTest
    @MethodSource("duplicatedBodies")
    void shouldRefuseARepeatedNameAnywhereInAStrictlyParsedBody(String json, String message) {
        assertThatThrownBy(() -> IntentRequest.parseStrict(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid intent body")
                .hasMessageContaining(message);
    }

    @Test
    void shouldRefuseUnknownFieldsTrailingContentAndNoBodyWhenParsingStrictly() {
        assertThatThrownBy(() -> IntentRequest.parseStrict("{\"agentId\":\"a\",\"agent\":\"b\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agent");
        assertThatThrownBy(() -> IntentRequest.parseStrict("{\"agentId\":\"a\"} {\"agentId\":\"b\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> IntentRequest.parseStrict("")).hasMessage("the intent body is empty");
        assertThatThrownBy(() -> IntentRequest.parseStrict("null"))
                .hasMessage("the intent body is null, not an object");
    }

    // ---- text: control, bidi, zero-width and format characters ----

    static Stream<Arguments> hiddenCharacters() {
        return Stream.of(
                Arguments.of("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE (a bidirectional override or isolate)"),
                Arguments.of("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING (a bidirectional override or isolate)"),
                Arguments.of("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE (a bidirectional override or isolate)"),
                Arguments.of("\u2069", "U+2069 POP DIRECTIONAL ISOLATE (a bidirectional override or isolate)"),
                Arguments.of("\u200b", "U+200B ZERO WIDTH SPACE (a zero-width character)"),
                Arguments.of("\u200d", "U+200D ZERO WIDTH JOINER (a zero-width character)"),
                Arguments.of("\u2060", "U+2060 WORD JOINER (a zero-width character)"),
                Arguments.of("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE (a zero-width character)"),
                Arguments.of("\u00ad", "U+00AD SOFT HYPHEN (an invisible format character)"),
                Arguments.of("\u0000", "U+0000 NULL (a control character)"),
                Arguments.of("\u001b", "U+001B ESCAPE (a control character)"),
                Arguments.of("\n", "U+000A LINE FEED (LF) (a control character)"),
                Arguments.of("\u0085", "U+0085 NEXT LINE (NEL) (a control character)"),
                Arguments.of("\ud800", "U+D800 (a lone surrogate, not Unicode text)"));
    }

    static Stream<Arguments> fieldsAndHiddenCharacters() {
        return Stream.of("agentId", "tenantId", "action", "resource", "owner", "idempotencyKey")
                .flatMap(field -> hiddenCharacters().map(c -> Arguments.of(field, c.get()[0], c.get()[1])));
    }

    @ParameterizedTest(name = "{0} with {2}")
    @MethodSource("fieldsAndHiddenCharacters")
    void shouldNameTheHiddenCharacterInAnIdOrTheResource(String field, String character, String named) {
        String valid = validBody().get(field).asText();
        ObjectNode body = body(b -> b.put(field, valid.substring(0, 3) + character + valid.substring(3)));
        assertOneError(errorsOf(body), field, "contains " + named + " at index 3");
    }

    @ParameterizedTest(name = "label value with {1}")
    @MethodSource("hiddenCharacters")
    void shouldNameTheHiddenCharacterInALabelValue(String character, String named) {
        assertOneError(
                errorsOf(body(b -> b.putObject("labels").put("env", "pr" + character + "od"))),
                "labels.env",
                "contains " + named + " at index 2");
    }

    @ParameterizedTest(name = "label key with {1}")
    @MethodSource("hiddenCharacters")
    void shouldNameTheHiddenCharacterInALabelKey(String character, String named) {
        assertOneError(
                errorsOf(body(b -> b.putObject("labels").put("e" + character + "nv", "prod"))),
                "labels",
                "contains " + named + " at index 1");
    }

    @Test
    void shouldLetAJustificationBreakLinesButNothingElse() {
        assertThat(errorsOf(body(b -> b.put("justification", "line 1\nline 2\r\n\tindented"))))
                .isEmpty();
        assertOneError(
                errorsOf(body(b -> b.put("justification", "approved\rdenied"))),
                "justification",
                "contains U+000D CARRIAGE RETURN (CR) (a control character) at index 8");
        assertOneError(
                errorsOf(body(b -> b.put("justification", "safe \u202etxt.exe"))),
                "justification",
                "contains U+202E RIGHT-TO-LEFT OVERRIDE");
        assertOneError(
                errorsOf(body(b -> b.put("justification", "ok\u0007"))),
                "justification",
                "contains U+0007 BEL (a control character)");
        assertOneError(
                errorsOf(body(b -> b.put("justification", "zero\u200bwidth"))),
                "justification",
                "contains U+200B ZERO WIDTH SPACE");
    }

    @Test
    void shouldAcceptPlainTextInAnyScriptInTheResourceAndLabelValues() {
        assertThat(errorsOf(body(b -> {
                    b.put("resource", "Zürich/日本/مرحبا/🚀");
                    b.putObject("labels").put("team", "Équipe Ω 🚀");
                })))
                .isEmpty();
    }

    // ---- lengths, just under and just over ----

    static Stream<Arguments> lengthLimits() {
        return Stream.of(
                Arguments.of("resource", IntentRequest.MAX_RESOURCE_LENGTH, "must be at most 256 characters"),
                Arguments.of(
                        "justification", IntentRequest.MAX_JUSTIFICATION_LENGTH, "must be at most 2000 characters"),
                Arguments.of("agentId", IntentRequest.MAX_ID_LENGTH, "must be 1-128 characters"),
                Arguments.of("tenantId", IntentRequest.MAX_ID_LENGTH, "must be 1-128 characters"),
                Arguments.of("owner", IntentRequest.MAX_ID_LENGTH, "must be 1-128 characters"),
                Arguments.of("idempotencyKey", IntentRequest.MAX_ID_LENGTH, "must be 1-128 characters"),
                Arguments.of("action", IntentRequest.MAX_ACTION_LENGTH, "at most 64 characters"));
    }

    @ParameterizedTest(name = "{0} of {1}")
    @MethodSource("lengthLimits")
    void shouldAcceptATextFieldAtItsLimitAndRefuseOneCharacterMore(String field, int limit, String message) {
        assertThat(errorsOf(body(b -> b.put(field, "a".repeat(limit))))).isEmpty();
        assertOneError(errorsOf(body(b -> b.put(field, "a".repeat(limit + 1)))), field, message);
    }

    @Test
    void shouldCountCharactersNotUtf16UnitsInTheResource() {
        // 256 rockets are 512 UTF-16 units but 256 characters
        assertThat(errorsOf(body(b -> b.put("resource", "🚀".repeat(256))))).isEmpty();
        assertOneError(errorsOf(body(b -> b.put("resource", "🚀".repeat(257)))), "resource", "at most 256");
    }

    /** {@code count} labels {@code k00..}, each at its longest key and value. */
    private static ObjectNode labels(int count) {
        ObjectNode labels = NODES.objectNode();
        for (int i = 0; i < count; i++) {
            String key = String.format("%02d", i) + "k".repeat(IntentRequest.MAX_LABEL_KEY_LENGTH - 2);
            labels.put(key, "v".repeat(IntentRequest.MAX_LABEL_VALUE_LENGTH));
        }
        return labels;
    }

    @Test
    void shouldAccept32LabelsAndRefuse33() {
        assertThat(errorsOf(body(b -> b.set("labels", labels(32))))).isEmpty();
        assertOneError(errorsOf(body(b -> b.set("labels", labels(33)))), "labels", "at most 32 labels, not 33");
    }

    @Test
    void shouldAcceptALabelKeyOf64AndRefuse65() {
        assertThat(errorsOf(body(b -> b.putObject("labels").put("k".repeat(64), "v"))))
                .isEmpty();
        assertOneError(
                errorsOf(body(b -> b.putObject("labels").put("k".repeat(65), "v"))),
                "labels",
                "must be 1-64 characters of letters, digits and ._:@/-");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "team name", "team=ops", "équipe", "a\"b"})
    void shouldRefuseALabelKeyOutsideTheIdCharacters(String key) {
        assertOneError(
                errorsOf(body(b -> b.putObject("labels").put(key, "v"))),
                "labels",
                "must be 1-64 characters of letters, digits and ._:@/-");
    }

    @Test
    void shouldAcceptALabelValueOf256AndRefuse257() {
        assertThat(errorsOf(body(b -> b.putObject("labels").put("env", "v".repeat(256)))))
                .isEmpty();
        assertOneError(
                errorsOf(body(b -> b.putObject("labels").put("env", "v".repeat(257)))),
                "labels.env",
                "must be at most 256 characters");
    }

    @Test
    void shouldRefuseALabelWithoutAValue() {
        assertOneError(errorsOf(body(b -> b.putObject("labels").putNull("env"))), "labels.env", "must be a string");
    }
}
