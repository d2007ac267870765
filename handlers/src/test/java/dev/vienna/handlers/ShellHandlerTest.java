package dev.vienna.handlers;

import static dev.vienna.handlers.Fixtures.catalog;
import static dev.vienna.handlers.Fixtures.handler;
import static dev.vienna.handlers.Fixtures.input;
import static dev.vienna.handlers.Fixtures.output;
import static dev.vienna.handlers.Fixtures.quoted;
import static dev.vienna.handlers.Fixtures.script;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.handlers.ActionOutcome.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellHandlerTest {

    @TempDir
    Path dir;

    /** A script that prints its argument count on one line, then each argument followed by a NUL byte. */
    private Path argvPrinter() {
        return script(dir, "argv", "printf '%s\\n' \"$#\"\nprintf '%s\\0' \"$@\"");
    }

    /** The argv elements (after the program) that {@link #argvPrinter} received. */
    private static List<String> argv(ActionOutcome outcome) {
        String stdout = output(outcome).get("stdout").asText();
        int newline = stdout.indexOf('\n');
        int count = Integer.parseInt(stdout.substring(0, newline));
        String rest = stdout.substring(newline + 1);
        List<String> args =
                count == 0 ? List.of() : Arrays.asList(rest.split("\0", -1)).subList(0, count);
        assertThat(args).hasSize(count);
        return args;
    }

    private static ObjectNode params(Map<String, String> values) {
        ObjectNode params = Fixtures.JSON.createObjectNode();
        values.forEach(params::put);
        return params;
    }

    private static ActionInput inputWith(String action, String resource, ObjectNode params) {
        return new ActionInput(
                "w-1", "i-1", "agent-1", action, resource, params, Instant.now().plusSeconds(60));
    }

    @Test
    void shouldPassHostileValuesVerbatimAsOneArgvElementEach() {
        String hostile = "; rm -rf / $(id) `x` | & > * ? 'q' \"dq\" \\ $HOME";
        ActionCatalog catalog = catalog("actions:\n  run:\n    handler: shell\n    command: ["
                + quoted(argvPrinter().toString())
                + ", \"--fixed\", \"{params.hostile}\", \"{params.multiline}\", \"{params.option}\", \"{resource}\","
                + " \"pre-{resource}-post\", \"{warrant}\"]\n"
                + "    args:\n"
                + "      resource: \"(?s).{0,200}\"\n"
                + "      params.hostile: \"(?s).{0,200}\"\n"
                + "      params.multiline: \"(?s).{0,200}\"\n"
                + "      params.option: \"--?[a-z]+\"\n");

        ActionOutcome outcome = handler(catalog, "run")
                .run(inputWith(
                        "run",
                        "a b*",
                        params(Map.of("hostile", hostile, "multiline", "line one\nline two", "option", "--foo"))));

        assertThat(outcome.status()).as("%s", outcome).isEqualTo(Status.SUCCEEDED);
        assertThat(outcome.exitCode()).isZero();
        assertThat(argv(outcome))
                .containsExactly("--fixed", hostile, "line one\nline two", "--foo", "a b*", "pre-a b*-post", "w-1");
    }

    @Test
    void shouldPassNumbersAndBooleansAsTheirText() {
        ActionCatalog catalog = catalog("actions:\n  run:\n    handler: shell\n    command: ["
                + quoted(argvPrinter().toString())
                + ", \"{params.n}\", \"{params.d}\", \"{params.b}\"]\n"
                + "    args: { params.n: \"[0-9]+\", params.d: \"[0-9.]+\", params.b: \"true|false\" }\n");

        ActionOutcome outcome = handler(catalog, "run").run(input("run", "x", "{\"n\": 12, \"d\": 2.5, \"b\": true}"));

        assertThat(argv(outcome)).containsExactly("12", "2.5", "true");
    }

    @Test
    void shouldRunWithOnlyPathAndTheConfiguredEnvironment() {
        ActionCatalog catalog = catalog("""
                actions:
                  show_env:
                    handler: shell
                    command: ["/usr/bin/env"]
                    env: { LANG: C.UTF-8, TARGET_DIR: "${DATA}/target" }
                """, Map.of("DATA", "/srv/data"));

        ActionOutcome outcome = handler(catalog, "show_env").run(input("show_env", "x", "{}"));

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        List<String> environment =
                output(outcome).get("stdout").asText().lines().sorted().toList();
        assertThat(environment)
                .containsExactly("LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin", "TARGET_DIR=/srv/data/target");
    }

    @Test
    void shouldRunInTheConfiguredWorkingDirectory() throws IOException {
        Path workdir = Files.createDirectory(dir.resolve("work"));
        ActionCatalog catalog = catalog("actions:\n  where:\n    handler: shell\n    command: [/bin/pwd]\n    workdir: "
                + quoted(workdir.toString()) + "\n");

        ActionOutcome outcome = handler(catalog, "where").run(input("where", "x", "{}"));

        assertThat(output(outcome).get("stdout").asText().strip())
                .isEqualTo(workdir.toRealPath().toString());
    }

    @Test
    void shouldReadStdinFromDevNull() {
        Path reader = script(dir, "stdin", "cat; echo end");
        ActionCatalog catalog =
                catalog("actions:\n  read:\n    handler: shell\n    command: [" + quoted(reader.toString()) + "]\n");

        ActionOutcome outcome = handler(catalog, "read").run(input("read", "x", "{}"));

        assertThat(output(outcome).get("stdout").asText()).isEqualTo("end\n");
    }

    @Test
    void shouldFailWithTheExitCodeAndStderrTail() {
        Path failing = script(dir, "fail", "echo 'partial work' ; echo 'disk full: /var' >&2; exit 3");
        ActionCatalog catalog =
                catalog("actions:\n  fail:\n    handler: shell\n    command: [" + quoted(failing.toString()) + "]\n");

        ActionOutcome outcome = handler(catalog, "fail").run(input("fail", "x", "{}"));

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.error()).isEqualTo("exited with code 3; stderr: disk full: /var");
        assertThat(output(outcome).get("stdout").asText()).isEqualTo("partial work\n");
    }

    @Test
    void shouldKeepTheFirstBytesOfStdoutAndTheLastOfStderrAtTheCap() {
        Path chatty = script(
                dir,
                "chatty",
                "head -c 1048576 /dev/zero | tr '\\0' a\n"
                        + "i=0; while [ $i -lt 200 ]; do echo \"err line $i\" >&2; i=$((i+1)); done");
        ActionCatalog catalog = catalog("actions:\n  chat:\n    handler: shell\n    command: ["
                + quoted(chatty.toString()) + "]\n    maxOutputBytes: 1000\n");

        ActionOutcome outcome = handler(catalog, "chat").run(input("chat", "x", "{}"));

        JsonNode output = output(outcome);
        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(output.get("stdout").asText()).hasSize(1000).matches("a{1000}");
        assertThat(output.get("stdoutDroppedBytes").asLong()).isEqualTo(1_048_576 - 1000);
        assertThat(output.get("stderr").asText()).hasSize(1000).endsWith("err line 199\n");
        assertThat(output.get("stderrDroppedBytes").asLong()).isPositive();
    }

    @Test
    void shouldKillTheWholeProcessTreeAtTheTimeout() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path parent = script(dir, "parent", "sleep 300 &\necho $! > \"$PID_FILE\"\nwait");
        ActionCatalog catalog =
                catalog("actions:\n  hang:\n    handler: shell\n    command: [" + quoted(parent.toString())
                        + "]\n    env: { PID_FILE: " + quoted(pidFile.toString()) + " }\n    timeout: 700ms\n");

        long started = System.nanoTime();
        ActionOutcome outcome = handler(catalog, "hang").run(input("hang", "x", "{}"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error()).isEqualTo("timed out after 700ms; process tree killed");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        long childPid = Long.parseLong(Files.readString(pidFile).strip());
        Awaitility.await("the backgrounded sleep (pid " + childPid + ") killed")
                .atMost(Duration.ofSeconds(3))
                .until(() -> ProcessHandle.of(childPid)
                        .map(process -> !process.isAlive())
                        .orElse(true));
    }

    @Test
    void shouldHonourAWarrantDeadlineEarlierThanTheTimeout() {
        ActionCatalog catalog = catalog("""
                actions:
                  slow:
                    handler: shell
                    command: ["/bin/sleep", "10"]
                    timeout: 30s
                """);

        long started = System.nanoTime();
        ActionOutcome outcome = handler(catalog, "slow")
                .run(input("slow", "x", "{}", Instant.now().plusMillis(800)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error()).startsWith("timed out after ").contains("(the warrant's deadline)");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldRejectAMismatchedArgumentBeforeRunningAnything() {
        Path marker = dir.resolve("ran");
        Path toucher = script(dir, "toucher", "touch \"$MARKER\"");
        ActionCatalog catalog =
                catalog("actions:\n  touch:\n    handler: shell\n    command: [" + quoted(toucher.toString())
                        + ", \"{params.name}\"]\n    env: { MARKER: " + quoted(marker.toString())
                        + " }\n    args: { params.name: \"[a-z]{1,10}\" }\n");
        ActionHandler handler = handler(catalog, "touch");

        ActionOutcome rejected = handler.run(input("touch", "x", "{\"name\": \"ok; touch /tmp/pwned\"}"));

        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.error()).isEqualTo("argument params.name does not match its pattern");
        assertThat(marker).doesNotExist();

        ActionOutcome accepted = handler.run(input("touch", "x", "{\"name\": \"ok\"}"));

        assertThat(accepted.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(marker).exists();
    }

    @Test
    void shouldRejectAParamThatIsMissingOrNotAScalar() {
        ActionCatalog catalog = catalog("""
                actions:
                  echo:
                    handler: shell
                    command: ["/bin/echo", "{params.name}"]
                    args: { params.name: "(?s).*" }
                """);
        ActionHandler handler = handler(catalog, "echo");

        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("{}", "argument params.name is missing");
        reasons.put("{\"name\": null}", "argument params.name is missing");
        reasons.put(
                "{\"name\": {\"a\": 1}}", "argument params.name must be a string, number or boolean, not an object");
        reasons.put("{\"name\": [1]}", "argument params.name must be a string, number or boolean, not an array");

        reasons.forEach((params, reason) -> {
            ActionOutcome outcome = handler.run(input("echo", "x", params));
            assertThat(outcome.status()).as(params).isEqualTo(Status.REJECTED);
            assertThat(outcome.error()).as(params).isEqualTo(reason);
        });
    }

    @Test
    void shouldRejectAValueTooLongForItsPatternRatherThanThrow() {
        ActionCatalog catalog = catalog("""
                actions:
                  echo:
                    handler: shell
                    command: ["/bin/echo", "{params.word}"]
                    args: { params.word: "(a|b)*" }
                """);
        ObjectNode params = Fixtures.JSON.createObjectNode().put("word", "ab".repeat(1_000_000));

        ActionOutcome outcome = handler(catalog, "echo").run(inputWith("echo", "x", params));

        assertThat(outcome.status()).isEqualTo(Status.REJECTED);
        assertThat(outcome.error()).isEqualTo("argument params.word does not match its pattern");
    }

    @Test
    void shouldRequireEveryDeclaredArgumentEvenWhenNoTemplateUsesIt() {
        ActionCatalog catalog = catalog("""
                actions:
                  restart:
                    handler: shell
                    command: ["/bin/true"]
                    args: { params.reason: "[A-Za-z ]{1,50}" }
                """);
        ActionHandler handler = handler(catalog, "restart");

        assertThat(handler.run(input("restart", "x", "{}")).error()).isEqualTo("argument params.reason is missing");
        assertThat(handler.run(input("restart", "x", "{\"reason\": \"rm -rf\"}"))
                        .error())
                .isEqualTo("argument params.reason does not match its pattern");
        assertThat(handler.run(input("restart", "x", "{\"reason\": \"routine restart\"}"))
                        .status())
                .isEqualTo(Status.SUCCEEDED);
    }

    @Test
    void shouldFailWhenTheProgramCannotStart() {
        ActionCatalog catalog = catalog("""
                actions:
                  missing:
                    handler: shell
                    command: ["/nonexistent/program"]
                """);

        ActionOutcome outcome = handler(catalog, "missing").run(input("missing", "x", "{}"));

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error()).startsWith("could not start /nonexistent/program: ");
        assertThat(outcome.exitCode()).isNull();
    }

    @Test
    void shouldRejectAnExpiredWarrantWithoutRunning() {
        Path marker = dir.resolve("ran");
        ActionCatalog catalog = catalog("actions:\n  touch:\n    handler: shell\n    command: [/usr/bin/touch, "
                + quoted(marker.toString()) + "]\n");

        ActionOutcome outcome = handler(catalog, "touch")
                .run(input("touch", "x", "{}", Instant.now().minusSeconds(1)));

        assertThat(outcome.status()).isEqualTo(Status.REJECTED);
        assertThat(outcome.error()).startsWith("the warrant's deadline ").endsWith(" has passed");
        assertThat(marker).doesNotExist();
    }
}
