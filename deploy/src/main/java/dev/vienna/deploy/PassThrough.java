package dev.vienna.deploy;

import dev.vienna.deploy.PassThroughStage.Output;
import dev.vienna.deploy.TopicTraffic.Load;
import dev.vienna.events.KafkaAccess;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.sdk.secret.SecretFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The benchmark's yardstick: a pipeline with Vienna's shape and none of its work, on the same broker. One stage per
 * service ({@link PassThroughStage}, each in a JVM of its own with the services' JVM options), reading the topics the
 * service reads ({@link KafkaAccess}) under a {@value #PREFIX} prefix, and writing, per record that triggers it, as
 * many records of the same mean sizes to the same topics as the service did in the measured Vienna run (counted by
 * {@link TopicTraffic}, Streams' changelogs included), with the same kind of client and processing guarantee and the
 * services' own Kafka Streams and publishing settings. What is left of Vienna's time per intent beyond the
 * pass-through's is Vienna's own code: authentication, validation, policy, signing, verification, auditing.
 *
 * <p>Where it differs from Vienna: its HTTP server answers without authenticating; its executor stage writes a batch's
 * claims and executions together instead of reading each claim back before the action; a Streams stage writes its
 * service's changelog records as ordinary output records (same count and sizes, no state store), and reads no
 * repartition topic.
 */
final class PassThrough implements AutoCloseable {

    /** Prefix of the pass-through's topics, beside Vienna's on the same broker. */
    static final String PREFIX = "pt.";

    /** Topics a stage only follows (a registry, revocations), never acting on a record of them. */
    private static final Set<String> FOLLOWED_ONLY = Set.of(Topics.AGENTS.name(), Topics.WARRANT_REVOCATIONS.name());

    /** One stage's plan: its service, its kind, what triggers it, what it only follows, what it writes. */
    record StagePlan(String service, String kind, List<String> triggers, List<String> follows, List<Output> outputs) {}

    private final List<Process> processes;
    private final Map<String, Long> pids;

    private PassThrough(List<Process> processes, Map<String, Long> pids) {
        this.processes = processes;
        this.pids = pids;
    }

    /**
     * Which stage writes what, per triggering record, from the traffic of a Vienna run of {@code intents} intents. A
     * topic is its Streams application's when named after it (changelogs), else the last service in pipeline order that
     * may write it (intake writes {@code executions} only for passback agents).
     */
    static List<StagePlan> plan(Map<String, Load> traffic, long intents) {
        List<KafkaAccess> services = KafkaAccess.services().stream()
                .filter(a -> ViennaStack.SERVICES.contains(a.principal()))
                .toList();
        Map<String, String> writers = new LinkedHashMap<>();
        traffic.forEach((topic, load) -> writerOf(topic, services).ifPresent(w -> writers.put(topic, w)));
        List<StagePlan> plans = new ArrayList<>();
        for (KafkaAccess service : services) {
            String kind = service == KafkaAccess.INTAKE
                    ? "http"
                    : service.streamsApplicationId().isPresent() ? "streams" : "consumer";
            List<String> reads = names(service.reads());
            List<String> writes = names(service.writes());
            List<String> triggers = kind.equals("http")
                    ? List.of()
                    : reads.stream()
                            .filter(t -> !writes.contains(t) && !FOLLOWED_ONLY.contains(t))
                            .toList();
            List<String> follows =
                    reads.stream().filter(t -> !triggers.contains(t)).toList();
            long triggering = kind.equals("http")
                    ? intents
                    : triggers.stream()
                            .mapToLong(t ->
                                    traffic.getOrDefault(t, new Load(0, 0, 0)).records())
                            .sum();
            List<Output> outputs = writers.entrySet().stream()
                    .filter(w -> w.getValue().equals(service.principal()) && triggering > 0)
                    .map(w -> {
                        Load load = traffic.get(w.getKey());
                        return new Output(
                                PREFIX + w.getKey(), perInput(load.records(), triggering), load.meanValueBytes());
                    })
                    .toList();
            plans.add(new StagePlan(service.principal(), kind, prefixed(triggers), prefixed(follows), outputs));
        }
        return plans;
    }

    /** Records per triggering record, with what a run's edges leave (a record or two short) rounded away. */
    private static double perInput(long records, long triggering) {
        double ratio = (double) records / triggering;
        double whole = Math.rint(ratio);
        return Math.abs(ratio - whole) < 0.01 * Math.max(1, whole) ? whole : ratio;
    }

    private static Optional<String> writerOf(String topic, List<KafkaAccess> services) {
        for (KafkaAccess service : services) {
            if (service.streamsApplicationId()
                    .map(id -> topic.startsWith(id + "-"))
                    .orElse(false)) {
                return Optional.of(service.principal());
            }
        }
        String writer = null;
        for (KafkaAccess service : services) {
            if (names(service.writes()).contains(topic)) {
                writer = service.principal();
            }
        }
        return Optional.ofNullable(writer);
    }

    /**
     * Creates the pass-through's topics on the stack's broker and starts its stages with the stack's JVM options;
     * returns once every stage takes work. The HTTP stage listens on {@code port}.
     */
    static PassThrough start(ViennaStack stack, List<StagePlan> plans, int port, PrintStream log) throws Exception {
        ViennaStack.Options options = stack.options();
        createTopics(stack, plans, options.partitions());
        Properties client = new Properties();
        try (var reader = Files.newBufferedReader(stack.credentialsFile("vienna-admin"))) {
            client.load(reader);
        }
        Properties shared = serviceSettings(options);
        List<Process> processes = new ArrayList<>();
        Map<String, Long> pids = new LinkedHashMap<>();
        CountDownLatch ready = new CountDownLatch(plans.size());
        try {
            for (StagePlan plan : plans) {
                Path settings = writeSettings(stack.runDir(), plan, client, shared, port);
                List<String> command = new ArrayList<>();
                command.add(ProcessHandle.current().info().command().orElse("java"));
                for (String option : options.jvmOptions().trim().split("\\s+")) {
                    if (!option.isEmpty()) {
                        command.add(option);
                    }
                }
                command.addAll(List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        PassThroughStage.class.getName(),
                        settings.toString()));
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
                builder.environment().putAll(ViennaStack.CHILD_ENVIRONMENT);
                Process process = builder.start();
                processes.add(process);
                pids.put(plan.service(), process.pid());
                pump(process, "pt-" + plan.service(), log, ready);
            }
            if (!ready.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the pass-through stages were not ready within 2 minutes");
            }
            return new PassThrough(processes, pids);
        } catch (Exception e) {
            processes.forEach(Process::destroyForcibly);
            throw e;
        }
    }

    /** Each stage's operating-system process id, by the service it stands in for. */
    Map<String, Long> pids() {
        return pids;
    }

    /**
     * The services' shared Kafka Streams settings and their publishing producer's, from platform's defaults file, with
     * the stack's {@code -Dkafka-streams.*} JVM options over them: a stage runs as its service would.
     */
    private static Properties serviceSettings(ViennaStack.Options options) throws IOException {
        Properties defaults = new Properties();
        Path file =
                options.projectRoot().resolve("platform/src/main/resources/META-INF/microprofile-config.properties");
        try (var reader = Files.newBufferedReader(file)) {
            defaults.load(reader);
        }
        for (String option : options.jvmOptions().trim().split("\\s+")) {
            if (option.startsWith("-D") && option.contains("=")) {
                defaults.put(option.substring(2, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
            }
        }
        Properties settings = new Properties();
        String publications = "mp.messaging.outgoing.vienna-publications.";
        for (String name : defaults.stringPropertyNames()) {
            String value = defaults.getProperty(name);
            boolean own = value.contains("${") || value.startsWith("dev.vienna.") || name.endsWith("state.dir");
            if (name.startsWith("kafka-streams.") && !own) {
                settings.put("streams." + name.substring("kafka-streams.".length()), value);
            } else if (name.startsWith(publications)
                    && !own
                    && !name.endsWith("serializer")
                    && !name.endsWith("connector")) {
                settings.put("producer." + name.substring(publications.length()), value);
            }
        }
        return settings;
    }

    private static Path writeSettings(Path runDir, StagePlan plan, Properties client, Properties shared, int port)
            throws IOException {
        StringBuilder text = new StringBuilder();
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("stage", plan.service());
        lines.put("kind", plan.kind());
        lines.put("port", Integer.toString(port));
        lines.put("triggers", String.join(",", plan.triggers()));
        lines.put("follows", String.join(",", plan.follows()));
        lines.put("outputs", plan.outputs().stream().map(Output::spec).collect(Collectors.joining(",")));
        lines.put("streams.state.dir", runDir.resolve("pt-" + plan.service()).toString());
        client.stringPropertyNames().forEach(name -> lines.put("client." + name, client.getProperty(name)));
        shared.stringPropertyNames().forEach(name -> lines.put(name, shared.getProperty(name)));
        lines.forEach((name, value) -> text.append(name)
                .append('=')
                .append(value.replace("\\", "\\\\"))
                .append('\n'));
        // it holds the super user's password: owner-only, as every credential file of the run
        Path file = SecretFiles.directory(runDir.resolve("pass-through")).resolve(plan.service() + ".properties");
        SecretFiles.write(file, text.toString());
        return file;
    }

    private static void createTopics(ViennaStack stack, List<StagePlan> plans, int partitions)
            throws InterruptedException, ExecutionException {
        Set<String> topics = new LinkedHashSet<>();
        for (StagePlan plan : plans) {
            topics.addAll(plan.triggers());
            topics.addAll(plan.follows());
            plan.outputs().forEach(o -> topics.add(o.topic()));
        }
        try (Admin admin = Admin.create(stack.adminClientConfig())) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                            .all()
                            .get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static void pump(Process process, String label, PrintStream log, CountDownLatch ready) {
        Thread pump = new Thread(
                () -> {
                    String prefix = String.format("%-17s| ", label);
                    try (BufferedReader reader = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                            if (line.startsWith("pass-through ") && line.endsWith(" ready")) {
                                ready.countDown();
                            } else {
                                log.println(prefix + line);
                            }
                        }
                    } catch (IOException e) {
                        // the process ended: its output is closed
                    }
                },
                label + "-log");
        pump.setDaemon(true);
        pump.start();
    }

    private static List<String> names(List<Topic<?>> topics) {
        return topics.stream().map(Topic::name).toList();
    }

    private static List<String> prefixed(List<String> topics) {
        return topics.stream().map(t -> PREFIX + t).toList();
    }

    /** Stops every stage, and waits for them to exit. */
    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
