package dev.vienna.policy.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Intent;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.RuleMode;
import dev.vienna.events.Tier;
import dev.vienna.sdk.client.IntentRequest;
import dev.vienna.sdk.kafka.events.IntentEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Policy tests: YAML files in the policy directory's {@code tests/} folder, each a list of cases (an intent in, the
 * expected decision out), run against the directory's policy set. What a case names is checked; what it leaves out is
 * not. {@code rules} and {@code shadowRules} are exact sets. Used by {@code ./vienna policy test} and by the build,
 * which runs the shipped policies' tests.
 */
public final class PolicyTestSuite {

    public static final String TESTS_DIRECTORY = "tests";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .findAndRegisterModules()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    record TestFile(List<Case> tests) {}

    /** A case: the intent is the body of {@code POST /v1/intents}; agentId and resource may be left out. */
    record Case(String name, Instant at, IntentRequest intent, Expectation expect) {}

    record Expectation(
            PolicyDecision decision,
            Tier tier,
            ExecutionMode execution,
            Integer approvals,
            Integer score,
            List<String> rules,
            @JsonProperty("shadowRules") List<String> shadowRules,
            @JsonProperty("approverRole") String approverRole,
            @JsonProperty("justificationRequired") Boolean justificationRequired,
            Map<String, String> constraints,
            @JsonProperty("approvalTtl") String approvalTtl,
            String reason) {}

    /** One case's outcome; {@code failures} is empty when it passed. */
    public record Result(String file, String name, List<String> failures) {
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    /** Loads the policies of {@code directory} and runs every test under {@code directory/tests}. */
    public static List<Result> run(Path directory, Clock clock) {
        PolicySet policies = PolicyLoader.load(directory);
        List<Result> results = new ArrayList<>();
        for (Path file : testFiles(directory.resolve(TESTS_DIRECTORY))) {
            String name = directory.relativize(file).toString();
            TestFile tests;
            try {
                tests = YAML.readValue(file.toFile(), TestFile.class);
            } catch (IOException e) {
                results.add(new Result(name, "(file)", List.of("does not parse: " + e.getMessage())));
                continue;
            }
            if (tests == null || tests.tests() == null) {
                continue;
            }
            for (Case c : tests.tests()) {
                results.add(new Result(name, c.name(), check(policies, c, clock)));
            }
        }
        return results;
    }

    private static List<String> check(PolicySet policies, Case c, Clock clock) {
        List<String> failures = new ArrayList<>();
        if (c.intent() == null || c.expect() == null) {
            return List.of("a test needs intent and expect");
        }
        Decision d;
        try {
            d = policies.evaluate(intent(c.intent()), c.at() == null ? clock.instant() : c.at());
        } catch (RuntimeException e) {
            return List.of("evaluation failed: " + e);
        }
        Expectation e = c.expect();
        expect(failures, "decision", e.decision(), d.decision());
        expect(failures, "tier", e.tier(), d.tier());
        expect(failures, "execution", e.execution(), d.mode());
        expect(failures, "approvals", e.approvals(), d.requiredApprovals());
        expect(failures, "score", e.score(), d.riskScore());
        expect(failures, "approverRole", e.approverRole(), d.approverRole());
        expect(failures, "justificationRequired", e.justificationRequired(), d.justificationRequired());
        expect(
                failures,
                "approvalTtl",
                e.approvalTtl(),
                d.approvalTtl() == null ? null : d.approvalTtl().toString());
        if (e.rules() != null && !new HashSet<>(e.rules()).equals(new HashSet<>(d.ruleIds(RuleMode.ENFORCE)))) {
            failures.add("rules: expected " + e.rules() + ", matched " + d.ruleIds(RuleMode.ENFORCE));
        }
        if (e.shadowRules() != null
                && !new HashSet<>(e.shadowRules()).equals(new HashSet<>(d.ruleIds(RuleMode.SHADOW)))) {
            failures.add("shadowRules: expected " + e.shadowRules() + ", matched " + d.ruleIds(RuleMode.SHADOW));
        }
        if (e.constraints() != null) {
            e.constraints().forEach((k, v) -> {
                if (!v.equals(d.constraints().get(k))) {
                    failures.add("constraint " + k + ": expected " + v + ", got "
                            + d.constraints().get(k));
                }
            });
        }
        if (e.reason() != null && d.reasons().stream().noneMatch(r -> r.contains(e.reason()))) {
            failures.add("no reason contains '" + e.reason() + "': " + d.reasons());
        }
        return failures;
    }

    private static void expect(List<String> failures, String what, Object expected, Object actual) {
        if (expected != null && !expected.equals(actual)) {
            failures.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    static Intent intent(IntentRequest r) {
        return IntentEvents.toIntent(new IntentRequest(
                r.tenantId(),
                r.agentId() == null ? "test-agent" : r.agentId(),
                r.action() == null ? "" : r.action(),
                r.resource() == null ? "test-resource" : r.resource(),
                r.params(),
                r.justification(),
                r.costImpact(),
                r.reversible(),
                r.blastRadius(),
                r.urgency(),
                r.idempotencyKey(),
                r.labels(),
                r.owner()));
    }

    private static List<Path> testFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PolicyTestSuite() {}
}
