package dev.vienna.policy.engine;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.MatchedRule;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.RuleMode;
import dev.vienna.events.ScoreFactor;
import dev.vienna.events.Tier;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A policy decision on one intent and why: the score and each factor's part, the tier the score alone gives, every rule
 * that matched (enforced and shadow), and the human-readable reasons. {@code approvalTtl} is null when no rule set one
 * (the approval stage's per-tier default applies).
 */
public record Decision(
        PolicyDecision decision,
        Tier tier,
        int riskScore,
        Tier scoreTier,
        List<ScoreFactor> scoreFactors,
        List<MatchedRule> matchedRules,
        int requiredApprovals,
        String approverRole,
        boolean justificationRequired,
        ExecutionMode mode,
        Map<String, String> constraints,
        Duration approvalTtl,
        List<String> reasons,
        String policyVersion) {

    /** Ids of the matched rules in this mode, in evaluation order. */
    public List<String> ruleIds(RuleMode mode) {
        return matchedRules.stream()
                .filter(r -> r.getMode() == mode)
                .map(MatchedRule::getRuleId)
                .toList();
    }
}
