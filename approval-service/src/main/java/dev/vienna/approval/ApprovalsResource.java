package dev.vienna.approval;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.Tier;
import dev.vienna.platform.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Operators' view of intents waiting for approval. */
@Path("/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
public class ApprovalsResource {

  @Inject PendingApprovals pendingApprovals;

  /** {@code GET /v1/approvals/pending[?tier=T3]}: pending intents, oldest first. */
  @GET
  @Path("/pending")
  public List<PendingApproval> pending(@QueryParam("tier") String tier) {
    Tier wanted = parseTier(tier);
    return pendingApprovals.all().stream()
        .filter(t -> wanted == null || t.getTier() == wanted)
        .map(PendingApproval::of)
        .toList();
  }

  private static Tier parseTier(String tier) {
    if (tier == null || tier.isBlank()) {
      return null;
    }
    try {
      return Tier.valueOf(tier);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(400, "Invalid tier", "tier must be one of " + Arrays.toString(Tier.values()));
    }
  }

  /** One pending intent as operators see it. */
  public record PendingApproval(
      String intentId,
      String tenantId,
      String agentId,
      String action,
      String resource,
      @JsonRawValue String params,
      String justification,
      Tier tier,
      String mode,
      int requiredApprovals,
      List<String> reasons,
      String policyVersion,
      Instant tieredAt) {

    static PendingApproval of(IntentTiered t) {
      var intent = t.getIntent();
      return new PendingApproval(
          t.getIntentId(), t.getTenantId(), intent.getAgentId(), intent.getAction(), intent.getResource(), intent.getParamsJson(),
          intent.getJustification(), t.getTier(), t.getMode().name(), t.getRequiredApprovals(), t.getReasons(), t.getPolicyVersion(),
          t.getOccurredAt());
    }
  }
}
