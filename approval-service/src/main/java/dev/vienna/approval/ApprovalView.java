package dev.vienna.approval;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.Tier;
import dev.vienna.events.VoteDecision;
import java.time.Instant;
import java.util.List;

/**
 * One intent's approval state as operators see it: what is asked (with the digest a vote must name), why the policy
 * wants operators, the votes that counted, what is still needed and by when, and the decision once there is one.
 *
 * @param status PENDING, or the outcome: APPROVED, DENIED, EXPIRED
 */
public record ApprovalView(
        String intentId,
        String tenantId,
        String status,
        String agentId,
        String owner,
        String action,
        String resource,
        @JsonRawValue String params,
        String justification,
        String actionDigest,
        Tier tier,
        String mode,
        Policy policy,
        List<Vote> votes,
        Needed needed,
        Instant tieredAt,
        Instant deadline,
        Decision decision) {

    /** The policy decision that asked for operators, and its explanation. */
    public record Policy(
            String version,
            String decision,
            int requiredApprovals,
            List<String> reasons,
            List<Rule> matchedRules,
            int riskScore,
            List<Factor> scoreFactors,
            Tier scoreTier) {}

    /** A rule whose condition held. */
    public record Rule(String ruleId, String file, String mode, String effect, String error) {}

    /** One risk factor's contribution to the score. */
    public record Factor(String name, double value, double weight, double contribution) {}

    /** A vote that counted. */
    public record Vote(String operatorId, VoteDecision decision, String reason, Instant castAt) {}

    /**
     * What a decision still needs.
     *
     * @param approvals approvals still missing
     * @param approverRole a role voters must hold besides {@value ApprovalRules#APPROVER}; null: none
     * @param reasonRequired whether every vote needs a reason (a DENY always does)
     * @param justificationRequired whether an approval needs the intent's justification
     */
    public record Needed(int approvals, String approverRole, boolean reasonRequired, boolean justificationRequired) {}

    /** The outcome, when and why. */
    public record Decision(String outcome, Instant decidedAt, boolean automatic, String reason) {}

    static ApprovalView of(ApprovalState state) {
        IntentTiered t = state.tiered();
        var intent = t.getIntent();
        boolean strict = ApprovalRules.justificationRequired(t);
        var policy = new Policy(
                t.getPolicyVersion(),
                t.getDecision().name(),
                t.getRequiredApprovals(),
                t.getReasons(),
                t.getMatchedRules().stream()
                        .map(r ->
                                new Rule(r.getRuleId(), r.getFile(), r.getMode().name(), r.getEffect(), r.getError()))
                        .toList(),
                t.getRiskScore(),
                t.getScoreFactors().stream()
                        .map(f -> new Factor(f.getName(), f.getValue(), f.getWeight(), f.getContribution()))
                        .toList(),
                t.getScoreTier());
        List<Vote> votes = state.votes().stream().map(ApprovalView::vote).toList();
        var needed = new Needed(
                Math.max(0, t.getRequiredApprovals() - state.approvals().size()), t.getApproverRole(), strict, strict);
        var d = state.decision();
        Decision decision = d == null
                ? null
                : new Decision(d.getOutcome().name(), d.getOccurredAt(), d.getAutomatic(), d.getReason());
        return new ApprovalView(
                t.getIntentId(),
                t.getTenantId(),
                d == null ? "PENDING" : d.getOutcome().name(),
                intent.getAgentId(),
                intent.getOwner(),
                intent.getAction(),
                intent.getResource(),
                intent.getParamsJson(),
                intent.getJustification(),
                state.actionDigest(),
                t.getTier(),
                t.getMode().name(),
                policy,
                votes,
                needed,
                t.getOccurredAt(),
                state.deadline(),
                decision);
    }

    private static Vote vote(ApprovalVoteCast v) {
        return new Vote(v.getOperatorId(), v.getDecision(), v.getReason(), v.getOccurredAt());
    }
}
