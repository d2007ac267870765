package dev.vienna.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Topics;
import dev.vienna.platform.tracing.RecordTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A stage's span per record, between the context its input carries and the one its output carries. */
class StageTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";
    private static final String PARENT = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    @Test
    void shouldProcessARecordInAChildSpanOfItsHeaderAndWriteTheChildContextIntoWhatItForwards() {
        try (var stage = new Stage()) {
            // when a record arrives with a parent's trace context
            stage.pipe("int-1", DeadLetterRoutingTest.intent("int-1"), PARENT);

            // then the stage made one span, a CONSUMER child of that parent, named after the stage and its topic
            SpanData span = onlySpan();
            assertThat(span.getName()).isEqualTo("test-service process intents");
            assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
            assertThat(span.getParentSpanContext().isRemote()).isTrue();
            assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
                    .isEqualTo("intents");
            assertThat(span.getAttributes().get(RecordTracing.KEY)).isEqualTo("int-1");
            assertThat(span.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset")))
                    .isZero();

            // and the record it wrote carries the span's own context, once
            TestRecord<String, String> out = stage.out.readRecord();
            assertThat(out.value()).isEqualTo("int-1");
            assertThat(traceparents(out.headers())).containsExactly("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
        }
    }

    @Test
    void shouldStartANewTraceForARecordWithoutTraceContext() {
        try (var stage = new Stage()) {
            stage.pipe("int-1", DeadLetterRoutingTest.intent("int-1"), null);

            SpanData span = onlySpan();
            assertThat(span.getParentSpanContext().isValid()).isFalse();
            assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID);
            assertThat(traceparents(stage.out.readRecord().headers()))
                    .containsExactly("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
        }
    }

    @Test
    void shouldIgnoreAMalformedTraceparentAndStartANewTrace() {
        try (var stage = new Stage()) {
            // when records arrive with headers that are not trace contexts (bad version, short ids, all zeros, bytes)
            List<String> malformed = List.of(
                    "ff-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01",
                    "00-4bf92f35-00f067aa-01",
                    "00-00000000000000000000000000000000-0000000000000000-01",
                    new String(new byte[] {(byte) 0xc3, 0x28, 0x00}, StandardCharsets.ISO_8859_1));
            for (int i = 0; i < malformed.size(); i++) {
                stage.pipe("int-" + i, DeadLetterRoutingTest.intent("int-" + i), malformed.get(i));
            }

            // then each is processed, in a new trace of its own, and forwards that trace's context
            List<SpanData> finished = spans.getFinishedSpanItems();
            assertThat(finished).hasSize(malformed.size());
            assertThat(finished).allSatisfy(span -> {
                assertThat(span.getParentSpanContext().isValid()).isFalse();
                assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID);
            });
            List<TestRecord<String, String>> out = stage.out.readRecordsToList();
            assertThat(out).extracting(TestRecord::value).containsExactly("int-0", "int-1", "int-2", "int-3");
            for (int i = 0; i < out.size(); i++) {
                assertThat(traceparents(out.get(i).headers()))
                        .containsExactly("00-" + finished.get(i).getTraceId() + "-"
                                + finished.get(i).getSpanId() + "-01");
            }
        }
    }

    @Test
    void shouldCarryTheStageContextIntoADeadLetter() {
        try (var stage = new Stage()) {
            // when an undecodable record arrives with a trace context
            Headers headers = new RecordHeaders().add("traceparent", PARENT.getBytes(StandardCharsets.UTF_8));
            stage.input.pipeInput(new TestRecord<>("int-x", "not avro".getBytes(StandardCharsets.UTF_8), headers));

            // then its dead letter is written in the stage's span, with the reason beside the span's context
            SpanData span = onlySpan();
            assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
            TestRecord<String, byte[]> dead = stage.dead.readRecord();
            assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.REASON))
                    .contains("not a IntentAccepted");
            assertThat(traceparents(dead.headers())).containsExactly("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
        }
    }

    @Test
    void shouldLeaveRecordsAsTheyAreWhenTracingIsOff() {
        StreamsBuilder builder = new StreamsBuilder();
        DeadLetterRouting.decodeOrDeadLetter(builder, Topics.INTENTS, "test-service", RecordTracing.off())
                .mapValues(v -> v.getIntentId())
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        try (var driver = new TopologyTestDriver(builder.build(), props())) {
            var input = driver.createInputTopic(
                    Topics.INTENTS.name(),
                    Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            var out = driver.createOutputTopic(
                    "out", Serdes.String().deserializer(), Serdes.String().deserializer());
            Headers headers = new RecordHeaders().add("traceparent", PARENT.getBytes(StandardCharsets.UTF_8));
            input.pipeInput(new TestRecord<>("int-1", encoded(DeadLetterRoutingTest.intent("int-1")), headers));

            assertThat(traceparents(out.readRecord().headers())).containsExactly(PARENT);
        }
    }

    private SpanData onlySpan() {
        List<SpanData> finished = spans.getFinishedSpanItems();
        assertThat(finished).hasSize(1);
        SpanContext context = finished.get(0).getSpanContext();
        assertThat(context.isValid()).isTrue();
        return finished.get(0);
    }

    private static List<String> traceparents(Headers headers) {
        return java.util.stream.StreamSupport.stream(
                        headers.headers("traceparent").spliterator(), false)
                .map(h -> new String(h.value(), StandardCharsets.UTF_8))
                .toList();
    }

    private static byte[] encoded(dev.vienna.events.IntentAccepted intent) {
        return Topics.INTENTS.valueSerde().serializer().serialize(Topics.INTENTS.name(), intent);
    }

    private static Properties props() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tracing-test");
        return props;
    }

    /** A stage that reads intents through DeadLetterRouting (traced) and writes their ids to "out". */
    private final class Stage implements AutoCloseable {
        final TopologyTestDriver driver;
        final org.apache.kafka.streams.TestInputTopic<String, byte[]> input;
        final org.apache.kafka.streams.TestOutputTopic<String, String> out;
        final org.apache.kafka.streams.TestOutputTopic<String, byte[]> dead;

        Stage() {
            StreamsBuilder builder = new StreamsBuilder();
            DeadLetterRouting.decodeOrDeadLetter(builder, Topics.INTENTS, "test-service", RecordTracing.of(sdk))
                    .mapValues(v -> v.getIntentId())
                    .to("out", Produced.with(Serdes.String(), Serdes.String()));
            driver = new TopologyTestDriver(builder.build(), props());
            input = driver.createInputTopic(
                    Topics.INTENTS.name(),
                    Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            out = driver.createOutputTopic(
                    "out", Serdes.String().deserializer(), Serdes.String().deserializer());
            dead = driver.createOutputTopic(
                    Topics.DEAD_LETTER.name(),
                    Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer());
        }

        void pipe(String key, dev.vienna.events.IntentAccepted intent, String traceparent) {
            Headers headers = new RecordHeaders();
            if (traceparent != null) {
                headers.add("traceparent", traceparent.getBytes(StandardCharsets.ISO_8859_1));
            }
            input.pipeInput(new TestRecord<>(key, encoded(intent), headers));
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
