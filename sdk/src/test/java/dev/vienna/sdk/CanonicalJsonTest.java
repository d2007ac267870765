package dev.vienna.sdk;

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
  void shouldRefuseTextThatIsNotJson() {
    assertThatThrownBy(() -> CanonicalJson.canonicalize("{nope")).isInstanceOf(IllegalArgumentException.class);
  }
}
