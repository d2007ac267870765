package dev.vienna.sdk.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CanonicalJsonTest {
    @Test
    void shouldSortKeysAtEveryDepth() {
        assertThat(CanonicalJson.canonicalize("{\"b\":{\"z\":1,\"a\":[{\"y\":2,\"x\":1}]},\"a\":true}"))
                .isEqualTo("{\"a\":true,\"b\":{\"a\":[{\"x\":1,\"y\":2}],\"z\":1}}");
    }

    @Test
    void shouldWriteNumbersInTheirRfc8785Form() {
        assertThat(CanonicalJson.canonicalize("{\"n\":30.0,\"m\":1e3}")).isEqualTo("{\"m\":1000,\"n\":30}");
    }

    @Test
    void shouldRefuseTextThatIsNotJson() {
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseARepeatedMemberNameOrContentAfterTheValue() {
        assertThatThrownBy(() -> CanonicalJson.parse("{\"a\":1,\"b\":{\"c\":1,\"c\":2}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Duplicate field 'c'");
        assertThatThrownBy(() -> CanonicalJson.parse("{\"a\":1} {\"a\":2}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> CanonicalJson.parse("")).hasMessage("not valid JSON: no value");
        assertThatThrownBy(() -> CanonicalJson.parse(null)).hasMessage("not valid JSON: no text");
    }

    static Stream<Arguments> valuesWithNoExactCanonicalForm() {
        return Stream.of(
                Arguments.of(Map.of("n", Double.NaN), "$.n is NaN"),
                Arguments.of(Map.of("n", Double.POSITIVE_INFINITY), "$.n is Infinity"),
                Arguments.of(
                        Map.of("n", 9007199254740993L),
                        "$.n is 9007199254740993, which RFC 8785 would write as 9007199254740992"),
                Arguments.of(Map.of("n", new BigInteger("1152921504606846976")), "would write as 1152921504606847000"),
                Arguments.of(Map.of("n", new BigDecimal("0.1000000000000000000001")), "would write as 0.1"),
                Arguments.of(
                        Map.of("n", new BigInteger("1" + "0".repeat(400))), "beyond the range of IEEE 754 binary64"),
                Arguments.of(Map.of("s", "a\ud800"), "$.s contains a lone surrogate U+D800 at index 1"),
                Arguments.of(Map.of("\udbff", 1), "contains a lone surrogate U+DBFF"));
    }

    @ParameterizedTest
    @MethodSource("valuesWithNoExactCanonicalForm")
    void shouldRefuseToWriteAValueItsCanonicalFormWouldChange(Object value, String message) {
        assertThatThrownBy(() -> CanonicalJson.write(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void shouldWriteTheCanonicalFormOfLargeDoublesItProducedItself() {
        // 1e20 and 2^60 are written as integers beyond 2^53; reading them back and writing again is stable
        String canonical = CanonicalJson.canonicalize("{\"a\":1e20,\"b\":1152921504606846976.0,\"c\":1e21}");
        assertThat(canonical).isEqualTo("{\"a\":100000000000000000000,\"b\":1152921504606847000,\"c\":1e+21}");
        assertThat(CanonicalJson.canonicalize(canonical)).isEqualTo(canonical);
    }

    // ---- the action digest names exactly one action ----

    private static ActionRequest action(String paramsJson) {
        return new ActionRequest("agent-7", "scale", "api", paramsJson);
    }

    @Test
    void shouldNoLongerGiveTwoDifferentParamsTheSameDigest() {
        // each pair digested alike before: a non-finite number was written as the string "Infinity", a lone surrogate
        // as "?", a repeated name or trailing text was dropped, an integer beyond 2^53 was rounded
        List<List<String>> pairs = List.of(
                List.of("{\"n\":1e400}", "{\"n\":\"Infinity\"}"),
                List.of("{\"s\":\"\\ud800\"}", "{\"s\":\"?\"}"),
                List.of("{\"n\":1,\"n\":2}", "{\"n\":2}"),
                List.of("{\"n\":2} {\"n\":1}", "{\"n\":2}"),
                List.of("{\"n\":9007199254740993}", "{\"n\":9007199254740992}"));
        for (List<String> pair : pairs) {
            assertThatThrownBy(() -> action(pair.get(0)).digest())
                    .as(pair.get(0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(action(pair.get(1)).digest()).isNotBlank();
        }
    }

    @Test
    void shouldRefuseHostileParamsOnlyWithIllegalArgumentException() {
        for (String hostile : List.of(
                "[".repeat(100_000),
                "{\"a\":" + "9".repeat(100_000) + "}",
                "{\"a\":\"" + "x".repeat(30_000_000) + "\"}",
                "{\"a\":NaN}",
                "\u0000",
                "{\"a\":1}}")) {
            assertThatThrownBy(() -> action(hostile).digest())
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not valid JSON");
        }
    }

    @Test
    void shouldDigestAnActionWithoutParamsAsEmptyParams() {
        assertThat(action(null).digest())
                .isEqualTo(action("{}").digest())
                .isEqualTo(action("  ").digest());
    }
}
