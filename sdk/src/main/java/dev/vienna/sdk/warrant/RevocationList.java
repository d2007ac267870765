package dev.vienna.sdk.warrant;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revocations a verifier knows: single warrants by id, and per agent the instant up to which every warrant issued
 * is revoked (the kill switch; a later kill switch extends it). Java agents fill it from {@code warrant-revocations}
 * with the Kafka sdk's {@code RevocationListener}; any other source may call {@link #revokeWarrant} and
 * {@link #revokeAgentUpTo} itself.
 */
public final class RevocationList implements WarrantVerifier.Revocations {

    private final Map<String, Boolean> warrants = new ConcurrentHashMap<>();
    private final Map<String, Instant> agentsUpTo = new ConcurrentHashMap<>();

    /** Revokes one warrant by its id ({@code jti}). */
    public void revokeWarrant(String warrantId) {
        warrants.put(warrantId, true);
    }

    /**
     * Revokes every warrant of {@code agentId} issued at or before {@code issuedUpTo}; an earlier instant changes
     * nothing.
     */
    public void revokeAgentUpTo(String agentId, Instant issuedUpTo) {
        agentsUpTo.merge(agentId, issuedUpTo, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** The instant up to which every warrant of {@code agentId} is revoked, if any kill switch covers it. */
    public Optional<Instant> agentRevokedUpTo(String agentId) {
        return Optional.ofNullable(agentsUpTo.get(agentId));
    }

    @Override
    public boolean isRevoked(WarrantClaims claims) {
        return isRevoked(claims.warrantId(), claims.agentId(), claims.issuedAt());
    }

    /** Whether the warrant with this id, agent and issue time is revoked, by id or by its agent's kill switch. */
    public boolean isRevoked(String warrantId, String agentId, Instant issuedAt) {
        if (warrants.containsKey(warrantId)) {
            return true;
        }
        Instant upTo = agentsUpTo.get(agentId);
        return upTo != null && !issuedAt.isAfter(upTo);
    }
}
