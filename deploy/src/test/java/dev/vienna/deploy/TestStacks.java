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

    private TestStacks() {}
}
