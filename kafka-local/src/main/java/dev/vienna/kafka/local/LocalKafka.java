package dev.vienna.kafka.local;

import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real, single-node Apache Kafka broker in KRaft mode (combined broker and controller), started in this JVM from
 * Apache Kafka's own cluster kit. {@link #createTopics} creates every Vienna topic with one partition count and its
 * real configuration (compacted audit, dead letters...).
 *
 * <p>Settings are those of a one-node cluster: replication factor 1 everywhere, transactions allowed with one in-sync
 * replica (Kafka Streams runs exactly_once_v2), no auto-created topics.
 */
public final class LocalKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private LocalKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats {@code dataDir} and starts the broker; returns once it accepts clients. */
    public static LocalKafka start(Path dataDir) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dataDir)
                .build();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "5")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "5")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("log.cleaner.backoff.ms", "1000")
                .setDeleteOnClose(true)
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new LocalKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates every topic of {@link Topics#all()} with {@code partitions} partitions; existing ones are kept. */
    public void createTopics(int partitions) throws InterruptedException, ExecutionException {
        createTopics(bootstrapServers(), partitions);
    }

    /** The same against any cluster (replication factor 1: for local and test brokers). */
    public static void createTopics(String bootstrapServers, int partitions)
            throws InterruptedException, ExecutionException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = Topics.all().stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> newTopic(t, partitions))
                    .toList();
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static NewTopic newTopic(Topic<?> topic, int partitions) {
        return new NewTopic(topic.name(), partitions, (short) 1).configs(Map.copyOf(topic.config()));
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
