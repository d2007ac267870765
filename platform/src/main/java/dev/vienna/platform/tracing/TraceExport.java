package dev.vienna.platform.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Where a service's spans go. Tracing is always on (spans are made and their context travels in record headers), but
 * they are exported over OTLP only when {@value #ENDPOINT} is set (environment {@code VIENNA_TRACES_OTLP_ENDPOINT},
 * which platform's configuration passes on as {@code quarkus.otel.exporter.otlp.traces.endpoint}): without it this
 * discarding exporter is the service's only one, and Quarkus installs no OTLP exporter at all (it does whenever no
 * {@link SpanExporter} bean is looked up), so nothing connects anywhere and nothing logs a failed export. Quarkus's own
 * switches cannot say this at run time: the OTLP exporter is chosen at build time
 * ({@code quarkus.otel.exporter.otlp.enabled}, {@code quarkus.otel.traces.exporter}), its endpoint always resolves
 * (falling back to {@code http://localhost:4317}), and {@code quarkus.otel.sdk.disabled} turns tracing off altogether.
 *
 * <p>Also hands every service the {@link RecordTracing} of its OpenTelemetry SDK, and says at start-up where its traces
 * go.
 */
@Singleton
public class TraceExport {

    /** Set: spans are exported over OTLP to it; unset (or {@code none}): nowhere. */
    public static final String ENDPOINT = "vienna.traces.otlp-endpoint";

    private static final Logger LOG = Logger.getLogger(TraceExport.class);

    void announce(@Observes StartupEvent event, @ConfigProperty(name = ENDPOINT) Optional<String> endpoint) {
        if (endpoint.isEmpty() || endpoint.get().equals("none")) {
            LOG.infof("traces are made but not exported (set VIENNA_TRACES_OTLP_ENDPOINT to export them over OTLP)");
        } else {
            LOG.infof("traces are exported over OTLP to %s", endpoint.get());
        }
    }

    @Produces
    @Singleton
    @Unremovable
    @LookupIfProperty(name = ENDPOINT, stringValue = "none", lookupIfMissing = true)
    SpanExporter discarding() {
        return new Discarding();
    }

    @Produces
    @Singleton
    RecordTracing recordTracing(OpenTelemetry openTelemetry) {
        return RecordTracing.of(openTelemetry);
    }

    /** Takes every batch and drops it. */
    static final class Discarding implements SpanExporter {
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
