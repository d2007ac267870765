package dev.vienna.deploy;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The local stack for an end-to-end test: its own data directory and log under target/, free ports, PostgreSQL. The
 * notifier and the console are left out unless the test asks for them: on two cores every JVM a test does not use slows
 * the ones it does.
 */
final class TestStacks {

    /**
     * JVM options for a stack whose tests wait on verdicts: audit-service names an unreported warrant 5 s after it
     * expires.
     */
    static final String PROMPT_VERDICTS =
            "-Dvienna.audit.verification.grace=PT5S -Dvienna.audit.verification.scan-interval=PT1S";

    static ViennaStack start(String name) throws Exception {
        return start(name, UnaryOperator.identity());
    }

    /** The same, with options changed by {@code options} (more brokers or instances, the notifier, the console). */
    static ViennaStack start(String name, UnaryOperator<ViennaStack.Options> options) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", name));
        PrintStream log =
                new PrintStream(new FileOutputStream(dir.resolve("stack.log").toFile()), true);
        ViennaStack.Options chosen = options.apply(
                ViennaStack.Options.defaults(Path.of("..").toAbsolutePath().normalize(), log)
                        .withDataDir(dir)
                        // PostgreSQL on this machine's loopback: SQL actions run in every end-to-end stack
                        .withDatabase(Optional.of(LocalDatabase.localTest()))
                        .withNotifier(false)
                        .withConsole(false));
        return ViennaStack.start(chosen.withBasePort(FreePorts.range(ViennaStack.portsNeeded(chosen.instances()))));
    }

    private static ViennaStack shared;

    /**
     * The one stack {@code ApprovalsEndToEndIT} and {@code ConsoleBrowserIT} share (data and log in target/e2e-shared),
     * with the console: started by the first of them to run, stopped by its shutdown hook when the test JVM exits. On
     * two cores a stack takes half a minute to start, and these tests only vote on intents of their own: no passback
     * agent runs on it, so their warranted deploys stay WARRANTED (ApprovalsEndToEndIT's one restart of
     * approval-service leaves it as it was). Tests that kill or supervise services, reconfigure a stack, or run agents
     * (the demo in {@code PipelineEndToEndIT}) start one of their own.
     */
    static synchronized ViennaStack shared() throws Exception {
        if (shared == null) {
            shared = start("e2e-shared", options -> options.withConsole(true));
        }
        return shared;
    }

    private TestStacks() {}
}
