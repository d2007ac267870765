package dev.vienna.intake;

import dev.vienna.events.AgentChanged;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent as the registry API shows it: everything but key hashes.
 *
 * @param signingKeys public keys: id, public key (base64url), when added and revoked
 * @param apiKeys API key ids with when made and revoked; never the key or its hash
 */
public record AgentView(
        String agentId,
        String tenantId,
        List<String> owners,
        String status,
        String reason,
        String suspendedAt,
        List<Map<String, String>> signingKeys,
        List<Map<String, String>> apiKeys,
        String changedBy,
        String changedAt) {

    static AgentView of(AgentChanged agent) {
        return new AgentView(
                agent.getAgentId(),
                agent.getTenantId(),
                List.copyOf(agent.getOwners()),
                agent.getStatus().name(),
                agent.getReason(),
                agent.getSuspendedAt() == null ? null : agent.getSuspendedAt().toString(),
                agent.getSigningKeys().stream()
                        .map(key -> entries(
                                "keyId", key.getKeyId(),
                                "publicKey", key.getPublicKey(),
                                "addedAt", key.getAddedAt().toString(),
                                "revokedAt",
                                        key.getRevokedAt() == null
                                                ? null
                                                : key.getRevokedAt().toString()))
                        .toList(),
                agent.getApiKeys().stream()
                        .map(key -> entries(
                                "keyId", key.getKeyId(),
                                "createdAt", key.getCreatedAt().toString(),
                                "revokedAt",
                                        key.getRevokedAt() == null
                                                ? null
                                                : key.getRevokedAt().toString()))
                        .toList(),
                agent.getChangedBy(),
                agent.getOccurredAt().toString());
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("agentId", agentId);
        map.put("tenantId", tenantId);
        map.put("owners", owners);
        map.put("status", status);
        map.put("reason", reason);
        map.put("suspendedAt", suspendedAt);
        map.put("signingKeys", signingKeys);
        map.put("apiKeys", apiKeys);
        map.put("changedBy", changedBy);
        map.put("changedAt", changedAt);
        return map;
    }

    private static Map<String, String> entries(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                map.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return map;
    }
}
