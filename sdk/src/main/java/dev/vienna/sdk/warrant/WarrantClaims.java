package dev.vienna.sdk.warrant;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a warrant says: the registered JWT claims ({@code iss}, {@code sub} = agentId, {@code aud}, {@code jti} =
 * warrant id, {@code iat}, {@code nbf}, {@code exp}), Vienna's own, and for a PASSBACK warrant the confirmation key
 * ({@code cnf.jkt}, RFC 7800): the RFC 7638 thumbprint of the agent's registered Ed25519 key, whose holder alone may
 * use it ({@code confirmationThumbprint}, null when the warrant is not key-bound).
 */
public record WarrantClaims(
        String issuer,
        String agentId,
        String audience,
        String warrantId,
        Instant issuedAt,
        Instant notBefore,
        Instant expiresAt,
        String intentId,
        String tenantId,
        String action,
        String resource,
        Tier tier,
        Mode mode,
        Map<String, String> constraints,
        List<Approver> approvedBy,
        String policyVersion,
        String actionDigest,
        String confirmationThumbprint) {

    public WarrantClaims {
        constraints = Map.copyOf(constraints);
        approvedBy = List.copyOf(approvedBy);
    }

    /** Claims of a warrant bound to no key (DIRECT). */
    public WarrantClaims(
            String issuer,
            String agentId,
            String audience,
            String warrantId,
            Instant issuedAt,
            Instant notBefore,
            Instant expiresAt,
            String intentId,
            String tenantId,
            String action,
            String resource,
            Tier tier,
            Mode mode,
            Map<String, String> constraints,
            List<Approver> approvedBy,
            String policyVersion,
            String actionDigest) {
        this(
                issuer,
                agentId,
                audience,
                warrantId,
                issuedAt,
                notBefore,
                expiresAt,
                intentId,
                tenantId,
                action,
                resource,
                tier,
                mode,
                constraints,
                approvedBy,
                policyVersion,
                actionDigest,
                null);
    }

    /** The same claims bound to the key with this RFC 7638 thumbprint ({@code cnf.jkt}). */
    public WarrantClaims boundTo(String thumbprint) {
        return new WarrantClaims(
                issuer,
                agentId,
                audience,
                warrantId,
                issuedAt,
                notBefore,
                expiresAt,
                intentId,
                tenantId,
                action,
                resource,
                tier,
                mode,
                constraints,
                approvedBy,
                policyVersion,
                actionDigest,
                thumbprint);
    }

    /** The intent's risk tier, as policy decided it. */
    public enum Tier {
        T0,
        T1,
        T2,
        T3
    }

    /**
     * Who executes: {@code DIRECT} (Vienna's executor-service, audience {@code vienna-executor}) or {@code PASSBACK}
     * (the agent itself, audience {@code agent:<agentId>}).
     */
    public enum Mode {
        DIRECT,
        PASSBACK
    }

    /** One operator's approval as the warrant records it. */
    public record Approver(String operatorId, Instant approvedAt) {}

    /** Claim names of Vienna's own claims in the token. */
    static final class Names {
        static final String INTENT_ID = "intentId";
        static final String TENANT_ID = "tenantId";
        static final String ACTION = "action";
        static final String RESOURCE = "resource";
        static final String TIER = "tier";
        static final String MODE = "mode";
        static final String CONSTRAINTS = "constraints";
        static final String APPROVED_BY = "approvedBy";
        static final String POLICY_VERSION = "policyVersion";
        static final String ACTION_DIGEST = "actionDigest";
        static final String CONFIRMATION = "cnf";
        static final String JWK_THUMBPRINT = "jkt";

        private Names() {}
    }
}
