package dev.vienna.intake;

import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.kafka.events.WarrantEvents;
import dev.vienna.sdk.warrant.KeyThumbprints;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.testing.TestAgents;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** PASSBACK warrants of the test agents, as warrant-service would issue them, for intake's passback tests. */
final class PassbackFixtures {

    static String thumbprint(WarrantKey key) {
        return KeyThumbprints.ofEd25519(Base64.getUrlEncoder().withoutPadding().encodeToString(key.publicKey()))
                .orElseThrow();
    }

    /**
     * A T3 {@code deploy_production} warrant of {@code agentId} for {@code resource}, valid five minutes, bound to the
     * agent's registered key and signed by {@code signer}; its intent id is new.
     */
    static WarrantIssued passbackWarrant(String agentId, String resource, WarrantKey signer) {
        String intentId = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String params = "{\"version\":\"v2.3.1\"}";
        ActionRequest action = new ActionRequest(agentId, "deploy_production", resource, params);
        WarrantClaims claims = new WarrantClaims(
                        "vienna",
                        agentId,
                        "agent:" + agentId,
                        "w-" + intentId,
                        now,
                        now,
                        now.plusSeconds(300),
                        intentId,
                        "acme",
                        action.action(),
                        action.resource(),
                        WarrantClaims.Tier.T3,
                        WarrantClaims.Mode.PASSBACK,
                        Map.of(),
                        List.of(),
                        "test-policy",
                        action.digest())
                .boundTo(thumbprint(TestAgents.get(agentId).signingKey()));
        return WarrantEvents.issue(claims, params, signer);
    }

    private PassbackFixtures() {}
}
