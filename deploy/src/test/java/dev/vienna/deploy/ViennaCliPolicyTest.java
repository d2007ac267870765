package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./vienna policy test [DIR]}: what it prints and its exit code. */
class ViennaCliPolicyTest {

    private static final Path SHIPPED_POLICIES =
            Path.of("..", "policies").toAbsolutePath().normalize();

    private static final String RESTART_POLICY = """
      rules:
        - id: restart-service
          actions: [restart_service]
          setTier: T1
      """;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @Test
    void shouldPassEveryTestOfTheShippedPolicies() throws Exception {
        int exit = policyTest(SHIPPED_POLICIES);

        assertThat(output())
                .contains("PASS tests/operations.yaml: a noop is T0 and runs directly, with a short warrant")
                .containsPattern("policy: \\d+ passed, 0 failed \\(policy sha256:[0-9a-f]{16}\\)")
                .doesNotContain("FAIL");
        assertThat(exit).isZero();
    }

    @Test
    void shouldFailNamingTheCaseAndWhatDifferedWhenATestExpectsTheWrongTier() throws Exception {
        given(Map.of("ops.yaml", RESTART_POLICY, "tests/ops.yaml", """
        tests:
          - name: a restart is T1
            intent: { action: restart_service, resource: api-gateway }
            expect: { tier: T1 }
          - name: a restart is T3
            intent: { action: restart_service, resource: api-gateway }
            expect: { tier: T3, rules: [restart-service] }
        """));

        int exit = policyTest(dir);

        assertThat(output().lines().toList())
                .containsSubsequence(
                        "PASS tests/ops.yaml: a restart is T1",
                        "FAIL tests/ops.yaml: a restart is T3",
                        "    tier: expected T3, got T1");
        assertThat(output()).contains("policy: 1 passed, 1 failed (policy sha256:");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void shouldRejectAPolicyWhoseCelDoesNotCompileNamingFileAndRule() throws Exception {
        given(Map.of("broken.yaml", """
        rules:
          - id: scale-cap
            actions: [scale_kubernetes_deployment]
            when: "intent.params.replicas >"
            tier: T2
        """, "tests/broken.yaml", """
        tests:
          - name: never runs
            intent: { action: scale_kubernetes_deployment }
            expect: { tier: T2 }
        """));

        int exit = policyTest(dir);

        assertThat(output())
                .contains("policy: broken.yaml: rule scale-cap: when does not compile")
                .contains("rejected, 1 error(s)")
                .doesNotContain("PASS", "FAIL");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void shouldFailWhenThePoliciesHaveNoTestCases() throws Exception {
        given(Map.of("ops.yaml", RESTART_POLICY));

        int exit = policyTest(dir);

        assertThat(output()).contains("policy: no test cases in " + dir.resolve("tests"));
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void shouldPrintUsageForAnUnknownPolicySubcommand() throws Exception {
        int exit = ViennaCli.run(List.of("policy", "check"), new PrintStream(output, true, StandardCharsets.UTF_8));

        assertThat(output()).contains("./vienna policy test [DIR]");
        assertThat(exit).isEqualTo(2);
    }

    private void given(Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
    }

    private int policyTest(Path directory) throws Exception {
        return ViennaCli.run(
                List.of("policy", "test", directory.toString()), new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return output.toString(StandardCharsets.UTF_8);
    }
}
