package dev.vienna.sdk;

import static dev.vienna.sdk.SdkFixtures.NOW;
import static dev.vienna.sdk.SdkFixtures.claims;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.RevocationScope;
import dev.vienna.events.WarrantRevoked;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RevocationListTest {

    private static WarrantRevoked revoke(RevocationScope scope, String warrantId, String agentId, Instant before) {
        return WarrantRevoked.newBuilder()
                .setEventId("e")
                .setTenantId("acme")
                .setOccurredAt(NOW)
                .setScope(scope)
                .setWarrantId(warrantId)
                .setAgentId(agentId)
                .setRevokedBefore(before)
                .setRevokedBy("alice")
                .setReason("test")
                .build();
    }

    @Test
    void shouldRevokeOneWarrantById() {
        RevocationList list = new RevocationList();
        assertThat(list.isRevoked(claims())).isFalse();
        list.apply(revoke(RevocationScope.WARRANT, "other", null, NOW));
        assertThat(list.isRevoked(claims())).isFalse();
        list.apply(revoke(RevocationScope.WARRANT, claims().warrantId(), null, NOW));
        assertThat(list.isRevoked(claims())).isTrue();
    }

    @Test
    void shouldRevokeEveryWarrantOfAnAgentIssuedUpToTheKillSwitch() {
        RevocationList list = new RevocationList();
        list.apply(revoke(RevocationScope.AGENT, null, claims().agentId(), NOW.minusSeconds(1)));
        assertThat(list.isRevoked(claims())).as("issued after the kill switch").isFalse();
        list.apply(revoke(RevocationScope.AGENT, null, claims().agentId(), NOW));
        assertThat(list.isRevoked(claims())).isTrue();
        list.apply(revoke(RevocationScope.AGENT, null, claims().agentId(), NOW.minusSeconds(60)));
        assertThat(list.isRevoked(claims()))
                .as("an older kill switch does not undo a newer one")
                .isTrue();
    }
}
