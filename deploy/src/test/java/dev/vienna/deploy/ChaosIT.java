package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The short {@code ./vienna chaos} of {@code .ci/run}: three brokers and two instances of every pipeline service under
 * a mixed load (T0 to T3, SQL rows in PostgreSQL, operator votes, the passback agent), one broker and the first
 * instance of every service killed with SIGKILL one by one (the full command also runs the notifier and the console,
 * and kills both instances). Nothing accepted is lost, no action runs twice by its side effects, and the audit chains
 * verify.
 */
class ChaosIT {

    private static ViennaStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStacks.start(
                "e2e-chaos", options -> options.withBrokers(3).withInstances(2).withJvmOptions(Chaos.JVM_OPTIONS));
        stack.supervise(Duration.ofMillis(500), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldLoseAndDuplicateNothingWhileBrokersAndServicesAreKilled() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Chaos.Report report;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            // 2 a second: on two cores the fifteen JVMs fall behind a faster mix while a broker is down, and every kill
            // then waits for the backlog (10 a second took from 5 to 10 minutes, 5 a second 11); killing everything at
            // once (--all-at-once) overwhelms them: every restarted JVM took up to 186 s to be ready
            report = Chaos.run(stack, 100, 2, 1, out);
        }
        String table = printed.toString(StandardCharsets.UTF_8);
        System.out.println(table);

        assertThat(report.lost()).as("intents accepted but never settled").isEmpty();
        assertThat(report.duplicated())
                .as("actions whose side effect is there twice")
                .isEmpty();
        assertThat(report.chainsIntact()).as("audit chains").isTrue();
        assertThat(report.refused())
                .as("submissions no intake instance accepted")
                .isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(table).contains("chaos: OK");

        // every kind of intent was in the mix, and the ones operators decide were decided
        assertThat(report.acceptedByKind().keySet()).containsExactlyInAnyOrder(Chaos.Kind.values());
        assertThat(report.accepted()).isGreaterThanOrEqualTo(100);
        assertThat(report.counts().get("denied"))
                .isEqualTo(report.acceptedByKind().get(Chaos.Kind.DENIED_SCALE));
        assertThat(report.counts().get("executed") + report.counts().get("unreported"))
                .isEqualTo(report.accepted() - report.counts().get("denied"));

        // one broker and one instance of each service were killed, and each came back
        List<String> killed = new ArrayList<>(List.of("Kafka broker"));
        killed.addAll(stack.serviceNames());
        assertThat(report.kills()).extracting(Chaos.Kill::kind).containsExactlyElementsOf(killed);
        assertThat(report.kills())
                .allSatisfy(kill -> assertThat(kill.readyAfter()).isNotNull());
        assertThat(stack.deadServices()).isEmpty();
    }
}
