package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.sdk.client.ViennaClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * At most once for passback, proven from the side effects: the example passback agent runs as a process of its own
 * (each run appends one line, keyed by warrant id, to its deployment log, after a little simulated work), and is killed
 * with SIGKILL and started again, again and again, during a stream of PASSBACK intents. Afterwards no warrant ran
 * twice, and every warrant ended with a verdict: VERIFIED with a final state, or UNREPORTED for a run a kill cut short.
 */
class PassbackAgentKillIT {

    private static final int MIN_INTENTS = 40;
    private static final int KILLS = 3;
    /** Intents submitted between two kills, so each kill finds warrants in flight. */
    private static final int WORK_BETWEEN_KILLS = 12;

    private static ViennaStack stack;
    private static Path stateDir;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStacks.start(
                "passback-kill",
                options -> options.withPolicyDir(
                                Path.of("src/test/resources/kill-policies").toAbsolutePath())
                        .withJvmOptions(TestStacks.PROMPT_VERDICTS));
        stateDir = Files.createDirectories(
                Path.of("target", "passback-kill").resolve("agent-state-" + System.currentTimeMillis()));
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** The example agent as its own JVM, as a team would run theirs. */
    private static Process startAgent(Path log) throws Exception {
        String classpath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Path.of("target", "lib").toAbsolutePath() + File.separator + "*";
        return new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        classpath,
                        PassbackAgentExample.class.getName(),
                        "--intake",
                        stack.uriOf("intake-service").toString(),
                        "--jwks",
                        stack.jwksUri().toString(),
                        "--agent",
                        "e2e-agent",
                        "--agent-dir",
                        stack.dataDir().resolve("agents").resolve("e2e-agent").toString(),
                        "--state-dir",
                        stateDir.toString(),
                        "--work-millis",
                        "300")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    @Test
    void shouldNeverRunAPassbackWarrantTwiceWhileTheAgentIsKilled() throws Exception {
        ViennaClient client = stack.client("e2e-agent");
        Path agentLog = stack.dataDir().resolve("agent.log");
        Process agent = startAgent(agentLog);
        int kills = 0;
        List<String> intents;
        try (SteadyLoad load = new SteadyLoad(
                client,
                Duration.ofMillis(250),
                i -> Map.of(
                        "agentId", "e2e-agent",
                        "action", "deploy_canary",
                        "resource", "checkout",
                        "params", Map.of("version", "k" + i)))) {
            // kill -9 the agent once more work has arrived since it (re)started, and start it again
            for (int k = 0; k < KILLS; k++) {
                load.awaitSubmitted(load.submitted() + WORK_BETWEEN_KILLS);
                agent.destroyForcibly().waitFor();
                kills++;
                agent = startAgent(agentLog);
            }
            load.awaitSubmitted(MIN_INTENTS);
            intents = load.stop();
            assertThat(load.refused()).as("intake refused submissions").isEmpty();
        }

        Map<String, JsonNode> outcomes = new HashMap<>();
        try {
            for (String intentId : intents) {
                outcomes.put(intentId, SteadyLoad.awaitVerdict(client, intentId, Duration.ofMinutes(3)));
            }
        } finally {
            agent.destroyForcibly().waitFor();
        }
        Map<String, Integer> runsByWarrant = new HashMap<>();
        Path deployments = stateDir.resolve("deployments.log");
        if (Files.exists(deployments)) {
            for (String line : Files.readAllLines(deployments)) {
                runsByWarrant.merge(line.split(" ")[0], 1, Integer::sum);
            }
        }
        int duplicates = 0;
        int unreported = 0;
        int verified = 0;
        for (JsonNode outcome : outcomes.values()) {
            String warrantId = outcome.path("warrantId").asText();
            int runs = runsByWarrant.getOrDefault(warrantId, 0);
            duplicates += runs > 1 ? 1 : 0;
            switch (outcome.path("verdict").asText()) {
                case "VERIFIED" -> {
                    verified++;
                    assertThat(outcome.path("state").asText()).isIn("EXECUTED", "FAILED");
                    assertThat(runs)
                            .as("runs of executed warrant %s", warrantId)
                            .isEqualTo(1);
                }
                case "UNREPORTED" -> {
                    unreported++;
                    assertThat(runs)
                            .as("runs of unreported warrant %s", warrantId)
                            .isLessThanOrEqualTo(1);
                }
                default ->
                    throw new AssertionError("warrant " + warrantId + " ended "
                            + outcome.path("verdict").asText() + ": " + outcome.path("verdictReasons"));
            }
        }
        System.out.printf(
                "measured: %d passback warrants, %d kills -9 of the passback agent, %d verified, %d unreported,"
                        + " %d duplicated, %d runs%n",
                outcomes.size(),
                kills,
                verified,
                unreported,
                duplicates,
                runsByWarrant.values().stream().mapToInt(Integer::intValue).sum());
        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(MIN_INTENTS);
        assertThat(duplicates).as("warrants that ran twice").isZero();
        assertThat(stack.deadServices()).isEmpty();
    }
}
