package dev.vienna.policy.engine;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Intent;
import dev.vienna.events.MatchedRule;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.RuleMode;
import dev.vienna.events.Tier;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.cel.BooleanExpressions.EvaluationFailed;
import dev.vienna.sdk.cel.CelValues;
import dev.vienna.sdk.cel.WarrantConstraints;
import dev.vienna.sdk.warrant.WarrantLifetime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An active set of policies and the decision it gives an intent. Precedence: a deny from any enforced rule (or a rule
 * whose condition cannot be evaluated: fail closed) denies; otherwise the tier is the risk score's tier, replaced by
 * the highest {@code setTier} of a matching rule if any, then raised to the highest {@code tier} floor. Shadow rules
 * are evaluated and reported but never change the decision. Approvals are the most any matching rule or the tier's
 * default asks for; a justification, when required, must be present; the intent must satisfy the constraints its
 * warrant will carry. Immutable and thread-safe.
 */
public final class PolicySet {

    /** When no enforced rule matches: the score decides ({@code score}), deny, or at least a tier. */
    public static final String NO_MATCH_SCORE = "score";

    public static final String NO_MATCH_DENY = "deny";

    private static final int CANDIDATE_CACHE_LIMIT = 10_000;

    private final String version;
    private final String directory;
    private final List<String> files;
    private final List<Rule> rules;
    private final RiskScoring scoring;
    private final Map<Tier, TierDefaults> tierDefaults;
    private final String noMatch;
    private final Map<String, List<Rule>> candidatesByAction = new ConcurrentHashMap<>();

    PolicySet(
            String version,
            String directory,
            List<String> files,
            List<Rule> rules,
            RiskScoring scoring,
            Map<Tier, TierDefaults> tierDefaults,
            String noMatch) {
        this.version = version;
        this.directory = directory;
        this.files = List.copyOf(files);
        this.rules = List.copyOf(rules);
        this.scoring = scoring;
        this.tierDefaults = Map.copyOf(tierDefaults);
        this.noMatch = noMatch;
    }

    /** What a tier implies unless a rule says otherwise. */
    public record TierDefaults(int approvals, ExecutionMode execution, boolean requireJustification) {}

    /** A rule as shown to operators. */
    public record RuleView(
            String id,
            String file,
            String description,
            RuleMode mode,
            List<String> actions,
            String when,
            String effect) {}

    public String version() {
        return version;
    }

    public String directory() {
        return directory;
    }

    public List<String> files() {
        return files;
    }

    public List<RuleView> rules() {
        return rules.stream()
                .map(r -> new RuleView(
                        r.id(),
                        r.file(),
                        r.description(),
                        r.mode(),
                        r.actions(),
                        r.condition() == null ? null : r.condition().source(),
                        r.effect()))
                .toList();
    }

    /** The scoring settings and tier defaults, for {@code GET /v1/policy}. */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("weights", scoring.weights());
        settings.put("costScale", scoring.costScale());
        settings.put("blastRadiusScale", scoring.blastRadiusScale());
        settings.put("thresholds", scoring.thresholds());
        settings.put("noMatch", noMatch);
        settings.put("tiers", tierDefaults);
        return settings;
    }

    public Decision evaluate(Intent intent, Instant now) {
        RiskScoring.Score score = scoring.score(intent);
        List<MatchedRule> matched = new ArrayList<>();
        List<Rule> enforced = new ArrayList<>();
        List<String> denials = new ArrayList<>();
        Map<String, Object> params = null;
        Map<String, Object> variables = null;
        for (Rule rule : candidates(intent.getAction())) {
            if (rule.condition() != null) {
                try {
                    if (variables == null) {
                        params = CelValues.objectFromJson(intent.getParamsJson());
                        variables = variables(intent, params, now);
                    }
                    if (!rule.condition().test(variables)) {
                        continue;
                    }
                } catch (EvaluationFailed | IllegalArgumentException e) {
                    matched.add(new MatchedRule(rule.id(), rule.file(), rule.mode(), rule.effect(), e.getMessage()));
                    if (rule.mode() == RuleMode.ENFORCE) {
                        denials.add("rule " + rule.id() + " could not be evaluated (" + e.getMessage()
                                + "): denied, failing closed");
                    }
                    continue;
                }
            }
            matched.add(new MatchedRule(rule.id(), rule.file(), rule.mode(), rule.effect(), null));
            if (rule.mode() == RuleMode.ENFORCE) {
                enforced.add(rule);
                if (rule.deny() != null) {
                    denials.add(rule.deny() + " (rule " + rule.id() + ")");
                }
            }
        }
        return decide(intent, params, score, matched, enforced, denials);
    }

    private Decision decide(
            Intent intent,
            Map<String, Object> parsedParams,
            RiskScoring.Score score,
            List<MatchedRule> matched,
            List<Rule> enforced,
            List<String> denials) {
        List<String> reasons = new ArrayList<>();
        reasons.add("risk score " + score.value() + " gives " + score.tier());
        Tier tier = score.tier();
        Tier set = null;
        Tier floor = Tier.T0;
        for (Rule rule : enforced) {
            if (rule.setTier() != null && (set == null || rule.setTier().compareTo(set) > 0)) {
                set = rule.setTier();
            }
            if (rule.tierFloor() != null && rule.tierFloor().compareTo(floor) > 0) {
                floor = rule.tierFloor();
            }
            reasons.add("rule " + rule.id() + ": " + rule.effect());
        }
        if (set != null) {
            tier = set;
        }
        if (enforced.isEmpty()) {
            if (noMatch.equals(NO_MATCH_DENY)) {
                denials.add(
                        "no rule allows action '" + intent.getAction() + "' and this policy denies unmatched intents");
            } else if (!noMatch.equals(NO_MATCH_SCORE)) {
                floor = Tier.valueOf(noMatch);
                reasons.add("no rule matched: at least " + floor);
            }
        }
        if (floor.compareTo(tier) > 0) {
            tier = floor;
        }
        TierDefaults defaults = tierDefaults.get(tier);
        int approvals = defaults.approvals();
        String approverRole = null;
        boolean justification = defaults.requireJustification();
        ExecutionMode mode = null;
        Duration ttl = null;
        Map<String, String> constraints = new LinkedHashMap<>();
        for (Rule rule : enforced) {
            if (rule.approvals() != null) {
                approvals = Math.max(approvals, rule.approvals());
            }
            if (approverRole == null) {
                approverRole = rule.approverRole();
            }
            justification |= rule.requireJustification();
            if (mode == null) {
                mode = rule.execution();
            }
            if (rule.approvalTtl() != null && (ttl == null || rule.approvalTtl().compareTo(ttl) < 0)) {
                ttl = rule.approvalTtl();
            }
            rule.constraints().forEach((name, value) -> constraints.merge(name, value, PolicySet::combine));
        }
        if (mode == null) {
            mode = defaults.execution();
        }
        if (denials.isEmpty()
                && justification
                && (intent.getJustification() == null
                        || intent.getJustification().isBlank())) {
            denials.add("a justification is required for " + intent.getAction() + " at " + tier);
        }
        if (denials.isEmpty() && !constraints.isEmpty()) {
            ActionRequest action = new ActionRequest(
                    intent.getAgentId(), intent.getAction(), intent.getResource(), intent.getParamsJson());
            var violation = parsedParams == null
                    ? WarrantConstraints.violation(constraints, action)
                    : WarrantConstraints.violation(constraints, action, parsedParams);
            violation.ifPresent(v -> denials.add("the intent breaks its own limits: " + v));
        }
        boolean denied = !denials.isEmpty();
        reasons.addAll(denials);
        return new Decision(
                denied ? PolicyDecision.DENY : PolicyDecision.ALLOW,
                tier,
                score.value(),
                score.tier(),
                score.factors(),
                List.copyOf(matched),
                denied ? 0 : approvals,
                approverRole,
                justification,
                mode,
                Map.copyOf(constraints),
                ttl,
                List.copyOf(reasons),
                version);
    }

    /** Two rules constraining the same name: both hold (expressions), the shorter lifetime. */
    private static String combine(String a, String b) {
        if (a.equals(b)) {
            return a;
        }
        try {
            return WarrantLifetime.parse(a).compareTo(WarrantLifetime.parse(b)) <= 0 ? a : b;
        } catch (IllegalArgumentException notLifetimes) {
            return "(" + a + ") && (" + b + ")";
        }
    }

    private List<Rule> candidates(String action) {
        List<Rule> candidates = candidatesByAction.get(action);
        if (candidates == null) {
            candidates = rules.stream().filter(r -> r.selects(action)).toList();
            if (candidatesByAction.size() < CANDIDATE_CACHE_LIMIT) {
                candidatesByAction.put(action, candidates);
            }
        }
        return candidates;
    }

    /** The CEL variables: {@code intent} (its fields, params as a map, absent text as '') and {@code now}. */
    private static Map<String, Object> variables(Intent intent, Map<String, Object> params, Instant now) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("agentId", intent.getAgentId());
        fields.put("action", intent.getAction());
        fields.put("resource", intent.getResource());
        fields.put("params", params);
        fields.put("justification", intent.getJustification() == null ? "" : intent.getJustification());
        fields.put("costImpact", intent.getCostImpact());
        fields.put("reversible", intent.getReversible());
        fields.put("blastRadius", (long) intent.getBlastRadius());
        fields.put("urgency", (long) intent.getUrgency());
        fields.put("labels", intent.getLabels() == null ? Map.of() : Map.copyOf(intent.getLabels()));
        fields.put("owner", intent.getOwner() == null ? "" : intent.getOwner());
        return Map.of("intent", fields, "now", CelValues.timestamp(now));
    }
}
