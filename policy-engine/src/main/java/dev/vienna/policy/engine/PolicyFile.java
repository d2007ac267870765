package dev.vienna.policy.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import java.util.List;
import java.util.Map;

/**
 * One policy file as written in YAML: rules, and optionally (in at most one file of a set) the risk scoring and
 * per-tier defaults. Unknown keys are errors, so a misspelt key never goes unnoticed. The README's "Policy language"
 * section documents every key.
 */
record PolicyFile(List<RuleSpec> rules, ScoringSpec scoring, Map<Tier, TierSpec> tiers) {

    PolicyFile {
        rules = rules == null ? List.of() : rules;
    }

    /** A rule: which intents it matches ({@code actions}, {@code when}) and what it does. */
    record RuleSpec(
            String id,
            String description,
            /** enforce (default) or shadow. */
            String mode,
            List<String> actions,
            /** CEL over intent.* and now; absent: the rule matches every intent its actions select. */
            String when,
            /** Deny with this reason. */
            String deny,
            /** Tier floor: the decision is at least this tier. */
            Tier tier,
            /** Sets the tier exactly, even below what the risk score gives (other rules' floors still apply). */
            @JsonProperty("setTier") Tier setTier,
            Integer approvals,
            @JsonProperty("approverRole") String approverRole,
            @JsonProperty("requireJustification") Boolean requireJustification,
            ExecutionMode execution,
            /** ISO-8601 duration operators have to decide. */
            @JsonProperty("approvalTtl") String approvalTtl,
            /** Resource patterns ({@code *} matches anything) the warrant is limited to. */
            @JsonProperty("allowedResources") List<String> allowedResources,
            /** Constraints the warrant carries: CEL over params/action/resource/agentId, or warrant_lifetime. */
            Map<String, String> constraints) {}

    /** Risk scoring settings; every key optional (defaults in {@link RiskScoring}). */
    record ScoringSpec(
            Map<String, Double> weights,
            @JsonProperty("costScale") Double costScale,
            @JsonProperty("blastRadiusScale") Double blastRadiusScale,
            Map<Tier, Integer> thresholds,
            /** What decides when no enforced rule matches: score (default), deny, or a tier floor T0..T3. */
            @JsonProperty("noMatch") String noMatch) {}

    /** What a tier implies unless a rule says otherwise. */
    record TierSpec(
            Integer approvals,
            ExecutionMode execution,
            @JsonProperty("requireJustification") Boolean requireJustification) {}
}
