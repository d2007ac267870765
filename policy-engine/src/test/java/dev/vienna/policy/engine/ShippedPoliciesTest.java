package dev.vienna.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policies Vienna ships (repository root {@code policies/}) pass their own tests. */
class ShippedPoliciesTest {

    static final Path SHIPPED = Path.of("..", "policies");

    @Test
    void shouldPassEveryTestOfTheShippedPolicies() {
        List<PolicyTestSuite.Result> results = PolicyTestSuite.run(SHIPPED, Clock.systemUTC());
        assertThat(results).hasSizeGreaterThanOrEqualTo(15);
        assertThat(results)
                .allSatisfy(r ->
                        assertThat(r.failures()).as(r.file() + ": " + r.name()).isEmpty());
    }

    @Test
    void shouldReportAFailingCaseWithWhatDiffered(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("tests"));
        PolicyFixtures.directory(dir, Map.of("p.yaml", """
        rules:
          - id: restart
            actions: [restart_service]
            setTier: T1
        """));
        PolicyFixtures.directory(dir.resolve("tests"), Map.of("t.yaml", """
        tests:
          - name: wrong expectation
            intent: { action: restart_service }
            expect: { tier: T3, rules: [other] }
        """));
        List<PolicyTestSuite.Result> results = PolicyTestSuite.run(dir, Clock.systemUTC());
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.passed()).isFalse();
            assertThat(r.failures())
                    .containsExactly("tier: expected T3, got T1", "rules: expected [other], matched [restart]");
        });
    }
}
