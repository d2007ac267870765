package dev.vienna.platform.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One trace per intent across the services: a stage that consumes a record starts its span as a child of the context
 * the record's headers carry (W3C {@code traceparent}, written by the stage that produced it), and the records it
 * produces carry that span's context in their headers in turn. A record without a trace context starts a new trace; a
 * malformed one is ignored, never an error. The Kafka Streams stages use it through platform-streams'
 * {@code StageTracing}, executor-service around each warrant it executes; intake's publishing channel has the SmallRye
 * Kafka connector's own (see {@code Publisher}).
 *
 * <p>Cheap when no one listens: with the SDK disabled the tracer and propagator are no-ops; with the SDK on and no
 * exporter configured (platform's {@link TraceExport}) a span still costs its ids, attributes and the header written.
 */
public final class RecordTracing {

    /** The W3C trace context header (what every Vienna record's trace travels in). */
    public static final String TRACEPARENT = "traceparent";

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.destination.partition.id");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    /** The record's key: every intent-scoped topic is keyed by intentId. */
    public static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");

    private static final String INSTRUMENTATION = "dev.vienna";

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private RecordTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** Tracing with {@code openTelemetry}'s tracer and propagators (the service's: Quarkus's SDK). */
    public static RecordTracing of(OpenTelemetry openTelemetry) {
        return new RecordTracing(openTelemetry);
    }

    /** No spans and no headers: for tests and tools that run a stage without tracing. */
    public static RecordTracing off() {
        return new RecordTracing(OpenTelemetry.noop());
    }

    /**
     * Starts the span of processing one consumed record: named {@code name}, kind CONSUMER, child of the context in
     * {@code headers} (a new trace when they carry none, or a malformed one). Returns the context holding it (and the
     * parent's baggage): the caller makes it current if it wants, writes it into what it produces ({@link #inject}) and
     * ends the span ({@code Span.fromContext(context).end()}).
     */
    public Context startProcessing(String name, Headers headers, String topic, int partition, long offset, String key) {
        Context parent = extract(headers);
        var builder = tracer.spanBuilder(name)
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(OPERATION, "process")
                .setAttribute(DESTINATION, topic);
        if (partition >= 0) {
            builder.setAttribute(PARTITION, (long) partition);
        }
        if (offset >= 0) {
            builder.setAttribute(OFFSET, offset);
        }
        if (key != null) {
            builder.setAttribute(KEY, key);
        }
        return parent.with(builder.startSpan());
    }

    /** The trace context {@code headers} carry; the root context when none, or an unreadable one. */
    public Context extract(Headers headers) {
        if (headers == null) {
            return Context.root();
        }
        try {
            return propagator.extract(Context.root(), headers, GETTER);
        } catch (RuntimeException e) {
            // a propagator that chokes on a header is a malformed header: ignored, the record starts a new trace
            return Context.root();
        }
    }

    /** Writes {@code context}'s trace context into {@code headers}, replacing any the record carried. */
    public void inject(Context context, Headers headers) {
        propagator.inject(context, headers, SETTER);
    }

    /**
     * New record headers carrying only {@code context}'s trace context (none when it holds no span), for a record a
     * processor builds rather than forwards: {@code tracing.headers(Context.current())} while a stage's span is
     * current.
     */
    public Headers headers(Context context) {
        Headers headers = new RecordHeaders();
        inject(context, headers);
        return headers;
    }

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            for (Header header : headers) {
                keys.add(header.key());
            }
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header header = headers.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    /** Replaces the header: a record forwarded by a stage must carry the stage's context, not its input's. */
    private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
        if (headers != null) {
            headers.remove(key);
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    };
}
