package dev.vienna.sdk.kafka.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.RevocationScope;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.sdk.warrant.RevocationList;
import dev.vienna.sdk.warrant.WarrantClaims;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a {@code warrant-revocations} event changes a verifier's revocation list. */
class RevocationListenerTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private static WarrantClaims warrant(String warrantId, String agentId, Instant issuedAt) {
        return new WarrantClaims(
                "vienna",
                agentId,
                "vienna-executor",
                warrantId,
                issuedAt,
                issuedAt,
                issuedAt.plusSeconds(900),
                "int-1",
                "acme",
                "restart_service",
                "api-gateway",
                WarrantClaims.Tier.T1,
                WarrantClaims.Mode.DIRECT,
                Map.of(),
                List.of(),
                "v1",
                "digest");
    }

    private static WarrantRevoked revoked(RevocationScope scope, String warrantId, String agentId) {
        return WarrantRevoked.newBuilder()
                .setEventId("e")
                .setTenantId("acme")
                .setOccurredAt(NOW)
                .setScope(scope)
                .setWarrantId(warrantId)
                .setAgentId(agentId)
                .setRevokedBefore(NOW)
                .setRevokedBy("alice")
                .setReason("test")
                .build();
    }

    @Test
    void shouldRevokeTheNamedWarrantOnly() {
        RevocationList list = new RevocationList();
        RevocationListener.apply(revoked(RevocationScope.WARRANT, "w-1", null), list);
        assertThat(list.isRevoked(warrant("w-1", "agent-7", NOW))).isTrue();
        assertThat(list.isRevoked(warrant("w-2", "agent-7", NOW))).isFalse();
    }

    @Test
    void shouldRevokeAnAgentsWarrantsIssuedUpToTheKillSwitch() {
        RevocationList list = new RevocationList();
        RevocationListener.apply(revoked(RevocationScope.AGENT, null, "agent-7"), list);
        assertThat(list.isRevoked(warrant("w-1", "agent-7", NOW))).isTrue();
        assertThat(list.isRevoked(warrant("w-2", "agent-7", NOW.plusSeconds(1))))
                .as("issued after the kill switch")
                .isFalse();
        assertThat(list.isRevoked(warrant("w-3", "agent-8", NOW))).isFalse();
    }
}
