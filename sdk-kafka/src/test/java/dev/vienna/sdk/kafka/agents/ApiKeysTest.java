package dev.vienna.sdk.kafka.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The format of agents' API keys, made at random or from given bytes. */
class ApiKeysTest {

    @Test
    void shouldMakeTheSameKeyFromTheSameBytes() {
        byte[] keyId = new byte[ApiKeys.KEY_ID_LENGTH];
        for (int i = 0; i < keyId.length; i++) {
            keyId[i] = (byte) (i * 37);
        }
        byte[] secret = new byte[ApiKeys.SECRET_LENGTH];
        Arrays.fill(secret, (byte) 0xfb);

        ApiKeys.Issued issued = ApiKeys.fromSecret(keyId, secret);

        assertThat(issued.keyId()).isEqualTo("afkpuz6dinsx");
        assertThat(issued.key()).isEqualTo("vak_afkpuz6dinsx_" + "-_v7".repeat(10) + "-_s");
        assertThat(issued.sha256()).isEqualTo(ApiKeys.sha256(issued.key()));
        assertThat(ApiKeys.fromSecret(keyId, secret)).isEqualTo(issued);
        assertThat(ApiKeys.keyIdOf(issued.key())).contains(issued.keyId());
        assertThat(ApiKeys.matches(issued.key(), issued.sha256())).isTrue();
    }

    @Test
    void shouldGenerateWellFormedKeys() {
        ApiKeys.Issued issued = ApiKeys.generate();
        assertThat(issued.key()).startsWith(ApiKeys.PREFIX).hasSize(60);
        assertThat(ApiKeys.keyIdOf(issued.key())).contains(issued.keyId());
        assertThat(ApiKeys.matches(issued.key(), issued.sha256())).isTrue();
        assertThat(ApiKeys.generate().key()).isNotEqualTo(issued.key());
    }

    @Test
    void shouldRefuseBytesOfTheWrongLength() {
        assertThatThrownBy(() -> ApiKeys.fromSecret(new byte[11], new byte[ApiKeys.SECRET_LENGTH]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeys.fromSecret(new byte[ApiKeys.KEY_ID_LENGTH], new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
