package dev.vienna.sdk.kafka.events;

import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.SignatureAlgorithm;
import dev.vienna.events.Tier;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantTokens;

/**
 * Between the contract's events and the sdk's warrant types: the {@code warrants} event of a signed warrant, and the
 * tier, mode and algorithm enums of both sides (the sdk's own, so that an agent needs no Avro or Kafka).
 */
public final class WarrantEvents {

    /**
     * The {@code warrants} event for a warrant: the signed token plus its decoded fields and the params the digest
     * binds. Deterministic: its event id and times come from the claims, and Ed25519 signatures are deterministic.
     */
    public static WarrantIssued issue(WarrantClaims claims, String paramsJson, WarrantKey key) {
        return WarrantIssued.newBuilder()
                .setEventId(EventIds.of(claims.warrantId(), "warrant-issued"))
                .setIntentId(claims.intentId())
                .setTenantId(claims.tenantId())
                .setOccurredAt(claims.issuedAt())
                .setWarrantId(claims.warrantId())
                .setAgentId(claims.agentId())
                .setAction(claims.action())
                .setResource(claims.resource())
                .setParamsJson(paramsJson)
                .setTier(tier(claims.tier()))
                .setMode(mode(claims.mode()))
                .setConstraints(claims.constraints())
                .setApprovedBy(claims.approvedBy().stream()
                        .map(WarrantClaims.Approver::operatorId)
                        .toList())
                .setPolicyVersion(claims.policyVersion())
                .setIssuedAt(claims.issuedAt())
                .setExpiresAt(claims.expiresAt())
                .setAlgorithm(algorithm(key.algorithm()))
                .setKeyId(key.keyId())
                .setToken(WarrantTokens.sign(claims, key))
                .setAudience(claims.audience())
                .setActionDigest(claims.actionDigest())
                .setConfirmationKeyThumbprint(claims.confirmationThumbprint())
                .build();
    }

    /** The claim of {@code warrant} by {@code claimant} at {@code at} (milliseconds), as the claim logs record it. */
    public static WarrantClaimed claim(WarrantIssued warrant, String claimant, String eventId, java.time.Instant at) {
        return WarrantClaimed.newBuilder()
                .setEventId(eventId)
                .setIntentId(warrant.getIntentId())
                .setTenantId(warrant.getTenantId())
                .setOccurredAt(at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .setWarrantId(warrant.getWarrantId())
                .setExecutorId(claimant)
                .setExpiresAt(warrant.getExpiresAt())
                .build();
    }

    public static WarrantClaims.Tier tier(Tier tier) {
        return WarrantClaims.Tier.valueOf(tier.name());
    }

    public static Tier tier(WarrantClaims.Tier tier) {
        return Tier.valueOf(tier.name());
    }

    public static WarrantClaims.Mode mode(ExecutionMode mode) {
        return WarrantClaims.Mode.valueOf(mode.name());
    }

    public static ExecutionMode mode(WarrantClaims.Mode mode) {
        return ExecutionMode.valueOf(mode.name());
    }

    public static SignatureAlgorithm algorithm(dev.vienna.sdk.warrant.SignatureAlgorithm algorithm) {
        return SignatureAlgorithm.valueOf(algorithm.name());
    }

    private WarrantEvents() {}
}
