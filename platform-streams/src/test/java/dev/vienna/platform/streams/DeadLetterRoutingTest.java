package dev.vienna.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Intent;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.SubmissionChannel;
import dev.vienna.events.Topics;
import dev.vienna.platform.tracing.RecordTracing;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

class DeadLetterRoutingTest {

    @Test
    void shouldPassDecodedEventsAndDeadLetterTheRestWithTheirBytesAndReason() {
        // given a stage that copies decoded intents to an output topic
        StreamsBuilder builder = new StreamsBuilder();
        DeadLetterRouting.decodeOrDeadLetter(builder, Topics.INTENTS, "test-service", RecordTracing.off())
                .mapValues(v -> v.getIntentId())
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dlq-test");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            var input = driver.createInputTopic(
                    Topics.INTENTS.name(),
                    Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            var out = driver.createOutputTopic(
                    "out", Serdes.String().deserializer(), Serdes.String().deserializer());
            var dead = driver.createOutputTopic(
                    Topics.DEAD_LETTER.name(),
                    Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer());

            // when garbage arrives between two good events
            input.pipeInput("int-1", Topics.INTENTS.valueSerde().serializer().serialize("intents", intent("int-1")));
            input.pipeInput("int-x", "not avro".getBytes());
            input.pipeInput("int-2", Topics.INTENTS.valueSerde().serializer().serialize("intents", intent("int-2")));

            // then both good events pass, in order, and the garbage is kept with its reason
            assertThat(out.readValuesToList()).containsExactly("int-1", "int-2");
            var record = dead.readRecord();
            assertThat(record.key()).isEqualTo("int-x");
            assertThat(record.value()).isEqualTo("not avro".getBytes());
            assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.REASON))
                    .contains("not a IntentAccepted");
            assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                    .isEqualTo("intents");
            assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.SOURCE_OFFSET))
                    .isEqualTo("1");
            assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.SERVICE))
                    .isEqualTo("test-service");
            assertThat(dead.isEmpty()).isTrue();
        }
    }

    static IntentAccepted intent(String id) {
        return IntentAccepted.newBuilder()
                .setEventId("e-" + id)
                .setIntentId(id)
                .setTenantId("t")
                .setOccurredAt(Instant.EPOCH)
                .setChannel(SubmissionChannel.HTTP)
                .setIntent(Intent.newBuilder()
                        .setAgentId("a")
                        .setAction("noop")
                        .setResource("r")
                        .build())
                .build();
    }
}
