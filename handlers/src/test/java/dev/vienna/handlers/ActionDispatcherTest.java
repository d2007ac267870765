package dev.vienna.handlers;

import static dev.vienna.handlers.Fixtures.catalog;
import static dev.vienna.handlers.Fixtures.input;
import static dev.vienna.handlers.Fixtures.quoted;
import static dev.vienna.handlers.Fixtures.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.handlers.ActionOutcome.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActionDispatcherTest {

    @TempDir
    Path dir;

    @Test
    void shouldRunAtMostTheConfiguredNumberOfActionsOfAKindAtOnce() throws Exception {
        Path runs = Files.createDirectory(dir.resolve("runs"));
        Path counts = dir.resolve("counts");
        // Each run marks itself, records how many marks it sees, holds its slot a while, then unmarks itself.
        Path busy = script(
                dir,
                "busy",
                "touch \"$RUNS/run.$$\"\nls \"$RUNS\" | grep -c '^run' >> \"$COUNTS\"\nsleep 0.4\nrm \"$RUNS/run.$$\"");
        ActionCatalog catalog = catalog("limits: { shell: { concurrency: 2 } }\nactions:\n  busy:\n    handler: shell\n"
                + "    command: [" + quoted(busy.toString()) + "]\n    env: { RUNS: " + quoted(runs.toString())
                + ", COUNTS: " + quoted(counts.toString()) + " }\n");

        try (ActionDispatcher dispatcher = new ActionDispatcher(catalog, Clock.systemUTC())) {
            List<CompletableFuture<ActionOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(dispatcher.dispatch(input("busy", "x", "{}")));
            }
            for (CompletableFuture<ActionOutcome> future : futures) {
                assertThat(future.get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCEEDED);
            }
        }

        List<Integer> seen = Files.readAllLines(counts).stream()
                .map(String::strip)
                .map(Integer::parseInt)
                .toList();
        assertThat(seen).hasSize(5);
        assertThat(seen.stream().mapToInt(Integer::intValue).max().orElseThrow())
                .as("most runs seen at once, %s", seen)
                .isEqualTo(2);
    }

    @Test
    void shouldNotHoldUpOtherKindsBehindASlowShellAction() throws Exception {
        try (RecordingHttpServer server = new RecordingHttpServer()) {
            ActionCatalog catalog = catalog("""
                    limits: { shell: { concurrency: 1 } }
                    actions:
                      slow: { handler: shell, command: ["/bin/sleep", "1.5"] }
                      note: { handler: noop }
                      ping: { handler: http, method: GET, baseUrl: "http://127.0.0.1:${PORT}/" }
                    """, Map.of("PORT", String.valueOf(server.port())));

            try (ActionDispatcher dispatcher = new ActionDispatcher(catalog, Clock.systemUTC())) {
                CompletableFuture<ActionOutcome> slow = dispatcher.dispatch(input("slow", "x", "{}"));
                CompletableFuture<ActionOutcome> slowToo = dispatcher.dispatch(input("slow", "x", "{}"));
                ActionOutcome note =
                        dispatcher.dispatch(input("note", "x", "{\"a\": 1}")).get(1, TimeUnit.SECONDS);
                ActionOutcome ping =
                        dispatcher.dispatch(input("ping", "x", "{}")).get(1, TimeUnit.SECONDS);

                assertThat(note).isEqualTo(new ActionOutcome(Status.SUCCEEDED, "{\"a\":1}", null, null));
                assertThat(ping.status()).isEqualTo(Status.SUCCEEDED);
                assertThat(slow).as("the shell action still runs").isNotDone();
                assertThat(slowToo).isNotDone();
                assertThat(slow.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCEEDED);
            }
        }
    }

    @Test
    void shouldRejectAnActionWithNoHandler() throws Exception {
        ActionCatalog catalog = catalog("actions: { note: { handler: noop } }\n");

        try (ActionDispatcher dispatcher = new ActionDispatcher(catalog, Clock.systemUTC())) {
            ActionOutcome outcome =
                    dispatcher.dispatch(input("delete_everything", "x", "{}")).get(1, TimeUnit.SECONDS);

            assertThat(outcome)
                    .isEqualTo(new ActionOutcome(
                            Status.REJECTED, null, "no built-in handler for action 'delete_everything'", null));
        }
    }

    @Test
    void shouldRejectAnInactiveActionWithItsReason() throws Exception {
        ActionCatalog catalog = catalog("actions: { record: { handler: sql, statement: \"SELECT 1\" } }\n");

        try (ActionDispatcher dispatcher = new ActionDispatcher(catalog, Clock.systemUTC())) {
            ActionOutcome outcome =
                    dispatcher.dispatch(input("record", "x", "{}")).get(1, TimeUnit.SECONDS);

            assertThat(outcome.status()).isEqualTo(Status.REJECTED);
            assertThat(outcome.error())
                    .isEqualTo("action 'record' is not active: needs a database; none is configured"
                            + " (quarkus.datasource.jdbc.url)");
        }
    }

    @Test
    void shouldRejectAnActionWhoseDeadlineHasPassedWithoutRunningIt() throws Exception {
        Path marker = dir.resolve("ran");
        ActionCatalog catalog = catalog("actions:\n  touch:\n    handler: shell\n    command: [/usr/bin/touch, "
                + quoted(marker.toString()) + "]\n");
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);

        try (ActionDispatcher dispatcher = new ActionDispatcher(catalog, clock)) {
            ActionOutcome outcome = dispatcher
                    .dispatch(input("touch", "x", "{}", now.minusMillis(1)))
                    .get(1, TimeUnit.SECONDS);

            assertThat(outcome.status()).isEqualTo(Status.REJECTED);
            assertThat(outcome.error()).isEqualTo("the warrant's deadline 2026-12-01T09:59:59.999Z has passed");
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void shouldRejectAQueuedActionWhoseDeadlinePassedWhileItWaited() throws Exception {
        Path marker = dir.resolve("ran");
        ActionCatalog catalog = catalog("limits: { shell: { concurrency: 1 } }\nactions:\n"
                + "  slow: { handler: shell, command: [/bin/sleep, \"1\"] }\n"
                + "  touch: { handler: shell, command: [/usr/bin/touch, " + quoted(marker.toString()) + "] }\n");

        try (ActionDispatcher dispatcher = new ActionDispatcher(catalog, Clock.systemUTC())) {
            CompletableFuture<ActionOutcome> slow = dispatcher.dispatch(input("slow", "x", "{}"));
            CompletableFuture<ActionOutcome> queued =
                    dispatcher.dispatch(input("touch", "x", "{}", Instant.now().plusMillis(300)));

            assertThat(queued.get(5, TimeUnit.SECONDS).status()).isEqualTo(Status.REJECTED);
            assertThat(queued.get().error()).endsWith(" has passed");
            assertThat(slow.get(5, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCEEDED);
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void shouldKillRunningActionsAndRefuseQueuedOnesOnClose() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path parent = script(dir, "parent", "sleep 300 &\necho $! > \"$PID_FILE\"\nwait");
        ActionCatalog catalog = catalog("limits: { shell: { concurrency: 1 } }\nactions:\n  hang:\n    handler: shell\n"
                + "    command: [" + quoted(parent.toString()) + "]\n    env: { PID_FILE: " + quoted(pidFile.toString())
                + " }\n");
        ActionDispatcher dispatcher = new ActionDispatcher(catalog, Clock.systemUTC(), Duration.ofMillis(200));
        CompletableFuture<ActionOutcome> running = dispatcher.dispatch(input("hang", "x", "{}"));
        CompletableFuture<ActionOutcome> queued = dispatcher.dispatch(input("hang", "x", "{}"));
        waitFor(pidFile);

        dispatcher.close();

        assertThat(running.get(5, TimeUnit.SECONDS).status()).isEqualTo(Status.FAILED);
        assertThat(running.get().error()).endsWith("process tree killed");
        assertThat(queued.get(1, TimeUnit.SECONDS))
                .isEqualTo(new ActionOutcome(
                        Status.REJECTED, null, "the action dispatcher closed before the action started", null));
        long child = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(dispatcher.dispatch(input("hang", "x", "{}")).get().error())
                .isEqualTo("the action dispatcher is closed");
    }

    private static void waitFor(Path file) {
        Awaitility.await(file + " written")
                .atMost(Duration.ofSeconds(5))
                .until(() -> Files.exists(file) && !Files.readString(file).isBlank());
    }

    @Test
    void shouldAskTheGateOnlyOnceASlotIsFreeAndRunNothingItRefuses() throws Exception {
        ActionCatalog catalog = catalog("limits: { shell: { concurrency: 1 } }\nactions:\n"
                + "  slow: { handler: shell, command: [\"/bin/sleep\", \"0.5\"] }\n");
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        try (ActionDispatcher dispatcher = new ActionDispatcher(catalog, Clock.systemUTC())) {
            CountDownLatch firstRuns = new CountDownLatch(1);
            var first = dispatcher.dispatchWhen(input("slow", "x", "{}"), () -> {
                asked.add("first");
                firstRuns.countDown();
                return true;
            });
            var second = dispatcher.dispatchWhen(input("slow", "x", "{}"), () -> {
                asked.add("second");
                return false;
            });
            assertThat(firstRuns.await(10, TimeUnit.SECONDS)).isTrue();
            // the second waits for the one slot, held for 0.5 s: its gate (the executor's claim) is not asked yet
            assertThat(asked).containsExactly("first");
            assertThat(first.get(10, TimeUnit.SECONDS).orElseThrow().status()).isEqualTo(Status.SUCCEEDED);
            // refused by its gate: it completes empty, and nothing ran
            assertThat(second.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(asked).containsExactly("first", "second");
        }
    }

    @Test
    void shouldFailAGatedActionThatNeverStartedBeforeTheDispatcherClosed() {
        ActionCatalog catalog = catalog("limits: { shell: { concurrency: 1 } }\nactions:\n"
                + "  slow: { handler: shell, command: [\"/bin/sleep\", \"0.5\"] }\n");
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Optional<ActionOutcome>> queued;
        try (ActionDispatcher dispatcher = new ActionDispatcher(catalog, Clock.systemUTC())) {
            dispatcher.dispatchWhen(input("slow", "x", "{}"), () -> true);
            queued = dispatcher.dispatchWhen(input("slow", "x", "{}"), () -> asked.add("queued"));
        }
        // its gate was never asked: the caller must not take it as handled
        assertThat(queued).isCompletedExceptionally();
        assertThat(asked).isEmpty();
    }
}
