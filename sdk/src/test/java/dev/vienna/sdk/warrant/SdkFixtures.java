package dev.vienna.sdk.warrant;

import dev.vienna.sdk.canonical.ActionRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small builders shared by the sdk tests. */
final class SdkFixtures {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    static final String EXECUTOR = "vienna-executor";
    static final ActionRequest RESTART =
            new ActionRequest("agent-7", "restart_service", "api-gateway", "{\"graceful\":true,\"timeout\":30}");

    /**
     * A warrant's claims for {@link #RESTART}, valid for 15 minutes from {@link #NOW}; its one constraint is the
     * lifetime, which needs no expression evaluator.
     */
    static WarrantClaims claims() {
        return new WarrantClaims(
                "vienna",
                RESTART.agentId(),
                EXECUTOR,
                "wrt-1",
                NOW,
                NOW,
                NOW.plusSeconds(900),
                "int-1",
                "acme",
                RESTART.action(),
                RESTART.resource(),
                WarrantClaims.Tier.T1,
                WarrantClaims.Mode.DIRECT,
                Map.of(WarrantLifetime.CONSTRAINT, "PT15M"),
                List.of(new WarrantClaims.Approver("alice@acme.com", NOW.minusSeconds(60))),
                "v1",
                RESTART.digest());
    }

    /** The same claims with other constraints. */
    static WarrantClaims claimsWith(Map<String, String> constraints) {
        WarrantClaims c = claims();
        return new WarrantClaims(
                c.issuer(),
                c.agentId(),
                c.audience(),
                c.warrantId(),
                c.issuedAt(),
                c.notBefore(),
                c.expiresAt(),
                c.intentId(),
                c.tenantId(),
                c.action(),
                c.resource(),
                c.tier(),
                c.mode(),
                constraints,
                c.approvedBy(),
                c.policyVersion(),
                c.actionDigest());
    }

    private SdkFixtures() {}
}
