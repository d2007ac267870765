package dev.vienna.deploy;

import dev.vienna.issuer.LocalOperatorIssuer;
import dev.vienna.kafka.local.LocalKafka;
import dev.vienna.sdk.client.ViennaClient;
import dev.vienna.sdk.warrant.SignatureAlgorithm;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline on one machine: a real KRaft broker in this JVM with every topic created, and the six packaged
 * services as child JVMs on consecutive ports (intake first), all ready before {@link #start} returns. The warrant key
 * is generated on first start into the data directory's {@code keys/} and kept; executor-service verifies from
 * warrant-service's JWKS.
 */
public final class ViennaStack implements AutoCloseable {

    /** The services in start order with their port offsets; the order of the ports is the README's. */
    public static final List<String> SERVICES = List.of(
            "intake-service",
            "policy-service",
            "approval-service",
            "warrant-service",
            "executor-service",
            "audit-service");

    private final LocalKafka kafka;
    private final List<ServiceProcess> services;
    private final Path runDir;

    private ViennaStack(LocalKafka kafka, List<ServiceProcess> services, Path runDir) {
        this.kafka = kafka;
        this.services = services;
        this.runDir = runDir;
    }

    /** How to start the stack. */
    public record Options(
            Path projectRoot,
            Path dataDir,
            int basePort,
            int partitions,
            SignatureAlgorithm algorithm,
            String jvmOptions,
            PrintStream log) {
        /**
         * Seven JVMs share the machine, so the children run C1 only with a serial collector: on 2 cores C2's compiler
         * threads cost the pipeline more than they give back (README, "Benchmark"). {@code VIENNA_SERVICE_JVM_OPTS}
         * overrides.
         */
        public static Options defaults(Path projectRoot, PrintStream log) {
            String jvm = System.getenv()
                    .getOrDefault("VIENNA_SERVICE_JVM_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
            return new Options(
                    projectRoot, projectRoot.resolve(".vienna"), 8081, 3, SignatureAlgorithm.ED25519, jvm, log);
        }

        public Options withBasePort(int port) {
            return new Options(projectRoot, dataDir, port, partitions, algorithm, jvmOptions, log);
        }

        public Options withDataDir(Path dir) {
            return new Options(projectRoot, dir, basePort, partitions, algorithm, jvmOptions, log);
        }

        public Options withAlgorithm(SignatureAlgorithm a) {
            return new Options(projectRoot, dataDir, basePort, partitions, a, jvmOptions, log);
        }
    }

    public static ViennaStack start(Options options) throws Exception {
        Path runDir = Files.createDirectories(options.dataDir()).resolve("run-" + System.currentTimeMillis());
        LocalKafka kafka = LocalKafka.start(Files.createDirectories(runDir.resolve("kafka")));
        List<ServiceProcess> started = new ArrayList<>();
        try {
            kafka.createTopics(options.partitions());
            options.log()
                    .println("vienna: Kafka (KRaft) listening on " + kafka.bootstrapServers() + ", "
                            + options.partitions() + " partitions per topic");
            Map<String, String> keyEnvironment =
                    keyEnvironment(options, options.basePort() + SERVICES.indexOf("warrant-service"));
            // policy-service reads (and hot-reloads) the repository's policies/ unless VIENNA_POLICY_DIR names another
            // directory
            Path policyDir = Path.of(System.getenv()
                    .getOrDefault(
                            "VIENNA_POLICY_DIR",
                            options.projectRoot().resolve("policies").toString()));
            keyEnvironment.put("VIENNA_POLICY_DIR", policyDir.toAbsolutePath().toString());
            options.log().println("vienna: policies from " + policyDir.toAbsolutePath());
            Map<String, String> operatorTrust = operatorTrust(options);
            for (int i = 0; i < SERVICES.size(); i++) {
                String name = SERVICES.get(i);
                int port = options.basePort() + i;
                List<String> jvm =
                        new ArrayList<>(List.of(options.jvmOptions().trim().split("\\s+")));
                jvm.removeIf(String::isEmpty);
                jvm.add("-Dquarkus.http.port=" + port);
                jvm.add("-Dkafka.bootstrap.servers=" + kafka.bootstrapServers());
                jvm.add("-Dkafka-streams.state.dir=" + Files.createDirectories(runDir.resolve(name)));
                if (name.equals("approval-service")) {
                    operatorTrust.forEach((key, value) -> jvm.add("-D" + key + "=" + value));
                }
                started.add(
                        ServiceProcess.start(options.projectRoot(), name, port, jvm, keyEnvironment, options.log()));
            }
            HttpClient http = HttpClient.newHttpClient();
            for (ServiceProcess service : started) {
                service.awaitReady(http, Duration.ofSeconds(120));
                options.log().println("vienna: " + service.name() + " ready on " + service.uri());
            }
            return new ViennaStack(kafka, started, runDir);
        } catch (Exception e) {
            stopAll(started);
            kafka.close();
            throw e;
        }
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
        return env;
    }

    /**
     * The local operator-token issuer ({@code ./vienna token}): its key lives in {@code <data>/keys}, generated on
     * first use and kept, with its public half as a JWKS file beside it.
     */
    public static LocalOperatorIssuer operatorIssuer(Options options) {
        return LocalOperatorIssuer.ensure(options.dataDir().toAbsolutePath().resolve("keys"));
    }

    /**
     * approval-service trusts the local issuer's tokens, unless the environment points it at another issuer
     * ({@code MP_JWT_VERIFY_PUBLICKEY_LOCATION}, README "Approvals and operators").
     */
    private static Map<String, String> operatorTrust(Options options) {
        if (System.getenv("MP_JWT_VERIFY_PUBLICKEY_LOCATION") != null) {
            options.log()
                    .println("vienna: approval-service trusts operator tokens from "
                            + System.getenv("MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
            return Map.of();
        }
        operatorIssuer(options);
        return LocalOperatorIssuer.trustedBy(
                options.dataDir().toAbsolutePath().resolve("keys").resolve(LocalOperatorIssuer.JWKS_FILE));
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

    public URI uriOf(String service) {
        return services.stream()
                .filter(s -> s.name().equals(service))
                .findFirst()
                .orElseThrow()
                .uri();
    }

    public ViennaClient client() {
        return new ViennaClient(uriOf("intake-service"), uriOf("audit-service"));
    }

    /**
     * Stops one service gracefully and starts it again with the same settings, port and state directory, as an operator
     * restarting it would; returns once it is ready again.
     */
    public void restart(String service) throws Exception {
        int i = SERVICES.indexOf(service);
        ServiceProcess old = services.get(i);
        old.close();
        ServiceProcess fresh = old.relaunch();
        services.set(i, fresh);
        fresh.awaitReady(HttpClient.newHttpClient(), Duration.ofSeconds(120));
    }

    /** The local operator-token issuer whose tokens this stack's approval-service trusts. */
    public LocalOperatorIssuer operatorIssuer() {
        return LocalOperatorIssuer.ensure(runDir.getParent().toAbsolutePath().resolve("keys"));
    }

    /** The names of services whose process has died. */
    public List<String> deadServices() {
        return services.stream()
                .filter(s -> !s.isAlive())
                .map(ServiceProcess::name)
                .toList();
    }

    /** Stops the services (newest first) and the broker, and deletes this run's data. */
    @Override
    public void close() throws IOException {
        stopAll(services);
        kafka.close();
        try (var paths = Files.walk(runDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void stopAll(List<ServiceProcess> services) {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }
}
