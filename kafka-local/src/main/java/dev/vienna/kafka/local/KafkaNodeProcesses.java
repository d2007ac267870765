package dev.vienna.kafka.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A KRaft cluster of combined broker-and-controller nodes, each in a JVM of its own ({@code kafka.Kafka} with this
 * JVM's class path), so that a node can be killed with SIGKILL and started again on its own log, as a real broker would
 * be. Every node is formatted in this JVM with the super user's SCRAM credential in the cluster's first metadata, and
 * keeps its ports (one for clients and replication, one for the quorum) across restarts. A node's output goes to
 * {@code node-<id>.log} in its directory.
 */
final class KafkaNodeProcesses {

    private static final String CLIENT_LISTENER = "CLIENT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY = Duration.ofSeconds(120);

    private final Path dataDir;
    private final List<Integer> clientPorts;
    private final List<Integer> controllerPorts;
    private final Map<String, String> settings;
    private final KafkaCredentials admin;
    private final Process[] processes;

    private KafkaNodeProcesses(
            Path dataDir,
            List<Integer> clientPorts,
            List<Integer> controllerPorts,
            Map<String, String> settings,
            KafkaCredentials admin) {
        this.dataDir = dataDir;
        this.clientPorts = clientPorts;
        this.controllerPorts = controllerPorts;
        this.settings = settings;
        this.admin = admin;
        this.processes = new Process[clientPorts.size()];
    }

    /**
     * Formats {@code count} nodes under {@code dataDir} and starts them; returns once every node is registered as a
     * broker. {@code settings} are the brokers' own (authentication, authorization, replication), the same on every
     * node; this class adds the listeners, the quorum and the log directories.
     */
    static KafkaNodeProcesses start(
            Path dataDir, int count, Map<String, String> settings, KafkaCredentials admin, KafkaCredentials controller)
            throws Exception {
        List<Integer> ports = freePorts(2 * count);
        KafkaNodeProcesses nodes = new KafkaNodeProcesses(
                dataDir, ports.subList(0, count), ports.subList(count, 2 * count), settings, admin);
        String clusterId = Uuid.randomUuid().toString();
        try {
            for (int id = 0; id < count; id++) {
                nodes.format(id, clusterId, controller);
            }
            for (int id = 0; id < count; id++) {
                nodes.launch(id);
            }
            nodes.awaitBrokers(IntStream.range(0, count).boxed().collect(Collectors.toSet()));
        } catch (Exception e) {
            nodes.close();
            throw e;
        }
        return nodes;
    }

    private void format(int id, String clusterId, KafkaCredentials controller) throws Exception {
        Path logDir = Files.createDirectories(nodeDir(id).resolve("log"));
        Map<String, String> config = new TreeMap<>(settings);
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(id));
        config.put(
                "controller.quorum.voters",
                IntStream.range(0, clientPorts.size())
                        .mapToObj(n -> n + "@localhost:" + controllerPorts.get(n))
                        .collect(Collectors.joining(",")));
        config.put(
                "listeners",
                CLIENT_LISTENER + "://localhost:" + clientPorts.get(id) + "," + CONTROLLER_LISTENER + "://localhost:"
                        + controllerPorts.get(id));
        config.put("advertised.listeners", CLIENT_LISTENER + "://localhost:" + clientPorts.get(id));
        config.put(
                "listener.security.protocol.map",
                CLIENT_LISTENER + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
        config.put("inter.broker.listener.name", CLIENT_LISTENER);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("log.dirs", logDir.toString());
        config.put("listener.name.client.scram-sha-512.sasl.jaas.config", admin.jaasConfig());
        config.put("listener.name.controller.plain.sasl.jaas.config", controller.plainServerJaasConfig());
        StringBuilder file = new StringBuilder();
        config.forEach(
                (key, value) -> file.append(key).append('=').append(value).append('\n'));
        // the file holds the super user's and the quorum's passwords: the node's owner alone may read it
        Path properties = nodeDir(id).resolve("server.properties");
        Files.writeString(properties, "");
        Files.setPosixFilePermissions(properties, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(properties, file, StandardCharsets.UTF_8);
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setClusterId(clusterId)
                .setNodeId(id)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(logDir.toString())
                .setDirectories(List.of(logDir.toString()))
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setScramArguments(
                        List.of("SCRAM-SHA-512=[name=" + admin.principal() + ",password=" + admin.password() + "]"))
                .run();
    }

    private Path nodeDir(int id) {
        return dataDir.resolve("node-" + id);
    }

    private void launch(int id) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "kafka.Kafka"));
        command.add(nodeDir(id).resolve("server.properties").toString());
        Path log = nodeDir(id).resolve("node-" + id + ".log");
        processes[id] = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Waits until every node of {@code ids} is a registered broker of the cluster. */
    private void awaitBrokers(Set<Integer> ids) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        Map<String, Object> config = new java.util.HashMap<>(admin.clientConfig(bootstrapServers()));
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin kafka = Admin.create(config)) {
            while (true) {
                for (int id : ids) {
                    if (!processes[id].isAlive()) {
                        throw new IllegalStateException("Kafka node " + id + " exited with code "
                                + processes[id].exitValue() + " (see "
                                + nodeDir(id).resolve("node-" + id + ".log")
                                + ")");
                    }
                }
                try {
                    Set<Integer> registered = kafka.describeCluster().nodes().get().stream()
                            .map(Node::id)
                            .collect(Collectors.toSet());
                    if (registered.containsAll(ids)) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // not serving yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka nodes " + ids + " did not register within " + READY);
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
    }

    String bootstrapServers() {
        return clientPorts.stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
    }

    String bootstrapControllers() {
        return controllerPorts.stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
    }

    int size() {
        return processes.length;
    }

    boolean isRunning(int id) {
        return processes[id] != null && processes[id].isAlive();
    }

    /** How the node's process ended (once it has). */
    int exitCode(int id) {
        return processes[id].exitValue();
    }

    /** The node's operating-system process id (while it runs). */
    long pid(int id) {
        return processes[id].pid();
    }

    /** SIGKILL: the node ends at once, with no controlled shutdown and nothing flushed; returns once it has. */
    void kill(int id) throws InterruptedException {
        processes[id].destroyForcibly().waitFor();
    }

    /** Starts a stopped node again on its own log and ports; returns once it is a registered broker again. */
    void restart(int id) throws IOException, InterruptedException {
        if (isRunning(id)) {
            throw new IllegalStateException("Kafka node " + id + " is running");
        }
        launch(id);
        awaitBrokers(Set.of(id));
    }

    /** Stops every node (SIGTERM, then SIGKILL after a grace period) and deletes their data. */
    void close() {
        for (Process process : processes) {
            if (process != null) {
                process.destroy();
            }
        }
        for (Process process : processes) {
            if (process == null) {
                continue;
            }
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dataDir, e);
        }
    }

    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
