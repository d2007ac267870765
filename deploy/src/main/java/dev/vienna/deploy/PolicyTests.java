package dev.vienna.deploy;

import dev.vienna.policy.engine.PolicyLoader;
import dev.vienna.policy.engine.PolicyRejected;
import dev.vienna.policy.engine.PolicySet;
import dev.vienna.policy.engine.PolicyTestSuite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * {@code ./vienna policy test [DIR]}: a policy directory passes only when every policy loads and every test case under
 * {@code DIR/tests} gives the decision it expects; a directory without a single test case fails too, since nothing was
 * checked. Prints one line per case and a summary; exit 0 or 1.
 */
final class PolicyTests {

    static int run(Path directory, Clock clock, PrintStream out) {
        PolicySet policies;
        List<PolicyTestSuite.Result> results;
        try {
            policies = PolicyLoader.load(directory);
            results = PolicyTestSuite.run(directory, clock);
        } catch (PolicyRejected rejected) {
            rejected.errors().forEach(error -> out.println("policy: " + error));
            out.printf(
                    "policy: %s rejected, %d error(s) (policy %s)%n",
                    directory, rejected.errors().size(), rejected.version());
            return 1;
        }
        if (results.isEmpty()) {
            out.printf(
                    "policy: no test cases in %s (policy %s)%n",
                    directory.resolve(PolicyTestSuite.TESTS_DIRECTORY), policies.version());
            return 1;
        }
        for (PolicyTestSuite.Result result : results) {
            out.printf("%s %s: %s%n", result.passed() ? "PASS" : "FAIL", result.file(), result.name());
            result.failures().forEach(failure -> out.println("    " + failure));
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.printf("policy: %d passed, %d failed (policy %s)%n", results.size() - failed, failed, policies.version());
        return failed == 0 ? 0 : 1;
    }

    private PolicyTests() {}
}
