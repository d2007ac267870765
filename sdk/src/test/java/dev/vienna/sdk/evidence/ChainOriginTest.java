package dev.vienna.sdk.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChainOriginTest {

    @Test
    void shouldWriteAndReadAChainsOrigin() {
        // given
        ChainOrigin origin = new ChainOrigin("vienna.local", 3);
        // when
        ChainOrigin reread = ChainOrigin.parse(origin.origin());
        // then
        assertThat(origin.origin()).isEqualTo("vienna.local/audit/chain/3");
        assertThat(reread).isEqualTo(origin);
        assertThat(ChainOrigin.parse("example.com/vienna/audit/chain/2147483647"))
                .isEqualTo(new ChainOrigin("example.com/vienna", Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "vienna.local",
                "/audit/chain/3",
                "vienna.local/audit/chain/",
                "vienna.local/audit/chain/03",
                "vienna.local/audit/chain/-1",
                "vienna.local/audit/chain/+1",
                "vienna.local/audit/chain/2147483648",
                "vienna.local/audit/chain/3/",
                "vienna local/audit/chain/3",
                "vienna+local/audit/chain/3",
                "vienna.local/audit/chains/3",
            })
    void shouldRefuseWhatIsNotAnAuditChainOrigin(String origin) {
        assertThatThrownBy(() -> ChainOrigin.parse(origin)).isInstanceOf(EvidenceFormatException.class);
    }

    @Test
    void shouldRefuseANegativeChainOrAnUnusableDeployment() {
        assertThatThrownBy(() -> new ChainOrigin("vienna.local", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChainOrigin("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChainOrigin("a b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChainOrigin.parse(null)).isInstanceOf(EvidenceFormatException.class);
    }
}
