package dev.vienna.testing;

import dev.vienna.events.KafkaAccess;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.KafkaCredentials;
import dev.vienna.kafka.local.LocalKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;

/**
 * Quarkus test resource: one real KRaft broker per test JVM, shared by every {@code @QuarkusTest} in it, with every
 * Vienna topic created and authentication and ACLs on, exactly as in production: the service under test connects as its
 * own principal (its {@code quarkus.application.name}) with only its own ACLs ({@link KafkaAccess}), so a test fails
 * when a service touches a topic it has no right to. Each Quarkus start gets a fresh Kafka Streams state directory, so
 * no test sees another's local state. Tests themselves read and write through {@link #probe()}, as the super user. The
 * registry ({@code agents}) holds the {@link TestAgents} before any service starts.
 *
 * <p>A test profile loads the test classes again in a new class loader; the broker is still one per JVM: its address
 * and the principals' passwords are kept in system properties, where every class loader finds them.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    /** Partitions per topic in tests: more than one, so co-partitioning is exercised. */
    public static final int PARTITIONS = 3;

    private static final String BOOTSTRAP = "vienna.test.kafka.bootstrap";
    private static final String PASSWORD = "vienna.test.kafka.password.";

    /** Where the shared broker is and who may use it. */
    public record Broker(String bootstrapServers) {
        /** Client settings of the super user. */
        public Map<String, Object> adminClientConfig() {
            return credentials(LocalKafka.ADMIN).clientConfig(bootstrapServers);
        }
    }

    /** The shared broker, started on first use (in any class loader) and stopped when the JVM exits. */
    public static Broker broker() {
        synchronized (System.class) {
            String bootstrap = System.getProperty(BOOTSTRAP);
            if (bootstrap == null) {
                bootstrap = startBroker();
            }
            return new Broker(bootstrap);
        }
    }

    private static String startBroker() {
        try {
            LocalKafka broker = LocalKafka.start(Files.createTempDirectory("vienna-kafka-"));
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
            broker.createTopics(PARTITIONS);
            keep(broker.admin());
            for (KafkaAccess access : KafkaAccess.services()) {
                keep(broker.grant(access));
            }
            for (TestAgents.Agent agent : TestAgents.all()) {
                keep(broker.grant(
                        agent.agentId().equals(TestAgents.FEED_AGENT)
                                ? KafkaAccess.passbackAgent(agent.agentId())
                                : KafkaAccess.agent(agent.agentId())));
            }
            KafkaProbe probe = new KafkaProbe(broker.adminClientConfig());
            for (TestAgents.Agent agent : TestAgents.all()) {
                probe.send(Topics.AGENTS, agent.agentId(), agent.registered());
            }
            System.setProperty(BOOTSTRAP, broker.bootstrapServers());
            return broker.bootstrapServers();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test broker", e);
        }
    }

    private static void keep(KafkaCredentials credentials) {
        System.setProperty(PASSWORD + credentials.principal(), credentials.password());
    }

    /**
     * The credentials of a principal on the shared broker: a service's, {@code vienna-auditor}, a test agent's
     * ({@code KafkaAccess.agentPrincipal(agentId)}), or the super user's.
     */
    public static KafkaCredentials credentials(String principal) {
        broker();
        String password = System.getProperty(PASSWORD + principal);
        if (password == null) {
            throw new IllegalArgumentException("no principal " + principal + " on the test broker");
        }
        return new KafkaCredentials(principal, password);
    }

    /** A probe of the shared broker as the super user. */
    public static KafkaProbe probe() {
        return new KafkaProbe(broker().adminClientConfig());
    }

    @Override
    public Map<String, String> start() {
        String service = applicationName();
        try {
            return Map.of(
                    "kafka.bootstrap.servers", broker().bootstrapServers(),
                    "vienna.kafka.principal", service,
                    "vienna.kafka.password", credentials(service).password(),
                    "kafka-streams.state.dir",
                            Files.createTempDirectory("vienna-streams-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service under test: {@code quarkus.application.name} of its application.properties. */
    private static String applicationName() {
        try (InputStream in =
                Thread.currentThread().getContextClassLoader().getResourceAsStream("application.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            String name = properties.getProperty("quarkus.application.name");
            if (name == null) {
                throw new IllegalStateException("application.properties names no quarkus.application.name");
            }
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the broker outlives one Quarkus application: other test classes in this JVM reuse it
    }
}
