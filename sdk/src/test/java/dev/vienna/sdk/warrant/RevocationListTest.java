package dev.vienna.sdk.warrant;

import static dev.vienna.sdk.warrant.SdkFixtures.NOW;
import static dev.vienna.sdk.warrant.SdkFixtures.claims;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RevocationListTest {

    @Test
    void shouldRevokeOneWarrantById() {
        RevocationList list = new RevocationList();
        assertThat(list.isRevoked(claims())).isFalse();
        list.revokeWarrant("other");
        assertThat(list.isRevoked(claims())).isFalse();
        list.revokeWarrant(claims().warrantId());
        assertThat(list.isRevoked(claims())).isTrue();
    }

    @Test
    void shouldRevokeEveryWarrantOfAnAgentIssuedUpToTheKillSwitch() {
        RevocationList list = new RevocationList();
        list.revokeAgentUpTo(claims().agentId(), NOW.minusSeconds(1));
        assertThat(list.isRevoked(claims())).as("issued after the kill switch").isFalse();
        list.revokeAgentUpTo(claims().agentId(), NOW);
        assertThat(list.isRevoked(claims())).isTrue();
        list.revokeAgentUpTo(claims().agentId(), NOW.minusSeconds(60));
        assertThat(list.isRevoked(claims()))
                .as("an older kill switch does not undo a newer one")
                .isTrue();
    }
}
