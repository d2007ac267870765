package dev.vienna.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vienna.events.Topics;
import dev.vienna.kafka.local.LocalKafka;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three broker JVMs ({@link LocalKafka#startCluster}): every topic replicated three times with two in sync, and a node
 * killed with SIGKILL loses no committed write and stops no transactional writer; restarted, it catches up.
 */
class LocalKafkaClusterTest {

    private static LocalKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafka.startCluster(Files.createTempDirectory("local-kafka-cluster-test"), 3);
        kafka.createTopics(2);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldReplicateEveryTopicThreeTimesWithTwoInSync() throws Exception {
        assertThat(kafka.nodes()).isEqualTo(3);
        assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            Map<String, TopicDescription> described = admin.describeTopics(
                            Topics.all().stream().map(t -> t.name()).toList())
                    .allTopicNames()
                    .get();
            assertThat(described.values())
                    .allSatisfy(d -> assertThat(d.partitions())
                            .hasSize(2)
                            .allSatisfy(p -> assertThat(p.replicas()).hasSize(3)));
            ConfigResource intents = new ConfigResource(ConfigResource.Type.TOPIC, Topics.INTENTS.name());
            assertThat(admin.describeConfigs(Set.of(intents))
                            .all()
                            .get()
                            .get(intents)
                            .get("min.insync.replicas")
                            .value())
                    .isEqualTo("2");
            // Kafka's own topics (offsets, transactions) are replicated alike once they exist
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
            var config = admin.describeConfigs(Set.of(broker)).all().get().get(broker);
            assertThat(config.get("offsets.topic.replication.factor").value()).isEqualTo("3");
            assertThat(config.get("transaction.state.log.min.isr").value()).isEqualTo("2");
            assertThat(config.get("default.replication.factor").value()).isEqualTo("3");
        }
    }

    @Test
    void shouldLoseNoCommittedWriteWhenAPartitionLeaderIsKilled() throws Exception {
        String topic = Topics.DEAD_LETTER.name();
        int victim = leaderOf(topic, 0);
        long pid = kafka.pid(victim);
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = transactionalProducer("cluster-test")) {
            producer.initTransactions();
            writeCommitted(producer, topic, "before-", 50, sent);

            kafka.kill(victim);
            assertThat(kafka.isRunning(victim)).isFalse();
            assertThat(ProcessHandle.of(pid)).isEmpty();

            // the same producer goes on: the partitions move to the two survivors, which still make a quorum
            writeCommitted(producer, topic, "during-", 50, sent);
        }
        assertThat(readCommitted(topic, sent.size())).containsExactlyInAnyOrderElementsOf(sent);

        kafka.restart(victim);
        assertThat(kafka.isRunning(victim)).isTrue();
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            await("the restarted node back in every in-sync replica set")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() ->
                            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                                    .allMatch(p -> p.isr().size() == 3));
        }
    }

    @Test
    void shouldRefuseToKillTheInProcessBroker() throws Exception {
        try (LocalKafka single = LocalKafka.start(Files.createTempDirectory("local-kafka-single"))) {
            assertThat(single.nodes()).isEqualTo(1);
            assertThat(single.replicas()).isEqualTo((short) 1);
            assertThatThrownBy(() -> single.kill(0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("startCluster");
        }
    }

    private static int leaderOf(String topic, int partition) throws Exception {
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            TopicPartitionInfo info = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .get(partition);
            return info.leader().id();
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String id) {
        Map<String, Object> config = new HashMap<>(kafka.adminClientConfig());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static void writeCommitted(
            KafkaProducer<String, String> producer, String topic, String prefix, int count, List<String> sent) {
        for (int i = 0; i < count; i++) {
            producer.beginTransaction();
            String value = prefix + i;
            producer.send(new ProducerRecord<>(topic, Integer.toString(i), value));
            producer.commitTransaction();
            sent.add(value);
        }
    }

    private static List<String> readCommitted(String topic, int expected) {
        Map<String, Object> config = new HashMap<>(kafka.adminClientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "cluster-test-reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await("every committed record read back")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                            values.add(record.value());
                        }
                        return values.size() >= expected;
                    });
        }
        return values;
    }
}
