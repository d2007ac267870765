package dev.vienna.deploy;

import dev.vienna.events.KafkaAccess;
import dev.vienna.issuer.LocalOperatorIssuer;
import dev.vienna.kafka.local.KafkaCredentials;
import dev.vienna.kafka.local.LocalKafka;
import dev.vienna.oidc.LocalOidcServer;
import dev.vienna.sdk.client.ViennaClient;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.kafka.audit.AuditLogReader;
import dev.vienna.sdk.kafka.audit.AuditLogVerifier;
import dev.vienna.sdk.kafka.audit.AuditProblem;
import dev.vienna.sdk.kafka.audit.AuditVerification;
import dev.vienna.sdk.secret.SecretFiles;
import dev.vienna.sdk.warrant.SignatureAlgorithm;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The whole pipeline on one machine: a real KRaft broker in this JVM (or several nodes in JVMs of their own,
 * {@link Options#withBrokers}) with every topic created, authentication and ACLs on (each service its own principal
 * with only its own ACLs, its password in its environment), and the six packaged services as child JVMs on consecutive
 * ports (intake first; one or more instances of each, {@link Options#withInstances}), listening on loopback unless told
 * otherwise, all ready before {@link #start} returns, with the {@link #LOCAL_AGENTS} registered. The warrant key and
 * the local operator issuer's key are generated on first start into the data directory's {@code keys/} and kept; every
 * service trusts that issuer's tokens (unless {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION} names another), and
 * executor-service verifies warrants from warrant-service's JWKS.
 */
public final class ViennaStack implements AutoCloseable {

    /** The services in start order with their port offsets; the order of the ports is the README's. */
    public static final List<String> SERVICES = List.of(
            "intake-service",
            "policy-service",
            "approval-service",
            "warrant-service",
            "executor-service",
            "audit-service",
            "notifier-service");

    /** The services that keep state in Kafka Streams stores, and answer REST reads from them. */
    static final java.util.Set<String> STREAMS_SERVICES = java.util.Set.of(
            "policy-service", "approval-service", "warrant-service", "audit-service", "notifier-service");

    /** The operators' console: a service of its own, after the pipeline's ports, that keeps no state. */
    public static final String CONSOLE = "console-service";

    /**
     * The operators the local OIDC server's login page offers: approvers to decide the demo's intents (carol is
     * deploy-agent's owner, whose votes separation of duties refuses), a viewer, an auditor, security, an admin, and an
     * approver limited to another tenant than the local agents'.
     */
    public static final List<LocalOidcServer.Operator> LOCAL_OPERATORS = List.of(
            new LocalOidcServer.Operator("alice", List.of("approver"), List.of(), "approves"),
            new LocalOidcServer.Operator("bob", List.of("approver"), List.of(), "approves"),
            new LocalOidcServer.Operator("dave", List.of("approver"), List.of(), "approves"),
            new LocalOidcServer.Operator(
                    "carol", List.of("approver"), List.of(), "owns deploy-agent: may not vote on its intents"),
            new LocalOidcServer.Operator("vera", List.of("viewer"), List.of(), "reads, never votes"),
            new LocalOidcServer.Operator("audrey", List.of("auditor"), List.of(), "timelines, warrants, audit chains"),
            new LocalOidcServer.Operator("sam", List.of("security", "viewer"), List.of(), "revokes, suspends"),
            new LocalOidcServer.Operator("root", List.of("admin", "viewer"), List.of(), "registers agents"),
            new LocalOidcServer.Operator("tina", List.of("approver"), List.of("acme"), "approves in tenant acme only"));

    /** How long the local OIDC server's tokens are valid (the console renews them with the refresh token). */
    static final Duration LOCAL_TOKEN_TTL = Duration.ofHours(1);

    /** The tenant of the agents a local stack registers. */
    public static final String LOCAL_TENANT = "local";

    /** The name of the local stack's deployment: its audit chains' checkpoint origins are {@code vienna.local/...}. */
    public static final String DEPLOYMENT = "vienna.local";

    /**
     * What every child JVM's environment adds: glibc's malloc keeps at most two arenas (its default, eight per core,
     * holds native memory that Kafka's and RocksDB's threads freed long ago in resident pages of their own arenas).
     */
    static final Map<String, String> CHILD_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * The agents every local stack registers in {@link #LOCAL_TENANT}, each with the principals it acts for: the
     * demo's, the benchmark's and the end-to-end tests'. Their owners never vote on their intents in the demo
     * (separation of duties would refuse them): carol's refusal on deploy-agent's release is the demo's point.
     */
    public static final List<LocalAgent> LOCAL_AGENTS = List.of(
            new LocalAgent("demo-agent", List.of("olivia"), false),
            new LocalAgent("infrastructure-optimizer", List.of("ivan"), false),
            new LocalAgent("deploy-agent", List.of("carol"), false),
            new LocalAgent("release-agent", List.of("rita"), true),
            new LocalAgent("bench-agent", List.of("bench-owner"), false),
            new LocalAgent("e2e-agent", List.of("erin"), false));

    /**
     * An agent a local stack registers, the principals it acts for, and whether it takes its PASSBACK warrants from its
     * Kafka feed (else over HTTP).
     */
    public record LocalAgent(String agentId, List<String> owners, boolean kafkaFeed) {}

    private final LocalKafka kafka;
    private final List<ServiceProcess> services;
    private final Path runDir;
    private final KafkaCredentials auditor;
    private final LocalOperatorIssuer issuer;
    private final LocalAgents agents;
    private final Map<String, String> apiKeys = new ConcurrentHashMap<>();
    private final java.util.Set<String> kafkaFed = ConcurrentHashMap.newKeySet();
    /** Kafka nodes killed on purpose ({@link #killBroker}), which the supervisor does not restart. */
    private final java.util.Set<Integer> heldDown = ConcurrentHashMap.newKeySet();
    /** Held while a service's process is replaced (restart, kill and restart, the supervisor): one at a time. */
    private final Object lifecycle = new Object();

    private final List<Restart> restarts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final PrintStream log;
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private Thread supervisor;
    /** Stops the children when the launcher's JVM is told to stop (SIGTERM, Ctrl-C) before {@link #close}. */
    private Thread shutdownHook;

    private final DemoTarget demoTarget;
    private final Optional<LocalDatabase> database;
    private final Options options;
    private final List<String> serviceNames;
    private final LocalOidcServer oidc;
    private final ServiceProcess console;

    private ViennaStack(
            LocalKafka kafka,
            List<ServiceProcess> services,
            Path runDir,
            KafkaCredentials auditor,
            Options options,
            DemoTarget demoTarget,
            Optional<LocalDatabase> database,
            LocalOidcServer oidc,
            ServiceProcess console) {
        this.oidc = oidc;
        this.console = console;
        this.demoTarget = demoTarget;
        this.database = database;
        this.kafka = kafka;
        this.services = new java.util.concurrent.CopyOnWriteArrayList<>(services);
        this.runDir = runDir;
        this.auditor = auditor;
        this.issuer = localIssuer(options, issuerUrl(options));
        this.log = options.log();
        this.options = options;
        this.serviceNames = servicesOf(options);
        this.agents = new LocalAgents(uriOf("intake-service"), issuer, options.dataDir());
    }

    /** How to start the stack. */
    public record Options(
            Path projectRoot,
            Path dataDir,
            int basePort,
            int partitions,
            SignatureAlgorithm algorithm,
            String jvmOptions,
            String listenHost,
            PrintStream log,
            Path actionsFile,
            Optional<LocalDatabase> database,
            Path policyDir,
            int brokers,
            int instances,
            boolean notifier,
            boolean console) {
        /**
         * Seven JVMs share the machine, so the children run C1 only with a serial collector: on 2 cores C2's compiler
         * threads cost the pipeline more than they give back (README, "Benchmark"). Their heap starts small and gives
         * back what it does not use, and C1's code cache needs little: a service stays under 200 MB resident.
         * {@code VIENNA_SERVICE_JVM_OPTS} overrides.
         */
        public static Options defaults(Path projectRoot, PrintStream log) {
            String jvm = System.getenv()
                    .getOrDefault(
                            "VIENNA_SERVICE_JVM_OPTS",
                            "-Xms32m -Xmx128m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                                    + " -XX:ReservedCodeCacheSize=32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=40");
            return new Options(
                    projectRoot,
                    projectRoot.resolve(".vienna"),
                    8081,
                    3,
                    SignatureAlgorithm.ED25519,
                    jvm,
                    "127.0.0.1",
                    log,
                    Path.of(System.getenv()
                            .getOrDefault(
                                    "VIENNA_ACTIONS_FILE",
                                    projectRoot
                                            .resolve("actions")
                                            .resolve("local.yaml")
                                            .toString())),
                    LocalDatabase.fromEnvironment(),
                    Path.of(System.getenv()
                            .getOrDefault(
                                    "VIENNA_POLICY_DIR",
                                    projectRoot.resolve("policies").toString())),
                    1,
                    1,
                    true,
                    true);
        }

        public Options withBasePort(int port) {
            return with(o -> o.basePort = port);
        }

        public Options withDataDir(Path dir) {
            return with(o -> o.dataDir = dir);
        }

        public Options withAlgorithm(SignatureAlgorithm a) {
            return with(o -> o.algorithm = a);
        }

        /** The policy directory policy-service reads (and hot-reloads). */
        public Options withPolicyDir(Path dir) {
            return with(o -> o.policyDir = dir);
        }

        /** The actions file executor-service runs its actions from. */
        public Options withActionsFile(Path file) {
            return with(o -> o.actionsFile = file);
        }

        /** The database SQL actions run on (none: they are inactive). */
        public Options withDatabase(Optional<LocalDatabase> db) {
            return with(o -> o.database = db);
        }

        /** More JVM options for every service (after the defaults). */
        public Options withJvmOptions(String more) {
            return with(o -> o.jvmOptions = jvmOptions + " " + more);
        }

        /**
         * How many Kafka nodes: one runs in the launcher's JVM; more run in JVMs of their own, with three replicas of
         * every topic and two in sync ({@code ./vienna up --brokers 3}).
         */
        public Options withBrokers(int n) {
            return with(o -> o.brokers = n);
        }

        /** How many instances of each service ({@code ./vienna up --instances 2}). */
        public Options withInstances(int n) {
            return with(o -> o.instances = n);
        }

        /**
         * Whether notifier-service runs (it does unless a test that needs no webhooks leaves it out: one JVM fewer on a
         * small machine); its ports stay reserved either way.
         */
        public Options withNotifier(boolean on) {
            return with(o -> o.notifier = on);
        }

        /** Whether the operators' console runs (as for the notifier: tests that do not sign in leave it out). */
        public Options withConsole(boolean on) {
            return with(o -> o.console = on);
        }

        /** The interface the services' HTTP listen on: loopback unless asked ({@code ./vienna up --listen}). */
        public Options withListenHost(String host) {
            return with(o -> o.listenHost = host);
        }

        /** These options with {@code change} made to a copy of them. */
        private Options with(java.util.function.Consumer<Copy> change) {
            Copy copy = new Copy(this);
            change.accept(copy);
            return copy.options();
        }

        /** A mutable copy of {@link Options}, for the {@code with...} methods. */
        private static final class Copy {
            Path projectRoot;
            Path dataDir;
            int basePort;
            int partitions;
            SignatureAlgorithm algorithm;
            String jvmOptions;
            String listenHost;
            PrintStream log;
            Path actionsFile;
            Optional<LocalDatabase> database;
            Path policyDir;
            int brokers;
            int instances;
            boolean notifier;
            boolean console;

            Copy(Options o) {
                projectRoot = o.projectRoot;
                dataDir = o.dataDir;
                basePort = o.basePort;
                partitions = o.partitions;
                algorithm = o.algorithm;
                jvmOptions = o.jvmOptions;
                listenHost = o.listenHost;
                log = o.log;
                actionsFile = o.actionsFile;
                database = o.database;
                policyDir = o.policyDir;
                brokers = o.brokers;
                instances = o.instances;
                notifier = o.notifier;
                console = o.console;
            }

            Options options() {
                return new Options(
                        projectRoot,
                        dataDir,
                        basePort,
                        partitions,
                        algorithm,
                        jvmOptions,
                        listenHost,
                        log,
                        actionsFile,
                        database,
                        policyDir,
                        brokers,
                        instances,
                        notifier,
                        console);
            }
        }
    }

    /**
     * Instance {@code instance} of {@code service} listens on {@code basePort} + its place in {@link #SERVICES}, after
     * the ports of every earlier instance: 8081..8086 for the first, 8087..8092 for the second.
     */
    static int portOf(Options options, String service, int instance) {
        return options.basePort() + instance * SERVICES.size() + SERVICES.indexOf(service);
    }

    /** The console listens after every instance of the services (8088 by default), the local OIDC server after it. */
    static int consolePort(Options options) {
        return options.basePort() + options.instances() * SERVICES.size();
    }

    static int oidcPort(Options options) {
        return consolePort(options) + 1;
    }

    /** How many consecutive ports from the base port a stack with this many instances of each service listens on. */
    public static int portsNeeded(int instances) {
        return instances * SERVICES.size() + 2;
    }

    /** The local OIDC server's issuer URL: the {@code iss} of every local operator token. */
    public static String issuerUrl(Options options) {
        return LocalOidcServer.issuerUrl("127.0.0.1", oidcPort(options));
    }

    public static ViennaStack start(Options options) throws Exception {
        Path runDir = Files.createDirectories(options.dataDir()).resolve("run-" + System.currentTimeMillis());
        Path kafkaDir = Files.createDirectories(runDir.resolve("kafka"));
        LocalKafka kafka = options.brokers() == 1
                ? LocalKafka.start(kafkaDir)
                : LocalKafka.startCluster(kafkaDir, options.brokers());
        List<ServiceProcess> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        DemoTarget demoTarget = DemoTarget.start();
        // the children are processes of their own: they must not outlive a launcher told to stop, even mid-start
        java.util.concurrent.atomic.AtomicReference<ViennaStack> built =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<LocalOidcServer> oidcServer =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<ServiceProcess> consoleProcess =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread hook = new Thread(
                () -> {
                    ViennaStack stack = built.get();
                    if (stack != null) {
                        stack.closeQuietly();
                    } else {
                        stopFronts(consoleProcess.get(), oidcServer.get());
                        stopAll(started);
                        kafka.close();
                    }
                },
                "vienna-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Optional<LocalDatabase> database = options.database();
            Map<String, String> executorEnvironment = executorEnvironment(options, runDir, demoTarget, database);
            Map<String, String> notifierEnvironment = options.notifier() ? notifierEnvironment(options) : Map.of();
            kafka.createTopics(options.partitions());
            Map<String, KafkaCredentials> principals = new HashMap<>();
            for (KafkaAccess access : KafkaAccess.services()) {
                principals.put(access.principal(), kafka.grant(access));
            }
            Path credentials = SecretFiles.directory(runDir.resolve("credentials"));
            SecretFiles.write(
                    credentials.resolve("vienna-admin.properties"),
                    kafka.admin().clientProperties(kafka.bootstrapServers()));
            SecretFiles.write(
                    credentials.resolve("vienna-auditor.properties"),
                    principals.get(KafkaAccess.AUDITOR.principal()).clientProperties(kafka.bootstrapServers()));
            options.log()
                    .println("vienna: Kafka (KRaft, " + kafka.nodes() + (kafka.nodes() == 1 ? " node" : " nodes")
                            + ") listening on " + kafka.bootstrapServers() + " (SASL/SCRAM, ACLs), "
                            + options.partitions() + " partitions per topic, " + kafka.replicas()
                            + (kafka.replicas() == 1 ? " replica" : " replicas") + "; client settings in "
                            + credentials);
            Map<String, String> keyEnvironment = keyEnvironment(options, portOf(options, "warrant-service", 0));
            // policy-service reads (and hot-reloads) the repository's policies/ unless VIENNA_POLICY_DIR names another
            // directory
            Path policyDir = options.policyDir();
            keyEnvironment.put("VIENNA_POLICY_DIR", policyDir.toAbsolutePath().toString());
            options.log().println("vienna: policies from " + policyDir.toAbsolutePath());
            Map<String, String> operatorTrust = operatorTrust(options);
            LocalOperatorIssuer issuer = localIssuer(options, issuerUrl(options));
            Files.writeString(issuerFile(options), issuer.issuer());
            LocalOidcServer oidc = LocalOidcServer.start(
                    issuer, "127.0.0.1", oidcPort(options), LOCAL_TOKEN_TTL, LOCAL_OPERATORS, runDir.resolve("oidc"));
            oidcServer.set(oidc);
            options.log().println("vienna: OIDC provider (local, mock-oauth2-server) at " + oidc.issuer());
            for (int instance = 0; instance < options.instances(); instance++) {
                for (String name : servicesOf(options)) {
                    int port = portOf(options, name, instance);
                    List<String> jvm =
                            new ArrayList<>(List.of(options.jvmOptions().trim().split("\\s+")));
                    jvm.removeIf(String::isEmpty);
                    jvm.add("-Dquarkus.http.port=" + port);
                    jvm.add("-Dquarkus.http.host=" + options.listenHost());
                    jvm.add("-Dkafka.bootstrap.servers=" + kafka.bootstrapServers());
                    String stateDir = instance == 0 ? name : name + "-" + instance;
                    jvm.add("-Dkafka-streams.state.dir=" + Files.createDirectories(runDir.resolve(stateDir)));
                    if (STREAMS_SERVICES.contains(name)) {
                        // where the other instances reach this one's stores (REST reads routed by key)
                        jvm.add("-Dquarkus.kafka-streams.application-server=localhost:" + port);
                        // static membership: a restarted instance takes its own tasks back at once instead of waiting
                        // out the dead member's session (Streams suffixes the id with each stream thread's index)
                        jvm.add("-Dkafka-streams.group.instance.id=" + name + "-" + instance);
                    }
                    operatorTrust.forEach((key, value) -> jvm.add("-D" + key + "=" + value));
                    Map<String, String> environment = new HashMap<>(keyEnvironment);
                    environment.putAll(CHILD_ENVIRONMENT);
                    // the service's Kafka password: in its environment, never on its command line
                    environment.put(
                            "VIENNA_KAFKA_PASSWORD", principals.get(name).password());
                    if (name.equals("notifier-service")) {
                        environment.putAll(notifierEnvironment);
                    }
                    if (name.equals("executor-service")) {
                        environment.putAll(executorEnvironment);
                        // static membership: a restarted instance takes its own partitions back at once
                        environment.put("VIENNA_EXECUTOR_GROUP_INSTANCE_ID", "executor-service-" + instance);
                    }
                    started.add(ServiceProcess.start(
                            options.projectRoot(), name, instance, port, jvm, environment, options.log()));
                }
            }
            awaitReady(started, options.log());
            // after the services: on two cores every JVM starting at once delays the others, and the console needs
            // none of them to start, only to answer
            ServiceProcess console = null;
            if (options.console()) {
                console = startConsole(options, oidc);
                consoleProcess.set(console);
                awaitReady(List.of(console), options.log());
            }
            ViennaStack stack = new ViennaStack(
                    kafka,
                    started,
                    runDir,
                    principals.get(KafkaAccess.AUDITOR.principal()),
                    options,
                    demoTarget,
                    database,
                    oidc,
                    console);
            stack.shutdownHook = hook;
            built.set(stack);
            for (LocalAgent agent : LOCAL_AGENTS) {
                stack.registerAgent(agent.agentId(), LOCAL_TENANT, agent.owners(), agent.kafkaFeed());
            }
            options.log()
                    .println("vienna: registered agents "
                            + LOCAL_AGENTS.stream().map(LocalAgent::agentId).toList() + " in tenant " + LOCAL_TENANT
                            + "; their API keys in "
                            + options.dataDir().toAbsolutePath().resolve("agents"));
            if (console != null) {
                options.log()
                        .println("vienna: console on " + console.uri() + " (sign in as one of "
                                + LOCAL_OPERATORS.stream()
                                        .map(LocalOidcServer.Operator::name)
                                        .toList() + ")");
            }
            return stack;
        } catch (Exception e) {
            removeQuietly(hook);
            ViennaStack stack = built.get();
            if (stack != null) {
                stack.closeQuietly();
            } else {
                stopFronts(consoleProcess.get(), oidcServer.get());
                stopAll(started);
                kafka.close();
                demoTarget.close();
            }
            throw e;
        }
    }

    /**
     * Waits for every service at once, so that each one's time to ready ({@link ServiceProcess#readyAfter}) is when it
     * was ready, not when the one before it was.
     */
    private static void awaitReady(List<ServiceProcess> services, PrintStream log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        // JVMs that start together share the cores: two minutes for the first eight, fifteen seconds more for each
        // further one (two instances of every service with three brokers start fifteen JVMs at once)
        Duration patience = Duration.ofSeconds(120 + 15L * Math.max(0, services.size() - 8));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(services.size());
        try {
            List<java.util.concurrent.Future<?>> waits = new ArrayList<>();
            for (ServiceProcess service : services) {
                waits.add(pool.submit(() -> {
                    service.awaitReady(http, patience);
                    log.printf(
                            "vienna: %s ready on %s after %.1f s%n",
                            service.name(),
                            service.uri(),
                            service.readyAfter().orElseThrow().toMillis() / 1000.0);
                    return null;
                }));
            }
            for (var wait : waits) {
                try {
                    wait.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * What executor-service's actions need: the actions file (by default the repository's {@code actions/local.yaml}
     * unless {@code VIENNA_ACTIONS_FILE} names another), the variables it refers to, and the database SQL actions run
     * on when one is configured ({@link LocalDatabase}).
     */
    private static Map<String, String> executorEnvironment(
            Options options, Path runDir, DemoTarget demoTarget, Optional<LocalDatabase> database) throws IOException {
        Path actions = options.actionsFile();
        Map<String, String> env = new HashMap<>();
        env.put("VIENNA_EXECUTOR_ACTIONS_FILE", actions.toAbsolutePath().toString());
        env.put("VIENNA_HOME", options.projectRoot().toAbsolutePath().toString());
        Files.createDirectories(runDir.resolve("demo-target"));
        env.put("VIENNA_DATA", runDir.toAbsolutePath().toString());
        env.put("VIENNA_DEMO_TARGET_URL", demoTarget.uri().toString());
        options.log()
                .println("vienna: actions from " + actions.toAbsolutePath() + "; demo target on " + demoTarget.uri());
        if (database.isPresent()) {
            database.get().prepare();
            env.putAll(database.get().executorEnvironment());
            options.log().println("vienna: SQL actions run on " + database.get().url());
        } else {
            options.log()
                    .println("vienna: no database configured: SQL actions (record_change) are inactive; set "
                            + LocalDatabase.URL_VARIABLE + "=jdbc:postgresql://127.0.0.1:5432/test to run them");
        }
        return env;
    }

    /** The environment variable naming the operators' webhooks file, for notifier-service. */
    static final String WEBHOOKS_FILE_VARIABLE = "VIENNA_WEBHOOKS_FILE";

    /**
     * notifier-service's webhooks file: the launcher's own {@code VIENNA_WEBHOOKS_FILE} (which the services inherit)
     * or, when that is unset, {@code <data dir>/webhooks.yaml} if it exists; with neither, the notifier delivers
     * nothing.
     */
    static Map<String, String> notifierEnvironment(Options options) {
        Map<String, String> env = new HashMap<>();
        // Slack messages link to the intent in this stack's console
        env.put("VIENNA_NOTIFIER_CONSOLE_URL", "http://localhost:" + consolePort(options));
        String given = System.getenv(WEBHOOKS_FILE_VARIABLE);
        Path local = options.dataDir().toAbsolutePath().resolve("webhooks.yaml");
        if (given != null && !given.isBlank()) {
            // absolute: the services do not necessarily run in the launcher's working directory
            Path file = Path.of(given).toAbsolutePath();
            env.put(WEBHOOKS_FILE_VARIABLE, file.toString());
            options.log().println("vienna: notifier-service delivers to the webhooks of " + file);
        } else if (Files.isRegularFile(local)) {
            env.put(WEBHOOKS_FILE_VARIABLE, local.toString());
            options.log().println("vienna: notifier-service delivers to the webhooks of " + local);
        } else {
            options.log()
                    .println("vienna: no webhooks file (" + local + " or " + WEBHOOKS_FILE_VARIABLE
                            + "): notifier-service delivers no notifications");
        }
        return env;
    }

    /** The webhook receiver the shipped HTTP action posts to: what it received. */
    List<DemoTarget.Received> demoTargetReceived() {
        return demoTarget.received();
    }

    /** The database SQL actions run on, when one is configured. */
    public Optional<LocalDatabase> database() {
        return database;
    }

    /** Where the shell demo target and the example passback agent keep their state in this run. */
    public Path demoTargetDir() {
        return runDir.resolve("demo-target");
    }

    /**
     * Starts the example passback agent ({@link PassbackAgentExample}) for a registered agent of this stack: on its
     * Kafka feed when it was registered with one, else over HTTP.
     */
    public AutoCloseable startPassbackAgent(String agentId, PrintStream log) throws IOException {
        PassbackAgentExample agent = new PassbackAgentExample(
                uriOf("intake-service"),
                jwksUri(),
                agentId,
                agents.agentDir(agentId),
                demoTargetDir(),
                Duration.ZERO,
                kafkaFed.contains(agentId) ? agents.kafkaConfigFile(agentId) : null,
                log);
        agent.start();
        return agent;
    }

    /**
     * The warrant key lives in {@code <data>/keys}, generated on first start and kept across runs. Executors verify
     * Ed25519 warrants from warrant-service's JWKS; an HMAC secret has no public half, so for HS256 the executor reads
     * the key directory too.
     */
    private static Map<String, String> keyEnvironment(Options options, int warrantPort) {
        Path keyDir = options.dataDir().toAbsolutePath().resolve("keys");
        boolean ed25519 = options.algorithm() == SignatureAlgorithm.ED25519;
        String keyId = ed25519 ? "vienna-local-1" : "vienna-local-hmac-1";
        WarrantKeyRing.ensure(keyDir, keyId, options.algorithm());
        Map<String, String> env = new HashMap<>();
        env.put("VIENNA_WARRANT_KEY_DIR", keyDir.toString());
        env.put("VIENNA_WARRANT_SIGNING_KEY_ID", keyId);
        env.put("VIENNA_EXECUTOR_JWKS_URL", jwksUri(warrantPort).toString());
        if (!ed25519) {
            env.put("VIENNA_EXECUTOR_KEY_DIR", keyDir.toString());
        }
        env.put("VIENNA_AUDIT_CHECKPOINT_KEY_FILE", checkpointKey(options).toString());
        env.put("VIENNA_AUDIT_CHECKPOINT_DEPLOYMENT", DEPLOYMENT);
        env.put("VIENNA_AUDIT_EVIDENCE_WARRANT_JWKS_URL", jwksUri(warrantPort).toString());
        return env;
    }

    /** Where {@link #checkpointKey} keeps the key under data directory {@code dataDir}. */
    static Path checkpointKeyFile(Path dataDir) {
        return dataDir.toAbsolutePath().resolve("keys").resolve("audit-checkpoint.key");
    }

    /**
     * audit-service's checkpoint signing key, {@code <data>/keys/audit-checkpoint.key} (a C2SP signer key named
     * {@code vienna.local/audit}, owner-only), generated on first start and kept across runs: a new key would not
     * verify the checkpoints already published.
     */
    public static Path checkpointKey(Options options) {
        Path file = checkpointKeyFile(options.dataDir());
        if (!Files.exists(file)) {
            SecretFiles.directory(file.getParent());
            SecretFiles.write(
                    file, NoteSignerKey.generate(DEPLOYMENT + "/audit").encoded() + "\n");
        }
        return file;
    }

    /**
     * The local operator-token issuer ({@code ./vienna token}): its key lives in {@code <data>/keys}, generated on
     * first use and kept, with its public half as a JWKS file beside it; it signs for the issuer URL of the stack that
     * last started on this data directory (else for the one these options would start).
     */
    public static LocalOperatorIssuer operatorIssuer(Options options) {
        return localIssuer(options, recordedIssuer(options).orElse(issuerUrl(options)));
    }

    /** The file where a starting stack records its OIDC provider's issuer URL, for the commands run beside it. */
    static Path issuerFile(Options options) {
        return options.dataDir().toAbsolutePath().resolve("keys").resolve("operator-issuer.url");
    }

    /**
     * The issuer URL of the stack that last started on this data directory: {@code ./vienna token}, {@code agent} and
     * {@code audit export} sign for that stack whatever ports it was given, not for the default ports' issuer.
     */
    private static Optional<String> recordedIssuer(Options options) {
        try {
            Path file = issuerFile(options);
            return Files.isRegularFile(file)
                    ? Optional.of(Files.readString(file).trim())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + issuerFile(options), e);
        }
    }

    private static LocalOperatorIssuer localIssuer(Options options, String issuer) {
        return LocalOperatorIssuer.ensure(options.dataDir().toAbsolutePath().resolve("keys"))
                .withIssuer(issuer);
    }

    /**
     * Every service trusts the local issuer's tokens, unless the environment points them at another issuer
     * ({@code MP_JWT_VERIFY_PUBLICKEY_LOCATION}, README "Security").
     */
    private static Map<String, String> operatorTrust(Options options) {
        if (System.getenv("MP_JWT_VERIFY_PUBLICKEY_LOCATION") != null) {
            options.log()
                    .println("vienna: the services trust operator tokens from "
                            + System.getenv("MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
            return Map.of();
        }
        localIssuer(options, issuerUrl(options));
        return LocalOperatorIssuer.trustedBy(
                options.dataDir().toAbsolutePath().resolve("keys").resolve(LocalOperatorIssuer.JWKS_FILE),
                issuerUrl(options));
    }

    private static URI jwksUri(int warrantPort) {
        return URI.create("http://localhost:" + warrantPort + "/.well-known/jwks.json");
    }

    /** Where this run's public warrant keys are published. */
    public URI jwksUri() {
        return uriOf("warrant-service").resolve("/.well-known/jwks.json");
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Client settings of the broker's super user: for the demo's and tests' own reads and writes. */
    public Map<String, Object> adminClientConfig() {
        return kafka.adminClientConfig();
    }

    /** The Kafka client properties file of a principal of this run ({@code vienna-admin}, {@code vienna-auditor}). */
    public Path credentialsFile(String principal) {
        return runDir.resolve("credentials").resolve(principal + ".properties");
    }

    /** Client settings of the {@code vienna-auditor} principal, which may only read the audit log. */
    public Map<String, Object> auditorClientConfig() {
        return auditor.clientConfig(kafka.bootstrapServers());
    }

    /**
     * The whole audit log read as {@code vienna-auditor} and verified against its checkpoints, trusting this stack's
     * checkpoint key: what {@code ./vienna audit verify} does for it. A chain whose newest records are not checkpointed
     * yet is fine (they are counted); one without any checkpoint is not, once audit-service has had 15 s (three
     * checkpoint intervals) to sign one: until then it is read and verified again every second.
     */
    public AuditVerification verifyAuditLog() throws InterruptedException {
        NoteVerifierKey key = checkpointVerifierKey(options.dataDir())
                .orElseThrow(() -> new IllegalStateException("the stack has no checkpoint key"));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            AuditVerification verification = AuditLogReader.verify(
                    auditorClientConfig(),
                    AuditLogVerifier.Settings.trusting(List.of(key))
                            .forDeployment(DEPLOYMENT)
                            .requiringCheckpoints(true),
                    Duration.ofSeconds(30));
            boolean waitingForCheckpoint = verification.kinds().contains(AuditProblem.Kind.NO_CHECKPOINT);
            if (!waitingForCheckpoint || System.nanoTime() > deadline) {
                return verification;
            }
            Thread.sleep(1000);
        }
    }

    /**
     * The public half of the checkpoint key {@link #checkpointKey} keeps under {@code dataDir}; empty when there is
     * none.
     *
     * @throws IllegalArgumentException when the file does not hold a checkpoint signer key
     */
    static Optional<NoteVerifierKey> checkpointVerifierKey(Path dataDir) {
        Path file = checkpointKeyFile(dataDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    NoteSignerKey.parse(Files.readString(file).strip()).verifierKey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " does not hold a checkpoint signer key: " + e.getMessage());
        }
    }

    /** The settings this stack was started with. */
    Options options() {
        return options;
    }

    /** This run's directory (state, credentials, logs), deleted when the stack stops. */
    Path runDir() {
        return runDir;
    }

    /** Every service instance's process, in start order. */
    List<ServiceProcess> processes() {
        return List.copyOf(services);
    }

    /**
     * Stops every service (newest first) and leaves the broker running, for a benchmark that goes on with other
     * clients; nothing restarts them after this.
     */
    void stopServices() {
        closing = true;
        synchronized (lifecycle) {
            stopAll(services);
        }
    }

    /** The first instance of {@code service}. */
    public URI uriOf(String service) {
        return uriOf(service, 0);
    }

    public URI uriOf(String service, int instance) {
        return services.get(indexOf(service, instance)).uri();
    }

    /** How many instances of each service run. */
    public int instances() {
        return options.instances();
    }

    /** The services this stack runs, in start order: {@link #SERVICES}, without the notifier when it was left out. */
    public List<String> serviceNames() {
        return serviceNames;
    }

    static List<String> servicesOf(Options options) {
        return SERVICES.stream()
                .filter(name -> options.notifier() || !name.equals("notifier-service"))
                .toList();
    }

    private int indexOf(String service, int instance) {
        int i = serviceNames.indexOf(service);
        if (i < 0 || instance < 0 || instance >= instances()) {
            throw new IllegalArgumentException("no instance " + instance + " of " + service + " runs in this stack");
        }
        return instance * serviceNames.size() + i;
    }

    /** A client speaking as {@code agentId}, one of the agents this stack registered. */
    public ViennaClient client(String agentId) {
        return new ViennaClient(uriOf("intake-service"), uriOf("audit-service"), apiKey(agentId));
    }

    /** The API key of an agent this stack registered. */
    public String apiKey(String agentId) {
        String key = apiKeys.get(agentId);
        if (key == null) {
            throw new IllegalArgumentException("agent " + agentId + " was not registered by this stack");
        }
        return key;
    }

    /**
     * Registers an agent through intake-service's registry API (as an admin of the local issuer would) and creates its
     * Kafka principal, which may only write signed intents to {@code intent-submissions}; its API key, signing key and
     * Kafka client settings are kept under {@code <data>/agents/<agentId>/}. Returns the agent's API key.
     */
    public String registerAgent(String agentId, String tenantId, List<String> owners) throws Exception {
        return registerAgent(agentId, tenantId, owners, false);
    }

    /** The same; with {@code kafkaFeed}, the agent takes its PASSBACK warrants from its own Kafka feed. */
    public String registerAgent(String agentId, String tenantId, List<String> owners, boolean kafkaFeed)
            throws Exception {
        LocalAgents.Agent agent = agents.register(agentId, tenantId, owners, kafka.adminClientConfig(), kafkaFeed);
        if (kafkaFeed) {
            kafkaFed.add(agentId);
        }
        apiKeys.put(agentId, agent.apiKey());
        return agent.apiKey();
    }

    /** Where this stack keeps its keys, its agents' secrets and its runs. */
    public Path dataDir() {
        return runDir.getParent();
    }

    /** Where the API key of an agent this stack registered is kept ({@code KEY=$(cat ...)}). */
    public Path apiKeyFile(String agentId) {
        return agents.apiKeyFile(agentId);
    }

    /** Suspends a registered agent as a security operator would: its warrants are revoked, its submissions refused. */
    public void suspendAgent(String agentId, String reason) {
        agents.suspend(agentId, reason);
    }

    /**
     * Stops one service gracefully and starts it again with the same settings, port and state directory, as an operator
     * restarting it would; returns once it is ready again.
     */
    public void restart(String service) throws Exception {
        int i = indexOf(service, 0);
        synchronized (lifecycle) {
            ServiceProcess old = services.get(i);
            old.close();
            ServiceProcess fresh = old.relaunch();
            services.set(i, fresh);
            fresh.awaitReady(HttpClient.newHttpClient(), Duration.ofSeconds(120));
        }
    }

    /** A restart by the supervisor: which service, how it had exited, and how long until it was ready again. */
    public record Restart(String service, int exitCode, Instant diedAt, Duration backoff, Duration readyAfter) {}

    /**
     * Restarts every service whose process dies (whatever killed it), as Kubernetes does for a Deployment's pod: after
     * {@code initialBackoff}, doubled each time the same service dies again within a minute of its last start (at most
     * {@code maxBackoff}), with the same settings, port and state directory; logged, and listed by {@link #restarts}.
     * Runs until {@link #close}.
     */
    public synchronized void supervise(Duration initialBackoff, Duration maxBackoff) {
        if (supervisor != null) {
            return;
        }
        supervisor = new Thread(() -> superviseLoop(initialBackoff, maxBackoff), "vienna-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /** The supervisor's restarts so far, oldest first. */
    public List<Restart> restarts() {
        return List.copyOf(restarts);
    }

    /** A service's operating-system process id (to stop it from outside, as a crash or an OOM killer would). */
    public long pidOf(String service) {
        return pidOf(service, 0);
    }

    public long pidOf(String service, int instance) {
        return services.get(indexOf(service, instance)).pid();
    }

    private void superviseLoop(Duration initialBackoff, Duration maxBackoff) {
        Map<String, Duration> backoffs = new HashMap<>();
        Map<String, Long> startedAt = new HashMap<>();
        HttpClient http = HttpClient.newHttpClient();
        try {
            while (!closing) {
                for (int i = 0; i < services.size() && !closing; i++) {
                    synchronized (lifecycle) {
                        superviseOne(i, initialBackoff, maxBackoff, backoffs, startedAt, http);
                    }
                }
                for (int node = 0; node < kafka.nodes() && kafka.nodes() > 1 && !closing; node++) {
                    synchronized (lifecycle) {
                        superviseBroker(node, initialBackoff);
                    }
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.println("vienna: the supervisor stopped: " + e.getMessage());
        }
    }

    /** Restarts service {@code i} if its process is dead; called holding {@link #lifecycle}. */
    private void superviseOne(
            int i,
            Duration initialBackoff,
            Duration maxBackoff,
            Map<String, Duration> backoffs,
            Map<String, Long> startedAt,
            HttpClient http)
            throws InterruptedException, IOException {
        ServiceProcess process = services.get(i);
        String name = process.instance() == 0 ? process.name() : process.name() + "#" + process.instance();
        if (process.isAlive()) {
            return;
        }
        Instant diedAt = Instant.now();
        Long lastStart = startedAt.get(name);
        boolean dyingAgain = lastStart != null
                && System.nanoTime() - lastStart < Duration.ofMinutes(1).toNanos();
        Duration backoff = dyingAgain
                ? min(backoffs.getOrDefault(name, initialBackoff).multipliedBy(2), maxBackoff)
                : initialBackoff;
        backoffs.put(name, backoff);
        log.printf(
                "vienna: %s exited with code %d; restarting it in %d ms%n",
                name, process.exitCode(), backoff.toMillis());
        Thread.sleep(backoff.toMillis());
        if (closing) {
            return;
        }
        ServiceProcess fresh = process.relaunch();
        services.set(i, fresh);
        startedAt.put(name, System.nanoTime());
        try {
            fresh.awaitReady(http, Duration.ofSeconds(120));
            Duration ready = Duration.between(diedAt, Instant.now());
            restarts.add(new Restart(name, process.exitCode(), diedAt, backoff, ready));
            log.printf("vienna: %s restarted, ready %d ms after it died%n", name, ready.toMillis());
        } catch (IllegalStateException e) {
            log.println("vienna: " + name + " did not come back: " + e.getMessage());
        }
    }

    /**
     * Starts Kafka node {@code node} again if its process died, unless {@link #killBroker} holds it down; called
     * holding {@link #lifecycle}.
     */
    private void superviseBroker(int node, Duration backoff) throws InterruptedException, IOException {
        if (kafka.isRunning(node) || heldDown.contains(node)) {
            return;
        }
        Instant diedAt = Instant.now();
        int exitCode = kafka.exitCode(node);
        log.printf(
                "vienna: Kafka node %d exited with code %d; restarting it in %d ms%n",
                node, exitCode, backoff.toMillis());
        Thread.sleep(backoff.toMillis());
        if (closing) {
            return;
        }
        try {
            kafka.restart(node);
            Duration ready = Duration.between(diedAt, Instant.now());
            restarts.add(new Restart("kafka-" + node, exitCode, diedAt, backoff, ready));
            log.printf("vienna: Kafka node %d restarted, a broker again %d ms after it died%n", node, ready.toMillis());
        } catch (IllegalStateException e) {
            log.println("vienna: Kafka node " + node + " did not come back: " + e.getMessage());
        }
    }

    /** How many Kafka nodes this stack runs. */
    public int brokers() {
        return kafka.nodes();
    }

    /**
     * Kills Kafka node {@code node} with SIGKILL, as a lost machine would, and keeps it down (the supervisor leaves it
     * alone) until {@link #restartBroker}. Needs a stack of several nodes ({@link Options#withBrokers}).
     */
    public void killBroker(int node) throws InterruptedException {
        synchronized (lifecycle) {
            heldDown.add(node);
            kafka.kill(node);
            log.printf("vienna: Kafka node %d killed%n", node);
        }
    }

    /** Starts a node {@link #killBroker} stopped; returns once it is a registered broker again. */
    public void restartBroker(int node) throws IOException, InterruptedException {
        synchronized (lifecycle) {
            kafka.restart(node);
            heldDown.remove(node);
            log.printf("vienna: Kafka node %d restarted%n", node);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The local operator-token issuer whose tokens this stack's services trust. */
    public LocalOperatorIssuer operatorIssuer() {
        return issuer;
    }

    /** The names of services whose process has died. */
    public List<String> deadServices() {
        return services.stream()
                .filter(s -> !s.isAlive())
                .map(ServiceProcess::name)
                .toList();
    }

    /**
     * Kills one service as {@code kill -9} would (no shutdown hook, no graceful close), starts it again with the same
     * settings and state directory, as a supervisor would, and returns how long it took until it was ready again.
     */
    public Duration killAndRestart(String service) throws Exception {
        return killAndRestart(service, 0);
    }

    public Duration killAndRestart(String service, int instance) throws Exception {
        int i = indexOf(service, instance);
        synchronized (lifecycle) {
            ServiceProcess old = services.get(i);
            long start = System.nanoTime();
            old.kill();
            ServiceProcess fresh = old.relaunch();
            services.set(i, fresh);
            fresh.awaitReady(HttpClient.newHttpClient(), Duration.ofSeconds(120));
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /**
     * Stops the services (newest first) and the broker, and deletes this run's data; once, whether called or run by the
     * shutdown hook when the launcher is stopped.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            removeQuietly(shutdownHook);
        }
        closing = true;
        if (supervisor != null) {
            supervisor.interrupt();
            try {
                supervisor.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopFronts(console, oidc);
        stopAll(services);
        kafka.close();
        demoTarget.close();
        try (var paths = Files.walk(runDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@link #close}, logging what went wrong instead of throwing (a shutdown hook's way). */
    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            log.println("vienna: error while stopping: " + e.getMessage());
        }
    }

    private static void removeQuietly(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (or ran) anyway
        }
    }

    /** Stops the console and the local OIDC server, whichever of them started. */
    private static void stopFronts(ServiceProcess console, LocalOidcServer oidc) {
        if (console != null) {
            console.close();
        }
        if (oidc != null) {
            oidc.close();
        }
    }

    /**
     * Starts the console: it signs operators in at {@code VIENNA_CONSOLE_ISSUER} when the launcher's environment names
     * another issuer, else at the local OIDC server; it calls the first instance of each service; its client secret
     * (which also encrypts its session cookies) is made anew for each run, so a restart of the stack signs everyone
     * out.
     */
    private static ServiceProcess startConsole(Options options, LocalOidcServer oidc) throws IOException {
        int port = consolePort(options);
        List<String> jvm = new ArrayList<>(List.of(options.jvmOptions().trim().split("\\s+")));
        jvm.removeIf(String::isEmpty);
        jvm.add("-Dquarkus.http.port=" + port);
        jvm.add("-Dquarkus.http.host=" + options.listenHost());
        jvm.add("-Dvienna.console.issuer=" + System.getenv().getOrDefault("VIENNA_CONSOLE_ISSUER", oidc.issuer()));
        for (String service : List.of("approval", "policy", "audit", "warrant")) {
            jvm.add("-Dvienna.console." + service + "-url=http://127.0.0.1:"
                    + portOf(options, service + "-service", 0));
        }
        Map<String, String> environment = new HashMap<>(CHILD_ENVIRONMENT);
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        environment.put(
                "VIENNA_CONSOLE_CLIENT_SECRET",
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        return ServiceProcess.start(options.projectRoot(), CONSOLE, 0, port, jvm, environment, options.log());
    }

    /** The console's address: where operators sign in and decide. */
    public URI consoleUri() {
        if (console == null) {
            throw new IllegalStateException("this stack was started without the console");
        }
        return console.uri();
    }

    /** The local OIDC server's issuer URL. */
    public String oidcIssuer() {
        return oidc.issuer();
    }

    private static void stopAll(List<ServiceProcess> services) {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }
}
