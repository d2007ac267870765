package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.sdk.client.ViennaClient;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * At most once, proven from the side effects: a stream of direct SQL actions (each run inserts one change-log row keyed
 * by its warrant id, in PostgreSQL) while executor-service is killed with SIGKILL and restarted, again and again.
 * Afterwards no warrant has more than one row, every warrant ended with a verdict (VERIFIED with a final state, or
 * UNREPORTED for one whose run was cut short by a kill), and every VERIFIED execution's row is there.
 */
class ExecutorKillIT {

    private static final int MIN_INTENTS = 60;
    private static final int KILLS = 3;
    /** Intents submitted between two kills, so each kill finds actions in flight. */
    private static final int WORK_BETWEEN_KILLS = 12;

    private static ViennaStack stack;
    private static LocalDatabase database;

    @BeforeAll
    static void startStack() throws Exception {
        database = LocalDatabase.localTest();
        stack = TestStacks.start(
                "kill",
                options -> options.withActionsFile(
                                Path.of("src/test/resources/kill-actions.yaml").toAbsolutePath())
                        // an unreported warrant is named soon after its one-minute lifetime
                        .withJvmOptions(TestStacks.PROMPT_VERDICTS));
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldNeverRunAWarrantTwiceNorLoseOneWhileTheExecutorIsKilled() throws Exception {
        ViennaClient client = stack.client("e2e-agent");
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<Duration> recoveries = new ArrayList<>();
        List<String> intents;
        // a steady stream of direct actions, five a second, for as long as the kills go on
        try (SteadyLoad load = new SteadyLoad(
                client,
                Duration.ofMillis(200),
                i -> Map.of(
                        "agentId", "e2e-agent",
                        "action", "record_change",
                        "resource", "kill-test",
                        "params", Map.of("summary", "kill test " + run + " change " + i),
                        "reversible", true))) {
            // kill -9 the executor once more work has arrived since it (re)started, and restart it as a supervisor
            // would
            for (int k = 0; k < KILLS; k++) {
                load.awaitSubmitted(load.submitted() + WORK_BETWEEN_KILLS);
                recoveries.add(stack.killAndRestart("executor-service"));
            }
            load.awaitSubmitted(MIN_INTENTS);
            intents = load.stop();
            assertThat(load.refused()).as("intake refused submissions").isEmpty();
        }

        // every intent ends with a verdict: VERIFIED once reported, UNREPORTED when a kill cut its run short
        Map<String, JsonNode> outcomes = new HashMap<>();
        for (String intentId : intents) {
            outcomes.put(intentId, SteadyLoad.awaitVerdict(client, intentId, Duration.ofMinutes(3)));
        }
        Map<String, Integer> rowsByWarrant = rowsByWarrant(run);
        int duplicates = 0;
        int unreported = 0;
        int verified = 0;
        for (var outcome : outcomes.values()) {
            String warrantId = outcome.path("warrantId").asText();
            String verdict = outcome.path("verdict").asText();
            int rows = rowsByWarrant.getOrDefault(warrantId, 0);
            duplicates += rows > 1 ? 1 : 0;
            switch (verdict) {
                case "VERIFIED" -> {
                    verified++;
                    assertThat(outcome.path("state").asText())
                            .as("a verified warrant's state")
                            .isIn("EXECUTED", "FAILED", "REJECTED");
                    if (outcome.path("state").asText().equals("EXECUTED")) {
                        assertThat(rows)
                                .as("rows of executed warrant %s", warrantId)
                                .isEqualTo(1);
                    }
                }
                case "UNREPORTED" -> {
                    unreported++;
                    assertThat(rows)
                            .as("rows of unreported warrant %s", warrantId)
                            .isLessThanOrEqualTo(1);
                }
                default ->
                    throw new AssertionError(
                            "warrant " + warrantId + " ended " + verdict + ": " + outcome.path("verdictReasons"));
            }
        }
        System.out.printf(
                "measured: %d warrants, %d kills -9 of executor-service (recovered in %s), %d verified, %d unreported,"
                        + " %d duplicated, %d change-log rows%n",
                outcomes.size(),
                KILLS,
                recoveries,
                verified,
                unreported,
                duplicates,
                rowsByWarrant.values().stream().mapToInt(Integer::intValue).sum());
        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(MIN_INTENTS);
        assertThat(duplicates).as("warrants that ran twice").isZero();
        assertThat(rowsByWarrant.keySet())
                .as("rows of warrants this run did not issue")
                .isSubsetOf(outcomes.values().stream()
                        .map(o -> o.path("warrantId").asText())
                        .toList());
        assertThat(stack.deadServices()).isEmpty();
    }

    /** Change-log rows of this run per warrant: how often each warrant's action really ran. */
    private static Map<String, Integer> rowsByWarrant(String run) throws Exception {
        Map<String, Integer> rows = new HashMap<>();
        try (var c = database.connect();
                var s = c.prepareStatement(
                        "SELECT warrant_id, count(*) FROM vienna_change_log WHERE summary LIKE ? GROUP BY warrant_id")) {
            s.setString(1, "kill test " + run + " %");
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getString(1), r.getInt(2));
                }
            }
        }
        return rows;
    }
}
