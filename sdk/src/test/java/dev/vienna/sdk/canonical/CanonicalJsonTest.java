package dev.vienna.sdk.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
}
