package dev.vienna.sdk.kafka.follow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.Topic;
import dev.vienna.kafka.local.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A follower on a real broker: caught up only once it has read every partition the topic has, and never without any.
 */
class TopicFollowerTest {

    private static LocalKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafka.start(Files.createTempDirectory("topic-follower-test"));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static Topic<byte[]> topic(String prefix) {
        return new Topic<>(prefix + "-" + UUID.randomUUID(), byte[].class, Map.of());
    }

    private static TopicFollower<byte[]> follow(Topic<byte[]> topic, List<String> seen) {
        return new TopicFollower<>(
                kafka.adminClientConfig(),
                topic,
                value -> seen.add(new String(value, StandardCharsets.UTF_8)),
                Clock.systemUTC(),
                Duration.ofSeconds(30));
    }

    private static void create(Topic<byte[]> topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic.name(), partitions, (short) 1)))
                    .all()
                    .get();
        }
    }

    private static void write(Topic<byte[]> topic, int partition, String... values) throws Exception {
        try (var producer =
                new KafkaProducer<>(kafka.adminClientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(
                                topic.name(), partition, null, value.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
    }

    @Test
    void shouldNotBeCaughtUpOnATopicThatDoesNotExist() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TopicFollower<byte[]> follower = follow(topic("missing"), seen)) {
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(2))).isFalse();
            assertThat(follower.caughtUp()).isFalse();
            assertThat(follower.healthy())
                    .as("still running, looking for partitions")
                    .isTrue();
            assertThat(seen).isEmpty();
        }
    }

    @Test
    void shouldFollowATopicCreatedAfterItStarted() throws Exception {
        Topic<byte[]> topic = topic("later");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TopicFollower<byte[]> follower = follow(topic, seen)) {
            assertThat(follower.awaitCaughtUp(Duration.ofMillis(500))).isFalse();
            create(topic, 2);
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            write(topic, 0, "a");
            write(topic, 1, "b");
            Awaitility.await("both partitions read")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> seen.size() == 2);
            assertThat(seen).containsExactlyInAnyOrder("a", "b");
            assertThat(follower.healthy()).isTrue();
        }
    }

    @Test
    void shouldBeCaughtUpOnlyOnceItReadWhatEveryPartitionHeld() throws Exception {
        Topic<byte[]> topic = topic("existing");
        create(topic, 3);
        write(topic, 0, "a", "b");
        write(topic, 2, "c");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TopicFollower<byte[]> follower = follow(topic, seen)) {
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(seen).containsSubsequence("a", "b");
        }
    }
}
