package dev.vienna.deploy;

import dev.vienna.sdk.kafka.passback.KafkaPassbackExecutor;
import dev.vienna.sdk.passback.PassbackExecutor;
import dev.vienna.sdk.warrant.JwksKeyResolver;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * An example passback agent: the whole agent side of a PASSBACK warrant in one small program, as a team would write
 * theirs with the sdk. It waits for its warrants, over HTTP ({@link PassbackExecutor}, long-polling intake) or, with
 * {@code --kafka-config}, from its own Kafka feed ({@link KafkaPassbackExecutor}); either verifies each warrant offline
 * against warrant-service's published keys and the agent's own key, claims it once across the agent's instances, runs
 * {@link #deploy} and reports the outcome signed with the agent's key. Its "deploy" appends the version to
 * {@code <state-dir>/deployments.log} and answers it as output. {@code ./vienna demo} runs it for {@code deploy-agent}
 * (HTTP) and {@code release-agent} (Kafka).
 *
 * <pre>
 * java -cp deploy/target/lib/*:deploy/target/classes dev.vienna.deploy.PassbackAgentExample \
 *     --intake http://127.0.0.1:8081 --jwks http://127.0.0.1:8084/.well-known/jwks.json \
 *     --agent deploy-agent --agent-dir .vienna/agents/deploy-agent --state-dir /tmp/deploy-target [--work-millis 300] \
 *     [--kafka-config .vienna/agents/release-agent/kafka.properties]
 * </pre>
 */
public final class PassbackAgentExample implements AutoCloseable {

    private final PassbackExecutor http;
    private final KafkaPassbackExecutor kafka;

    /**
     * @param work how long each deploy takes (simulated), before it is recorded
     * @param kafkaConfig the agent principal's client settings when it takes its warrants from its Kafka feed (with
     *     {@link KafkaPassbackExecutor}); null to long-poll intake over HTTP
     */
    PassbackAgentExample(
            URI intake,
            URI jwks,
            String agentId,
            Path agentDir,
            Path stateDir,
            Duration work,
            Path kafkaConfig,
            PrintStream log)
            throws IOException {
        WarrantKey key = agentKey(agentId, agentDir);
        Clock clock = Clock.systemUTC();
        WarrantVerifier verifier = new WarrantVerifier(
                new JwksKeyResolver(jwks, Duration.ofSeconds(5), Duration.ofMinutes(5), clock),
                clock,
                Duration.ofSeconds(30),
                WarrantVerifier.Revocations.NONE,
                WarrantVerifier.SingleUse.NOT_TRACKED);
        PassbackExecutor.Action action = warrant -> {
            Thread.sleep(work.toMillis());
            return deploy(warrant, stateDir);
        };
        java.util.function.Consumer<PassbackExecutor.Result> print = result -> log.printf(
                "%s: warrant %s of intent %s: %s (%s)%n",
                agentId, result.warrantId(), result.intentId(), result.outcome(), result.detail());
        if (kafkaConfig == null) {
            String apiKey = Files.readString(agentDir.resolve("api-key")).trim();
            http = new PassbackExecutor(intake, apiKey, agentId, key, verifier, action, clock).onResult(print);
            kafka = null;
        } else {
            Properties settings = new Properties();
            try (var in = Files.newBufferedReader(kafkaConfig)) {
                settings.load(in);
            }
            Map<String, Object> config = new HashMap<>();
            settings.forEach((k, v) -> config.put(k.toString(), v));
            http = null;
            kafka = new KafkaPassbackExecutor(config, agentId, instanceName(), key, verifier, action, clock)
                    .onResult(print);
        }
    }

    /** This process's name among the agent's instances: host and pid. */
    private static String instanceName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** The agent's action: a deploy of {@code params.version} to the resource, recorded in the state directory. */
    static String deploy(PassbackExecutor.PassbackWarrant warrant, Path stateDir) throws IOException {
        var params = new com.fasterxml.jackson.databind.ObjectMapper().readTree(warrant.paramsJson());
        String version = params.path("version").asText();
        if (version.isEmpty()) {
            throw new IllegalArgumentException("no version to deploy");
        }
        Files.createDirectories(stateDir);
        Files.writeString(
                stateDir.resolve("deployments.log"),
                warrant.claims().warrantId() + " " + warrant.claims().resource() + " " + version + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return "{\"deployed\":\"" + version + "\",\"resource\":\""
                + warrant.claims().resource() + "\"}";
    }

    /** The agent's Ed25519 key as {@code ./vienna agent register} keeps it: {@code <agentId>-1.ed25519}. */
    static WarrantKey agentKey(String agentId, Path agentDir) throws IOException {
        String keyId = agentId + "-1";
        return WarrantKey.ed25519FromPrivate(
                keyId, Files.readString(agentDir.resolve(keyId + ".ed25519")).trim());
    }

    /** Starts taking warrants: the HTTP long poll on its thread; the Kafka feed follows from construction. */
    void start() {
        if (http != null) {
            http.start();
        }
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        } else {
            kafka.close();
        }
    }

    public static void main(String[] args) throws Exception {
        var options = new java.util.HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        for (String required : new String[] {"--intake", "--jwks", "--agent", "--agent-dir", "--state-dir"}) {
            if (!options.containsKey(required)) {
                System.err.println("usage: PassbackAgentExample --intake URL --jwks URL --agent ID --agent-dir DIR"
                        + " --state-dir DIR [--work-millis MS] [--kafka-config FILE] (missing " + required + ")");
                System.exit(64);
            }
        }
        try (var agent = new PassbackAgentExample(
                URI.create(options.get("--intake")),
                URI.create(options.get("--jwks")),
                options.get("--agent"),
                Path.of(options.get("--agent-dir")),
                Path.of(options.get("--state-dir")),
                Duration.ofMillis(Long.parseLong(options.getOrDefault("--work-millis", "0"))),
                options.containsKey("--kafka-config") ? Path.of(options.get("--kafka-config")) : null,
                System.out)) {
            agent.start();
            Thread.currentThread().join();
        }
    }
}
