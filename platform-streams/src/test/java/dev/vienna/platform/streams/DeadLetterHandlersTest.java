package dev.vienna.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.ProcessingHandlerResponse;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.ProductionExceptionHandlerResponse;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class DeadLetterHandlersTest {

    private final MockProducer<byte[], byte[]> deadLetters =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    private Properties streamsConfig() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "vienna-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class);
        props.put(DeadLetterWriter.PRODUCER_CONFIG, deadLetters);
        return props;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return DeadLetterHeaders.read(record.headers(), name);
    }

    @Test
    void shouldDeadLetterTheInputOfAProcessorThatThrowsAndGoOnWithTheNextRecord() {
        // given a stage whose processor throws on one record
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> {
                    if (v.equals("poison")) {
                        throw new IllegalStateException("cannot handle " + v);
                    }
                    return v.toUpperCase();
                })
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), streamsConfig())) {
            var in = driver.createInputTopic(
                    "in", Serdes.String().serializer(), Serdes.String().serializer());
            var out = driver.createOutputTopic(
                    "out", Serdes.String().deserializer(), Serdes.String().deserializer());

            // when the poison record arrives between two good ones
            in.pipeInput("k-1", "first");
            Headers headers = new RecordHeaders().add("trace", "t-2".getBytes(StandardCharsets.UTF_8));
            in.pipeInput(new TestRecord<>("k-2", "poison", headers));
            in.pipeInput("k-3", "third");

            // then the stage processed both good records, in order
            assertThat(out.readKeyValuesToMap()).containsOnlyKeys("k-1", "k-3").containsEntry("k-3", "THIRD");
            // and the poison record is a dead letter: its bytes as consumed, its headers, the reason and its origin
            assertThat(deadLetters.history()).singleElement().satisfies(dead -> {
                assertThat(dead.topic()).isEqualTo(Topics.DEAD_LETTER.name());
                assertThat(text(dead.key())).isEqualTo("k-2");
                assertThat(text(dead.value())).isEqualTo("poison");
                assertThat(header(dead, "trace")).isEqualTo("t-2");
                assertThat(header(dead, DeadLetterHeaders.REASON))
                        .startsWith("processing failed in ")
                        .endsWith("java.lang.IllegalStateException: cannot handle poison");
                assertThat(header(dead, DeadLetterHeaders.SERVICE)).isEqualTo("vienna-test");
                assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("in");
                assertThat(header(dead, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
                assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
            });
        }
    }

    @Test
    void shouldDeadLetterTheInputOfAnOutputTooLargeForARecordAndGoOn() {
        // given a stage whose output for one input is larger than a record may be
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> v.equals("grow") ? "x".repeat(RecordSizeLimit.MAX_RECORD_BYTES) : v)
                .to("out", Produced.with(Serdes.String(), RecordSizeLimit.limit(Serdes.String())));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), streamsConfig())) {
            var in = driver.createInputTopic(
                    "in", Serdes.String().serializer(), Serdes.String().serializer());
            var out = driver.createOutputTopic(
                    "out", Serdes.String().deserializer(), Serdes.String().deserializer());

            in.pipeInput("k-1", "grow");
            in.pipeInput("k-2", "small");

            assertThat(out.readValuesToList()).containsExactly("small");
            assertThat(deadLetters.history()).singleElement().satisfies(dead -> {
                assertThat(text(dead.key())).isEqualTo("k-1");
                assertThat(text(dead.value())).isEqualTo("grow");
                assertThat(header(dead, DeadLetterHeaders.REASON))
                        .startsWith("could not serialize a record for out: " + RecordTooLargeException.class.getName())
                        .contains("more than the 1048576 bytes a record may have");
                assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
            });
        }
    }

    @Test
    void shouldStopTheStageWhenTheDeadLetterIsNotAcknowledged() {
        // given a broker that does not take the dead letter
        deadLetters.sendException = new TimeoutException("no broker");
        var handler = new DeadLetterProcessingHandler();
        handler.configure(configMap());

        var response = handler.handle(
                context("intents", 3, 42L, "k".getBytes(), "v".getBytes()),
                new Record<>("k", "v", 0L),
                new IllegalArgumentException("bad"));

        // then the record is not skipped: the stage stops and processes it again after a restart
        assertThat(response).isEqualTo(ProcessingHandlerResponse.FAIL);
    }

    @Test
    void shouldDeadLetterRecordsThatDoNotSerializeOrAreTooLargeAndRetryOrFailOnBrokerErrors() {
        var handler = new DeadLetterProductionHandler();
        handler.configure(configMap());
        ErrorHandlerContext context = context("tiered", 2, 7L, "i-1".getBytes(), "input bytes".getBytes());

        // a record that does not serialize: its input is dead-lettered, the stage goes on
        var unserializable = handler.handleSerializationException(
                context,
                new ProducerRecord<>("approved", "i-1", new Object()),
                new SerializationException("not an ApprovalDecided"),
                SerializationExceptionOrigin.VALUE);
        assertThat(unserializable).isEqualTo(ProductionExceptionHandlerResponse.CONTINUE);
        assertThat(deadLetters.history()).singleElement().satisfies(dead -> {
            assertThat(text(dead.key())).isEqualTo("i-1");
            assertThat(text(dead.value())).isEqualTo("input bytes");
            assertThat(header(dead, DeadLetterHeaders.REASON))
                    .isEqualTo("could not serialize a record for approved: "
                            + "org.apache.kafka.common.errors.SerializationException: not an ApprovalDecided");
            assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("tiered");
            assertThat(header(dead, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("2");
            assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("7");
        });
        deadLetters.clear();

        // a record the producer or broker refuses as too large (at least once): dead-lettered without its value, the
        // stage goes on
        var tooLarge = handler.handle(
                context,
                new ProducerRecord<>("approved", 1, 5L, "i-1".getBytes(), new byte[2_000_000]),
                new RecordTooLargeException("The message is 2000090 bytes"));
        assertThat(tooLarge).isEqualTo(ProductionExceptionHandlerResponse.CONTINUE);
        assertThat(deadLetters.history()).singleElement().satisfies(dead -> {
            assertThat(text(dead.key())).isEqualTo("i-1");
            assertThat(dead.value()).isNull();
            assertThat(header(dead, DeadLetterHeaders.REASON))
                    .startsWith("could not produce a record to approved: "
                            + "org.apache.kafka.common.errors.RecordTooLargeException: The message is 2000090 bytes")
                    .endsWith("(value of 2000000 bytes left out)");
            assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("approved");
            assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("-1");
        });
        deadLetters.clear();

        // retriable broker errors retry the task; unknown ones stop the stage; neither is dead-lettered
        var small = new ProducerRecord<>("approved", "i-1".getBytes(), "v".getBytes());
        assertThat(handler.handle(context, small, new TimeoutException("Expiring 1 record(s)")))
                .isEqualTo(ProductionExceptionHandlerResponse.RETRY);
        assertThat(handler.handle(context, small, new NotEnoughReplicasException("1 of 3")))
                .isEqualTo(ProductionExceptionHandlerResponse.RETRY);
        assertThat(handler.handle(context, small, new UnknownServerException("?")))
                .isEqualTo(ProductionExceptionHandlerResponse.FAIL);
        assertThat(deadLetters.history()).isEmpty();

        // and a dead letter the broker does not acknowledge never lets the stage go on
        deadLetters.sendException = new TimeoutException("no broker");
        assertThat(handler.handleSerializationException(
                        context,
                        new ProducerRecord<>("approved", "i-1", new Object()),
                        new SerializationException("not an ApprovalDecided"),
                        SerializationExceptionOrigin.VALUE))
                .isEqualTo(ProductionExceptionHandlerResponse.FAIL);
    }

    @Test
    void shouldStopRatherThanDeadLetterWhenTheProducerRefusesATooLargeRecordUnderExactlyOnce() {
        // under exactly-once the producer has already doomed the transaction: the input is processed again anyway
        var handler = new DeadLetterProductionHandler();
        handler.configure(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG,
                "vienna-test",
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.EXACTLY_ONCE_V2,
                DeadLetterWriter.PRODUCER_CONFIG,
                deadLetters));

        var response = handler.handle(
                context("tiered", 0, 1L, "i-1".getBytes(), "input".getBytes()),
                new ProducerRecord<>("approved", "i-1".getBytes(), new byte[2_000_000]),
                new RecordTooLargeException("The message is 2000090 bytes"));

        assertThat(response).isEqualTo(ProductionExceptionHandlerResponse.FAIL);
        assertThat(deadLetters.history()).isEmpty();
        // while a record refused at serialization (RecordSizeLimit) is still a dead letter under exactly-once
        assertThat(handler.handleSerializationException(
                        context("tiered", 0, 1L, "i-1".getBytes(), "input".getBytes()),
                        new ProducerRecord<>("approved", "i-1", "x"),
                        new RecordTooLargeException("a record for approved would be 2000000 bytes"),
                        SerializationExceptionOrigin.VALUE))
                .isEqualTo(ProductionExceptionHandlerResponse.CONTINUE);
        assertThat(deadLetters.history())
                .singleElement()
                .satisfies(dead -> assertThat(text(dead.value())).isEqualTo("input"));
    }

    @Test
    void shouldBuildTheDeadLetterProducerFromTheStreamsSettingsWithoutATransaction() {
        Map<String, Object> config = DeadLetterWriter.producerConfig(
                Map.of(
                        StreamsConfig.APPLICATION_ID_CONFIG,
                        "vienna-approval",
                        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "broker:9092",
                        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                        StreamsConfig.EXACTLY_ONCE_V2,
                        "sasl.mechanism",
                        "SCRAM-SHA-512",
                        "producer.linger.ms",
                        "5"),
                "vienna-approval");
        assertThat(config)
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("client.id", "vienna-approval-dead-letters")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("linger.ms", 0)
                .doesNotContainKey("transactional.id");
    }

    private Map<String, Object> configMap() {
        return Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "vienna-test", DeadLetterWriter.PRODUCER_CONFIG, deadLetters);
    }

    private static ErrorHandlerContext context(String topic, int partition, long offset, byte[] key, byte[] value) {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public int partition() {
                return partition;
            }

            @Override
            public long offset() {
                return offset;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return "node";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, partition);
            }

            @Override
            public long timestamp() {
                return 1_000L;
            }

            @Override
            public byte[] sourceRawKey() {
                return key;
            }

            @Override
            public byte[] sourceRawValue() {
                return value;
            }
        };
    }
}
