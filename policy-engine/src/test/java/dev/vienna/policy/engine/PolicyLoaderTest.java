package dev.vienna.policy.engine;

import static dev.vienna.policy.engine.PolicyFixtures.directory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vienna.events.Tier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
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

    private static final String NOOP_T0 = "rules: [ { id: x, actions: [noop], setTier: T0 } ]\n";

    private static Tier tierOfNoop(PolicySet set) {
        return set.evaluate(PolicyFixtures.intent("noop").build(), Instant.EPOCH)
                .tier();
    }

    @Test
    void shouldRefuseAnEmptyFileAndOneThatDefinesNothing() {
        PolicyRejected e = rejected(Map.of(
                "a.yaml", NOOP_T0,
                "empty.yaml", "",
                "blank.yaml", "\n  \n",
                "comment.yaml", "# rules: [ { id: y, actions: [noop], setTier: T3 } ]\n",
                "nothing.yaml", "rules:\n"));
        assertThat(e.errors())
                .containsExactlyInAnyOrder(
                        "blank.yaml: empty file (4 bytes): a policy file defines rules, or scoring and tiers;"
                                + " delete it to remove it",
                        "comment.yaml: defines no rules, scoring or tiers (an edit saved only in part?);"
                                + " delete the file to remove it",
                        "empty.yaml: empty file (0 bytes): a policy file defines rules, or scoring and tiers;"
                                + " delete it to remove it",
                        "nothing.yaml: defines no rules, scoring or tiers (an edit saved only in part?);"
                                + " delete the file to remove it");
    }

    @Test
    void shouldRefuseAFileCutShortWhileItWasWritten() {
        String whole = """
            rules:
              - id: scale
                actions: [scale_kubernetes_deployment]
                when: "intent.params.replicas > 10"
                tier: T2
              - id: freeze
                actions: [deploy_production]
                deny: frozen for the sale
            """;
        // cut inside the quoted condition, and cut at the end of a line in the middle of the second rule
        PolicyRejected inTheCondition = rejected(Map.of("a.yaml", whole.substring(0, whole.indexOf("> 10") + 2)));
        assertThat(inTheCondition.errors())
                .singleElement()
                .satisfies(err -> assertThat(err).startsWith("a.yaml: line "));
        PolicyRejected atALine = rejected(Map.of("a.yaml", whole.substring(0, whole.indexOf("    deny:"))));
        assertThat(atALine.errors())
                .containsExactly("a.yaml: rule freeze: the rule does nothing: give it deny, tier,"
                        + " setTier, approvals, approverRole, requireJustification, execution, approvalTtl, allowedResources"
                        + " or constraints");
    }

    @Test
    void shouldRefuseAFileThatVanishedBetweenListingAndReading() throws Exception {
        directory(dir, Map.of("a.yaml", NOOP_T0));
        // the directory was listed with b.yaml in it, which is gone when it is read
        PolicySnapshot snapshot = PolicyLoader.read(dir, List.of(dir.resolve("a.yaml"), dir.resolve("b.yaml")), null);

        PolicyRejected e = catchThrowableOfType(PolicyRejected.class, () -> PolicyLoader.load(snapshot));

        assertThat(e.errors()).containsExactly("b.yaml: vanished between listing the directory and reading the file");
        assertThat(e.version()).isEqualTo(snapshot.version()).isNotEqualTo(PolicyLoader.version(dir));
    }

    @Test
    void shouldStampTheVersionOfExactlyTheBytesItParsed() throws Exception {
        // given the directory read once, then edited before the set is built from what was read
        directory(dir, Map.of("a.yaml", NOOP_T0));
        byte[] read = Files.readAllBytes(dir.resolve("a.yaml"));
        PolicySnapshot snapshot = PolicyLoader.read(dir);
        Files.writeString(dir.resolve("a.yaml"), "rules: [ { id: x, actions: [noop], setTier: T3 } ]\n");

        PolicySet set = PolicyLoader.load(snapshot);

        // then the set decides with the bytes that were read and names exactly those bytes
        assertThat(tierOfNoop(set)).isEqualTo(Tier.T0);
        assertThat(set.version()).isEqualTo(snapshot.version()).isEqualTo(hashOf("a.yaml", read));
        // and the edit is a new version, decided with the edited bytes
        PolicySet edited = PolicyLoader.load(dir);
        assertThat(tierOfNoop(edited)).isEqualTo(Tier.T3);
        assertThat(edited.version())
                .isEqualTo(hashOf("a.yaml", Files.readAllBytes(dir.resolve("a.yaml"))))
                .isNotEqualTo(set.version());
    }

    @Test
    void shouldRefuseADirectoryThatIsMissingOrHoldsNoPolicy() {
        PolicyRejected empty = catchThrowableOfType(PolicyRejected.class, () -> PolicyLoader.load(dir));
        assertThat(empty.errors()).containsExactly(dir + ": no policy files (*.yaml)");

        Path missing = dir.resolve("gone");
        PolicyRejected gone = catchThrowableOfType(PolicyRejected.class, () -> PolicyLoader.load(missing));
        assertThat(gone.errors()).containsExactly(missing + ": not a directory (missing, or not accessible)");
        // the same state is the same version, so a reloader refuses it once, not every second
        assertThat(gone.version()).isEqualTo(PolicyLoader.version(missing)).isNotEqualTo(empty.version());
    }

    /** The version formula, spelled out: sha256 over name, 0, bytes, 0 per file; the first 8 bytes in hex. */
    private static String hashOf(String name, byte[] bytes) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(bytes);
        sha.update((byte) 0);
        return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 8);
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
