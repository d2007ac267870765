package dev.vienna.sdk;

import dev.vienna.events.RevocationScope;
import dev.vienna.events.WarrantRevoked;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revocations a verifier knows: single warrants by id, and per agent the instant up to which every warrant issued
 * is revoked (the kill switch; a later kill switch extends it).
 */
public final class RevocationList implements WarrantVerifier.Revocations {

    private final Map<String, Boolean> warrants = new ConcurrentHashMap<>();
    private final Map<String, Instant> agentsUpTo = new ConcurrentHashMap<>();

    public void apply(WarrantRevoked revoked) {
        if (revoked.getScope() == RevocationScope.WARRANT && revoked.getWarrantId() != null) {
            warrants.put(revoked.getWarrantId(), true);
        } else if (revoked.getScope() == RevocationScope.AGENT && revoked.getAgentId() != null) {
            agentsUpTo.merge(revoked.getAgentId(), revoked.getRevokedBefore(), (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    @Override
    public boolean isRevoked(WarrantClaims claims) {
        if (warrants.containsKey(claims.warrantId())) {
            return true;
        }
        Instant upTo = agentsUpTo.get(claims.agentId());
        return upTo != null && !claims.issuedAt().isAfter(upTo);
    }
}
