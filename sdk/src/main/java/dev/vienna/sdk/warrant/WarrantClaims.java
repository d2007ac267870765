package dev.vienna.sdk.warrant;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a warrant says: the registered JWT claims ({@code iss}, {@code sub} = agentId, {@code aud}, {@code jti} =
 * warrant id, {@code iat}, {@code nbf}, {@code exp}) and Vienna's own.
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
        String actionDigest) {

    public WarrantClaims {
        constraints = Map.copyOf(constraints);
        approvedBy = List.copyOf(approvedBy);
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

        private Names() {}
    }
}
