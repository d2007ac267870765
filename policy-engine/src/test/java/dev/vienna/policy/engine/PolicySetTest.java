package dev.vienna.policy.engine;

import static dev.vienna.policy.engine.PolicyFixtures.directory;
import static dev.vienna.policy.engine.PolicyFixtures.intent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.RuleMode;
import dev.vienna.events.ScoreFactor;
import dev.vienna.events.Tier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySetTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private PolicySet load(String yaml) {
        return PolicyLoader.load(directory(dir, Map.of("policy.yaml", yaml)));
    }

    @Test
    void shouldScoreEachFactorByItsWeightAndMapTheScoreToATier() {
        PolicySet policies = load("""
        scoring:
          weights: { costImpact: 40, irreversible: 30, blastRadius: 20, urgency: 10 }
          costScale: 1000
          blastRadiusScale: 100
          thresholds: { T1: 10, T2: 50, T3: 80 }
        """);
        Decision d = policies.evaluate(
                intent("resize")
                        .setCostImpact(500)
                        .setReversible(false)
                        .setBlastRadius(400)
                        .setUrgency(5)
                        .build(),
                NOW);
        // cost 500/1000 * 40 = 20, irreversible 30, blast radius capped at 1 * 20 = 20, urgency 5/10 * 10 = 5
        assertThat(d.scoreFactors())
                .extracting(ScoreFactor::getName, ScoreFactor::getContribution)
                .containsExactly(
                        Tuple.tuple("costImpact", 20.0), Tuple.tuple("irreversible", 30.0),
                        Tuple.tuple("blastRadius", 20.0), Tuple.tuple("urgency", 5.0));
        assertThat(d.riskScore()).isEqualTo(75);
        assertThat(d.scoreTier()).isEqualTo(Tier.T2);
        assertThat(d.tier()).isEqualTo(Tier.T2);
        assertThat(d.ruleIds(RuleMode.ENFORCE)).isEmpty();
        assertThat(policies.evaluate(intent("resize").build(), NOW).tier()).isEqualTo(Tier.T0);
    }

    @Test
    void shouldLetDenyBeatTierFloorsAndFloorsBeatTheScore() {
        PolicySet policies = load("""
        rules:
          - id: floor-t2
            actions: [scale]
            tier: T2
          - id: floor-t1
            actions: [scale]
            tier: T1
          - id: too-many
            actions: [scale]
            when: "intent.params.replicas > 20"
            deny: too many replicas
        """);
        Decision small = policies.evaluate(
                intent("scale").setParamsJson("{\"replicas\":3}").build(), NOW);
        assertThat(small.decision()).isEqualTo(PolicyDecision.ALLOW);
        assertThat(small.scoreTier()).isEqualTo(Tier.T0);
        assertThat(small.tier()).isEqualTo(Tier.T2);
        assertThat(small.ruleIds(RuleMode.ENFORCE)).containsExactly("floor-t2", "floor-t1");

        Decision big = policies.evaluate(
                intent("scale").setParamsJson("{\"replicas\":25}").build(), NOW);
        assertThat(big.decision()).isEqualTo(PolicyDecision.DENY);
        assertThat(big.requiredApprovals()).isZero();
        assertThat(big.reasons()).contains("too many replicas (rule too-many)");
    }

    @Test
    void shouldNeverLowerTheScoreTierWithAFloorButLowerItWithSetTier() {
        PolicySet policies = load("""
        rules:
          - id: floor
            actions: [risky]
            tier: T1
          - id: explicit
            actions: [vetted]
            setTier: T1
        """);
        var risky = intent("risky")
                .setReversible(false)
                .setCostImpact(10_000)
                .setBlastRadius(1000)
                .build();
        assertThat(policies.evaluate(risky, NOW).scoreTier()).isEqualTo(Tier.T3);
        assertThat(policies.evaluate(risky, NOW).tier()).isEqualTo(Tier.T3);
        var vetted = intent("vetted")
                .setReversible(false)
                .setCostImpact(10_000)
                .setBlastRadius(1000)
                .build();
        assertThat(policies.evaluate(vetted, NOW).tier()).isEqualTo(Tier.T1);
    }

    @Test
    void shouldRecordShadowRulesWithoutLettingThemChangeTheDecision() {
        PolicySet policies = load("""
        rules:
          - id: base
            actions: [deploy]
            tier: T2
          - id: trial-deny
            mode: shadow
            actions: [deploy]
            deny: would be denied
          - id: trial-t3
            mode: shadow
            actions: [deploy]
            tier: T3
            approvals: 3
        """);
        Decision d = policies.evaluate(intent("deploy").build(), NOW);
        assertThat(d.decision()).isEqualTo(PolicyDecision.ALLOW);
        assertThat(d.tier()).isEqualTo(Tier.T2);
        assertThat(d.requiredApprovals()).isEqualTo(1);
        assertThat(d.ruleIds(RuleMode.SHADOW)).containsExactly("trial-deny", "trial-t3");
        assertThat(d.matchedRules())
                .filteredOn(r -> r.getRuleId().equals("trial-deny"))
                .singleElement()
                .satisfies(r -> assertThat(r.getEffect()).isEqualTo("deny: would be denied"));
    }

    @Test
    void shouldDenyWhenAnEnforcedConditionCannotBeEvaluatedButOnlyRecordAShadowOne() {
        PolicySet policies = load("""
        rules:
          - id: base
            actions: [deploy]
            setTier: T0
          - id: shadow-broken
            mode: shadow
            actions: [deploy]
            when: "intent.params.missing > 3"
            tier: T3
          - id: enforce-broken
            actions: [scale]
            when: "intent.params.replicas > 'ten'"
            tier: T1
        """);
        Decision shadowOnly = policies.evaluate(intent("deploy").build(), NOW);
        assertThat(shadowOnly.decision()).isEqualTo(PolicyDecision.ALLOW);
        assertThat(shadowOnly.matchedRules())
                .filteredOn(r -> r.getRuleId().equals("shadow-broken"))
                .singleElement()
                .satisfies(r -> assertThat(r.getError()).contains("missing"));

        Decision enforced = policies.evaluate(intent("scale").build(), NOW);
        assertThat(enforced.decision()).isEqualTo(PolicyDecision.DENY);
        assertThat(enforced.reasons())
                .anySatisfy(r -> assertThat(r)
                        .contains("rule enforce-broken could not be evaluated")
                        .contains("failing closed"));
    }

    @Test
    void shouldFailClosedOnParamsThatAreNotAJsonObject() {
        PolicySet policies = load("""
        rules:
          - id: check
            when: "intent.params.replicas > 1"
            tier: T1
        """);
        Decision d = policies.evaluate(intent("scale").setParamsJson("[1,2]").build(), NOW);
        assertThat(d.decision()).isEqualTo(PolicyDecision.DENY);
    }

    @Test
    void shouldApplyTheConfiguredNoMatchBehaviour() {
        PolicySet deny = load("""
        scoring: { noMatch: deny }
        rules:
          - id: known
            actions: [noop]
            setTier: T0
        """);
        assertThat(deny.evaluate(intent("noop").build(), NOW).decision()).isEqualTo(PolicyDecision.ALLOW);
        assertThat(deny.evaluate(intent("unknown").build(), NOW).decision()).isEqualTo(PolicyDecision.DENY);

        PolicySet byScore = load("""
        scoring: { noMatch: score }
        rules:
          - id: known
            actions: [noop]
            setTier: T0
        """);
        assertThat(byScore.evaluate(intent("unknown").build(), NOW).tier()).isEqualTo(Tier.T0);
        assertThat(byScore.evaluate(
                                intent("unknown")
                                        .setReversible(false)
                                        .setCostImpact(5000)
                                        .build(),
                                NOW)
                        .tier())
                .isEqualTo(Tier.T2);
    }

    @Test
    void shouldCombineApprovalsModesTtlsAndConstraintsOfEveryEnforcedRule() {
        PolicySet policies = load("""
        rules:
          - id: a
            actions: [scale]
            tier: T2
            approvals: 2
            approvalTtl: PT2H
            approverRole: sre
            constraints:
              warrant_lifetime: PT8M
              cap: "params.replicas <= 50"
          - id: b
            actions: [scale]
            execution: DIRECT
            approvals: 1
            approvalTtl: PT30M
            allowedResources: ["api-*"]
            constraints:
              warrant_lifetime: PT3M
              cap: "params.replicas >= 1"
        """);
        Decision d = policies.evaluate(intent("scale").build(), NOW);
        assertThat(d.requiredApprovals()).isEqualTo(2);
        assertThat(d.approverRole()).isEqualTo("sre");
        assertThat(d.mode()).isEqualTo(ExecutionMode.DIRECT);
        assertThat(d.approvalTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(d.constraints())
                .containsEntry("warrant_lifetime", "PT3M")
                .containsEntry("cap", "(params.replicas <= 50) && (params.replicas >= 1)")
                .containsEntry("allowed_resources", "resource.matches(r'^(api-.*)$')");
        assertThat(d.decision()).isEqualTo(PolicyDecision.ALLOW);
        assertThat(policies.evaluate(intent("scale").setResource("db-main").build(), NOW)
                        .decision())
                .isEqualTo(PolicyDecision.DENY);
    }

    @Test
    void shouldSeeTheTimeOfEvaluation() {
        PolicySet policies = load("""
        rules:
          - id: office-hours
            when: "now.getHours('UTC') < 8 || now.getHours('UTC') >= 18"
            tier: T2
        """);
        assertThat(policies.evaluate(intent("x").build(), Instant.parse("2026-11-23T10:00:00Z"))
                        .tier())
                .isEqualTo(Tier.T0);
        assertThat(policies.evaluate(intent("x").build(), Instant.parse("2026-11-23T22:00:00Z"))
                        .tier())
                .isEqualTo(Tier.T2);
    }
}
