package dev.vienna.policy.engine;

import static dev.vienna.policy.engine.PolicyFixtures.directory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

    @TempDir
    Path dir;

    private PolicyRejected rejected(Map<String, String> files) {
        return catchThrowableOfType(PolicyRejected.class, () -> PolicyLoader.load(directory(dir, files)));
    }

    @Test
    void shouldRejectCelThatDoesNotCompileNamingFileAndRule() {
        PolicyRejected e = rejected(Map.of("a.yaml", """
        rules:
          - id: broken
            when: "intent.params.replicas >"
            tier: T2
        """));
        assertThat(e.errors())
                .singleElement()
                .satisfies(err -> assertThat(err).startsWith("a.yaml: rule broken: when does not compile"));
    }

    @Test
    void shouldRejectAConditionOnAnIntentFieldThatDoesNotExist() {
        PolicyRejected e = rejected(Map.of("a.yaml", """
        rules:
          - id: typo
            when: "intent.acton == 'deploy'"
            tier: T2
        """));
        assertThat(e.errors())
                .singleElement()
                .satisfies(err -> assertThat(err).contains("rule typo").contains("no field [acton]"));
    }

    @Test
    void shouldRejectYamlThatDoesNotParseAndUnknownKeysWithTheirLine() {
        PolicyRejected e = rejected(Map.of(
                "a.yaml", "rules: [ { id: x, tier: T2 \n",
                "b.yaml", """
            rules:
              - id: y
                teir: T2
            """));
        assertThat(e.errors()).hasSize(2);
        assertThat(e.errors()).anySatisfy(err -> assertThat(err).startsWith("a.yaml: line "));
        assertThat(e.errors())
                .anySatisfy(err -> assertThat(err)
                        .startsWith("b.yaml: line ")
                        .contains("unknown key 'teir'")
                        .contains("tier"));
    }

    @Test
    void shouldRejectDuplicateIdsRulesWithoutEffectBadValuesAndTwoScoringSections() {
        PolicyRejected e = rejected(Map.of(
                "a.yaml", """
            scoring: { thresholds: { T1: 10 } }
            rules:
              - id: same
                tier: T1
              - id: idle
                actions: [noop]
              - id: bad-values
                tier: T1
                setTier: T2
                approvalTtl: soon
                constraints: { cap: "params.replicas <=" , warrant_lifetime: "-PT1M" }
            """,
                "b.yaml", """
            scoring: { noMatch: maybe }
            rules:
              - id: same
                tier: T2
            """));
        assertThat(e.errors())
                .anySatisfy(err -> assertThat(err)
                        .isEqualTo("b.yaml: rule same: duplicate rule id (ids are unique across the policy set)"));
        assertThat(e.errors())
                .anySatisfy(err -> assertThat(err).startsWith("a.yaml: rule idle: the rule does nothing"));
        assertThat(e.errors()).anySatisfy(err -> assertThat(err).startsWith("a.yaml: rule bad-values: use tier"));
        assertThat(e.errors())
                .anySatisfy(
                        err -> assertThat(err).startsWith("a.yaml: rule bad-values: approvalTtl is not an ISO-8601"));
        assertThat(e.errors())
                .anySatisfy(err -> assertThat(err).startsWith("a.yaml: rule bad-values: constraint cap: "));
        assertThat(e.errors())
                .anySatisfy(
                        err -> assertThat(err).startsWith("a.yaml: rule bad-values: constraint warrant_lifetime: "));
        assertThat(e.errors())
                .anySatisfy(err -> assertThat(err).startsWith("b.yaml: scoring and tiers are already set in a.yaml"));
    }

    @Test
    void shouldIgnoreTheTestsFolderAndChangeVersionWithAnyContentChange() throws Exception {
        directory(dir, Map.of("a.yaml", "rules: [ { id: x, actions: [noop], setTier: T0 } ]\n"));
        Files.createDirectories(dir.resolve("tests"));
        Files.writeString(dir.resolve("tests/a.yaml"), "not: [a, policy\n");
        PolicySet first = PolicyLoader.load(dir);
        assertThat(first.files()).containsExactly("a.yaml");
        assertThat(first.version()).isEqualTo(PolicyLoader.version(dir)).startsWith("sha256:");
        Files.writeString(dir.resolve("a.yaml"), "rules: [ { id: x, actions: [noop], setTier: T1 } ]\n");
        assertThat(PolicyLoader.load(dir).version()).isNotEqualTo(first.version());
    }

    @Test
    void shouldLoadTheShippedPolicies() {
        PolicySet shipped = PolicyLoader.load(ShippedPoliciesTest.SHIPPED);
        assertThat(shipped.files()).contains("scoring.yaml", "operations.yaml", "production.yaml");
        assertThat(shipped.rules())
                .extracting(PolicySet.RuleView::id)
                .contains(
                        "noop",
                        "restart-service",
                        "scale-deployment",
                        "deploy-production",
                        "delete-user-data",
                        "transfer-funds-large");
    }
}
