package dev.vienna.policy.engine;

import dev.vienna.events.Intent;
import dev.vienna.events.ScoreFactor;
import dev.vienna.events.Tier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The risk score: four factors, each a value in 0..1 times its weight (points), summed and capped to 0..100. Cost
 * impact is {@code costImpact / costScale} (capped at 1), irreversibility is 1 for an action that cannot be undone,
 * blast radius is {@code blastRadius / blastRadiusScale} (capped), urgency is {@code urgency / 10} (an emergency change
 * gets less review, so it is riskier). The score maps to the highest tier whose threshold it reaches.
 */
record RiskScoring(
        Map<String, Double> weights, double costScale, double blastRadiusScale, Map<Tier, Integer> thresholds) {

    static final String COST = "costImpact";
    static final String IRREVERSIBLE = "irreversible";
    static final String BLAST_RADIUS = "blastRadius";
    static final String URGENCY = "urgency";
    static final List<String> FACTORS = List.of(COST, IRREVERSIBLE, BLAST_RADIUS, URGENCY);

    static RiskScoring defaults() {
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put(COST, 35.0);
        weights.put(IRREVERSIBLE, 30.0);
        weights.put(BLAST_RADIUS, 25.0);
        weights.put(URGENCY, 10.0);
        Map<Tier, Integer> thresholds = new EnumMap<>(Tier.class);
        thresholds.put(Tier.T1, 15);
        thresholds.put(Tier.T2, 40);
        thresholds.put(Tier.T3, 70);
        return new RiskScoring(weights, 10_000, 1_000, thresholds);
    }

    /** These settings with a file's scoring section applied; throws on an invalid value. */
    RiskScoring with(PolicyFile.ScoringSpec spec) {
        Map<String, Double> w = new LinkedHashMap<>(weights);
        if (spec.weights() != null) {
            spec.weights().forEach((name, weight) -> {
                if (!FACTORS.contains(name)) {
                    throw new IllegalArgumentException("scoring: unknown factor '" + name + "', known: " + FACTORS);
                }
                if (weight == null || weight < 0) {
                    throw new IllegalArgumentException("scoring: weight of " + name + " must be >= 0");
                }
                w.put(name, weight);
            });
        }
        double total = w.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total > 100.0 + 1e-9) {
            throw new IllegalArgumentException("scoring: weights add up to " + total + ", more than 100");
        }
        Map<Tier, Integer> t = new EnumMap<>(thresholds);
        if (spec.thresholds() != null) {
            spec.thresholds().forEach((tier, threshold) -> {
                if (tier == Tier.T0 || threshold == null || threshold < 0 || threshold > 100) {
                    throw new IllegalArgumentException("scoring: thresholds are T1..T3, each 0..100");
                }
                t.put(tier, threshold);
            });
        }
        if (!(t.get(Tier.T1) <= t.get(Tier.T2) && t.get(Tier.T2) <= t.get(Tier.T3))) {
            throw new IllegalArgumentException("scoring: thresholds must rise from T1 to T3, not " + t);
        }
        double cost = spec.costScale() == null ? costScale : spec.costScale();
        double blast = spec.blastRadiusScale() == null ? blastRadiusScale : spec.blastRadiusScale();
        if (cost <= 0 || blast <= 0) {
            throw new IllegalArgumentException("scoring: costScale and blastRadiusScale must be positive");
        }
        return new RiskScoring(Map.copyOf(w), cost, blast, Map.copyOf(t));
    }

    Score score(Intent intent) {
        double[] values = {
            Math.min(1.0, Math.max(0.0, intent.getCostImpact()) / costScale),
            intent.getReversible() ? 0.0 : 1.0,
            Math.min(1.0, Math.max(0, intent.getBlastRadius()) / blastRadiusScale),
            Math.min(1.0, Math.max(0, intent.getUrgency()) / 10.0)
        };
        List<ScoreFactor> factors = new ArrayList<>(FACTORS.size());
        double total = 0;
        for (int i = 0; i < values.length; i++) {
            double weight = weights.get(FACTORS.get(i));
            double contribution = values[i] * weight;
            total += contribution;
            factors.add(new ScoreFactor(FACTORS.get(i), values[i], weight, contribution));
        }
        int score = (int) Math.min(100, Math.round(total));
        return new Score(score, tierOf(score), factors);
    }

    Tier tierOf(int score) {
        if (score >= thresholds.get(Tier.T3)) {
            return Tier.T3;
        }
        if (score >= thresholds.get(Tier.T2)) {
            return Tier.T2;
        }
        return score >= thresholds.get(Tier.T1) ? Tier.T1 : Tier.T0;
    }

    record Score(int value, Tier tier, List<ScoreFactor> factors) {}
}
