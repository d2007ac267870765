package dev.vienna.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs a fixed program with an argv built from the operator's templates: no shell, so an argument is always exactly one
 * argv element, whatever characters it holds. The environment is cleared down to {@code PATH} and the configured
 * variables, the working directory is fixed, stdin is {@code /dev/null}, stdout and stderr are captured with a cap, and
 * at the deadline the whole process tree is killed.
 */
final class ShellHandler extends BuiltInHandler {

    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_MAX_OUTPUT_BYTES = 65_536;

    private static final Set<String> KEYS =
            Set.of("handler", "description", "args", "command", "workdir", "env", "timeout", "maxOutputBytes");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final File DEV_NULL = new File("/dev/null");
    private static final Duration DRAIN_AFTER_KILL = Duration.ofSeconds(2);
    private static final int STDERR_IN_ERROR = 1000;

    private final List<Template> command;
    private final Path workdir;
    private final Map<String, String> environment;
    private final int maxOutputBytes;

    private ShellHandler(
            String action,
            Arguments arguments,
            Duration timeout,
            List<Template> command,
            Path workdir,
            Map<String, String> environment,
            int maxOutputBytes) {
        super(HandlerKind.SHELL, action, arguments, timeout, placeholders(command));
        this.command = List.copyOf(command);
        this.workdir = workdir;
        this.environment = Map.copyOf(environment);
        this.maxOutputBytes = maxOutputBytes;
    }

    static ShellHandler configure(String action, ConfigNode node) {
        node.allowKeys(KEYS);
        Arguments arguments = Arguments.parse(node);
        List<ConfigNode> elements = node.child("command").elements();
        if (elements.isEmpty()) {
            throw node.child("command").fail("must name the program to run (an empty list)");
        }
        List<Template> command = new ArrayList<>();
        for (ConfigNode element : elements) {
            Template template = Template.parse(element, true, true);
            arguments.requirePatterns(element, template.placeholders());
            command.add(template);
        }
        if (!command.get(0).placeholders().isEmpty()) {
            throw elements.get(0).fail("the program is never agent-chosen: it may not hold a placeholder");
        }
        if (command.get(0).render(Map.of()).isBlank()) {
            throw elements.get(0).fail("must name the program to run");
        }
        Path workdir = Path.of(System.getProperty("java.io.tmpdir"));
        if (!node.child("workdir").isMissing()) {
            String dir = Template.parse(node.child("workdir"), false, true).render(Map.of());
            workdir = Path.of(dir);
            if (!workdir.isAbsolute()) {
                throw node.child("workdir").fail("must be an absolute path");
            }
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> variable :
                node.child("env").entries().entrySet()) {
            if (!ENV_NAME.matcher(variable.getKey()).matches()) {
                throw variable.getValue().fail("not an environment variable name");
            }
            environment.put(
                    variable.getKey(),
                    Template.parse(variable.getValue(), false, true).render(Map.of()));
        }
        return new ShellHandler(
                action,
                arguments,
                node.duration("timeout", DEFAULT_TIMEOUT),
                command,
                workdir,
                environment,
                node.positiveInt("maxOutputBytes", DEFAULT_MAX_OUTPUT_BYTES, 16 * 1024 * 1024));
    }

    private static Set<Placeholder> placeholders(List<Template> command) {
        Set<Placeholder> used = new LinkedHashSet<>();
        command.forEach(template -> used.addAll(template.placeholders()));
        return used;
    }

    @Override
    ActionOutcome execute(ActionInput input, Map<Placeholder, Arguments.Value> values, Deadline deadline) {
        Map<Placeholder, String> texts = Arguments.texts(values);
        List<String> argv = command.stream().map(t -> t.render(texts)).toList();
        if (!Files.isDirectory(workdir)) {
            return ActionOutcome.failed("working directory " + workdir + " does not exist");
        }
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(workdir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        builder.environment().clear();
        builder.environment().put("PATH", DEFAULT_PATH);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            return ActionOutcome.failed("could not start " + argv.get(0) + ": " + e.getMessage());
        }
        String threads = "vienna-shell-" + action() + "-" + process.pid();
        OutputCapture stdout = OutputCapture.start(
                process.getInputStream(), maxOutputBytes, OutputCapture.Keep.HEAD, threads + "-out");
        OutputCapture stderr = OutputCapture.start(
                process.getErrorStream(), maxOutputBytes, OutputCapture.Keep.TAIL, threads + "-err");
        try {
            if (!process.waitFor(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                killTree(process);
                stdout.awaitEnd(DRAIN_AFTER_KILL);
                stderr.awaitEnd(DRAIN_AFTER_KILL);
                return ActionOutcome.failed(
                        "timed out after " + deadline.describe() + "; process tree killed",
                        output(null, stdout, stderr),
                        null);
            }
            int exitCode = process.exitValue();
            // A background process that inherited the pipes may hold them open: wait no later than the deadline.
            Duration drain = deadline.remaining().plusMillis(100);
            stdout.awaitEnd(drain);
            stderr.awaitEnd(drain);
            String output = output(exitCode, stdout, stderr);
            if (exitCode == 0) {
                return ActionOutcome.succeeded(output, exitCode);
            }
            return ActionOutcome.failed(exitError(exitCode, stderr), output, exitCode);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            return ActionOutcome.failed("interrupted while running (the dispatcher is closing); process tree killed");
        }
    }

    private static String exitError(int exitCode, OutputCapture stderr) {
        String tail = stderr.text().strip();
        if (tail.isEmpty()) {
            return "exited with code " + exitCode + " (no stderr)";
        }
        if (tail.length() > STDERR_IN_ERROR) {
            tail = "..." + tail.substring(tail.length() - STDERR_IN_ERROR);
        }
        return "exited with code " + exitCode + "; stderr: " + tail;
    }

    private static String output(Integer exitCode, OutputCapture stdout, OutputCapture stderr) {
        ObjectNode output = Json.object();
        if (exitCode != null) {
            output.put("exitCode", exitCode);
        }
        output.put("stdout", stdout.text());
        output.put("stderr", stderr.text());
        output.put("stdoutDroppedBytes", stdout.droppedBytes());
        output.put("stderrDroppedBytes", stderr.droppedBytes());
        return Json.write(output);
    }

    /**
     * Kills the process and everything it started that is still its descendant: the descendants are listed while the
     * process still lives (once it dies they are reparented and no longer found), killed, listed again for any forked
     * meanwhile, and then the process itself; then waits (up to {@link #DRAIN_AFTER_KILL} in all) until each is gone,
     * so "process tree killed" is reported only once it is (SIGKILL is delivered asynchronously).
     */
    static void killTree(Process process) {
        Set<ProcessHandle> killed = new LinkedHashSet<>();
        for (int round = 0; round < 2; round++) {
            for (ProcessHandle descendant : process.descendants().toList()) {
                descendant.destroyForcibly();
                killed.add(descendant);
            }
        }
        process.destroyForcibly();
        long deadline = System.nanoTime() + DRAIN_AFTER_KILL.toNanos();
        try {
            process.waitFor(DRAIN_AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
            for (ProcessHandle handle : killed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // still there after the grace period: it was sent SIGKILL, nothing more can be done from here
        }
    }
}
