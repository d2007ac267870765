package dev.vienna.benchmarks;

import dev.vienna.platform.tracing.RecordTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracing adds per record a stage processes (platform-streams' StageTracing, executor-service's warrant span):
 * read the parent from the record's {@code traceparent}, start a CONSUMER span with its messaging attributes, make it
 * current, write its context into the headers, end it. {@code off}: {@link RecordTracing#off()} (no SDK);
 * {@code discarded}: the SDK as a service runs it by default, a batch span processor feeding a discarding exporter (no
 * OTLP endpoint set). Exporting over OTLP adds the exporter thread's encoding and sending, off the processing thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordTracingBenchmark {

    @Param({"off", "discarded"})
    public String tracing;

    private OpenTelemetrySdk sdk;
    private RecordTracing recordTracing;
    private Headers headers;

    @Setup
    public void setUp() {
        if (tracing.equals("off")) {
            recordTracing = RecordTracing.off();
        } else {
            sdk = OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(
                                    BatchSpanProcessor.builder(new Discarding()).build())
                            .build())
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build();
            recordTracing = RecordTracing.of((OpenTelemetry) sdk);
        }
        headers = new RecordHeaders();
        headers.add(
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
    }

    @TearDown
    public void tearDown() {
        if (sdk != null) {
            sdk.close();
        }
    }

    @Benchmark
    public Context processOneRecord() {
        Context context = recordTracing.startProcessing(
                "policy-service process intents", headers, "intents", 1, 42L, "0b8f4c1e-6a55-4a4e-9a8b-1c2d3e4f5a6b");
        io.opentelemetry.context.Scope scope = context.makeCurrent();
        try {
            recordTracing.inject(context, headers);
        } finally {
            scope.close();
            Span.fromContext(context).end();
        }
        return context;
    }

    /** Takes every batch and drops it, as platform's TraceExport does when no endpoint is set. */
    private static final class Discarding implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
