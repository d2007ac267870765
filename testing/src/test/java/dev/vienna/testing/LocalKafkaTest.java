package dev.vienna.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.Topics;
import dev.vienna.kafka.local.LocalKafka;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** The broker the local stack and every test use, and the probe the tests read it with. */
class LocalKafkaTest {

    @Test
    void shouldStartARealBrokerWithEveryTopicAndItsConfiguration() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(Files.createTempDirectory("local-kafka-test"))) {
            kafka.createTopics(4);
            kafka.createTopics(4); // idempotent

            try (Admin admin = Admin.create(kafka.adminClientConfig())) {
                Set<String> names = admin.listTopics().names().get();
                assertThat(names)
                        .containsAll(Topics.all().stream().map(t -> t.name()).toList());

                Map<String, TopicDescription> described =
                        admin.describeTopics(names).allTopicNames().get();
                assertThat(described.values())
                        .allSatisfy(d -> assertThat(d.partitions()).hasSize(4));

                ConfigResource audit = new ConfigResource(ConfigResource.Type.TOPIC, Topics.AUDIT.name());
                var config = admin.describeConfigs(Set.of(audit)).all().get().get(audit);
                assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
                assertThat(config.get("retention.ms").value()).isEqualTo("-1");
            }

            KafkaProbe probe = new KafkaProbe(kafka.adminClientConfig());
            probe.sendRaw(Topics.DEAD_LETTER, "k".getBytes(), "v".getBytes());
            var seen = probe.readRawUntil(Topics.DEAD_LETTER.name(), r -> true, Duration.ofSeconds(20));
            assertThat(seen)
                    .singleElement()
                    .satisfies(r -> assertThat(new String(r.value())).isEqualTo("v"));
        }
    }
}
