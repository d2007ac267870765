package dev.vienna.testing;

import dev.vienna.kafka.local.LocalKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * Quarkus test resource: one real KRaft broker per test JVM, shared by every {@code @QuarkusTest} in it, with every
 * Vienna topic created. Each Quarkus start gets a fresh Kafka Streams state directory, so no test sees another's local
 * state.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    /** Partitions per topic in tests: more than one, so co-partitioning is exercised. */
    public static final int PARTITIONS = 3;

    private static LocalKafka broker;

    /** The shared broker, started on first use and stopped when the JVM exits. */
    public static synchronized LocalKafka broker() {
        if (broker == null) {
            try {
                broker = LocalKafka.start(Files.createTempDirectory("vienna-kafka-"));
                broker.createTopics(PARTITIONS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test broker", e);
            }
            LocalKafka started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception ignored) {
                    // the JVM is going away; the broker's files are in a temp directory
                }
            }));
        }
        return broker;
    }

    @Override
    public Map<String, String> start() {
        try {
            return Map.of(
                    "kafka.bootstrap.servers", broker().bootstrapServers(),
                    "kafka-streams.state.dir",
                            Files.createTempDirectory("vienna-streams-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the broker outlives one Quarkus application: other test classes in this JVM reuse it
    }
}
