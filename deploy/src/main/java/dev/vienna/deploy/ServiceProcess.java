package dev.vienna.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One instance of a packaged Vienna service running as a child JVM
 * ({@code <module>/target/quarkus-app/quarkus-run.jar}), its output prefixed with its name (and its instance number
 * after the first). Stopping it sends SIGTERM (Quarkus shuts down gracefully) and kills it if it has not exited after a
 * grace period.
 */
final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final int instance;
    private final int port;
    private final Process process;
    private final Launch launch;
    private final long startedAt = System.nanoTime();
    private volatile Duration readyAfter;

    /** How the process was started, so it can be started again the same way. */
    private record Launch(
            Path projectRoot, List<String> jvmOptions, Map<String, String> environment, PrintStream log) {}

    private ServiceProcess(String name, int instance, int port, Process process, Launch launch) {
        this.name = name;
        this.instance = instance;
        this.port = port;
        this.process = process;
        this.launch = launch;
    }

    /** Starts this service again with the same options, port and environment (after {@link #close}). */
    ServiceProcess relaunch() throws IOException {
        return start(
                launch.projectRoot(), name, instance, port, launch.jvmOptions(), launch.environment(), launch.log());
    }

    static ServiceProcess start(
            Path projectRoot,
            String name,
            int instance,
            int port,
            List<String> jvmOptions,
            Map<String, String> environment,
            PrintStream log)
            throws IOException {
        Path jar = projectRoot.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -DskipTests install)");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String label = instance == 0 ? name : name + "#" + instance;
        Thread pump = new Thread(() -> prefixLines(process, label, log), label + "-log");
        pump.setDaemon(true);
        pump.start();
        return new ServiceProcess(
                name,
                instance,
                port,
                process,
                new Launch(projectRoot, List.copyOf(jvmOptions), Map.copyOf(environment), log));
    }

    private static void prefixLines(Process process, String name, PrintStream log) {
        String prefix = String.format("%-17s| ", name);
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                log.println(prefix + line);
            }
        } catch (IOException e) {
            // the process ended: its output is closed
        }
    }

    String name() {
        return name;
    }

    /** Which instance of its service this is, from 0. */
    int instance() {
        return instance;
    }

    URI uri() {
        return URI.create("http://localhost:" + port);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code once the process has ended. */
    int exitCode() {
        return process.exitValue();
    }

    /** The operating system's process id. */
    long pid() {
        return process.pid();
    }

    /** Polls {@code /q/health/ready} until it answers 200; fails early if the process dies. */
    void awaitReady(HttpClient http, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(uri().resolve("/q/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with code " + process.exitValue() + " before it was ready (see its log above)");
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    readyAfter = Duration.ofNanos(System.nanoTime() - startedAt);
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout);
    }

    /** How long after its start the process first answered ready, once {@link #awaitReady} saw it. */
    java.util.Optional<Duration> readyAfter() {
        return java.util.Optional.ofNullable(readyAfter);
    }

    /** SIGKILL: the process ends at once, with no shutdown of any kind; returns once it has. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
