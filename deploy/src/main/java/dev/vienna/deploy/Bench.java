package dev.vienna.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vienna.deploy.TopicTraffic.Load;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./vienna bench}: pushes N T0 intents through a running stack over HTTP (bounded concurrency) and measures, per
 * intent, the time from the start of its submission to the moment its execution report is read from {@code executions};
 * then stops the services and drives the same load through the {@link PassThrough} pipeline on the same broker. For
 * each it prints sustained intents/s, latency percentiles (HdrHistogram), CPU time per intent and resident memory per
 * process (from {@code /proc}), and the records written per intent (read back from every topic); then Vienna's
 * throughput as a share of the pass-through's. {@code --json FILE} writes every figure and the settings.
 */
final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What a run drives: where intents are submitted and with what credential, and where executions appear. */
    record Target(String name, URI submit, String authorization, String executionsTopic, Predicate<byte[]> succeeded) {}

    /** Latency from submission to execution reported, in milliseconds. */
    record Latency(double p50, double p90, double p95, double p99, double p999, double max) {
        static Latency of(Histogram micros) {
            return new Latency(
                    millis(micros.getValueAtPercentile(50)),
                    millis(micros.getValueAtPercentile(90)),
                    millis(micros.getValueAtPercentile(95)),
                    millis(micros.getValueAtPercentile(99)),
                    millis(micros.getValueAtPercentile(99.9)),
                    millis(micros.getMaxValue()));
        }

        private static double millis(long micros) {
            return micros / 1000.0;
        }
    }

    /** One measured phase: intents, how many did not succeed, sustained and submission rates, latency. */
    record Figures(int intents, int notSucceeded, double intentsPerSecond, double submitPerSecond, Latency latency) {}

    /** One process over a measured phase: CPU time per intent, resident memory at its end, time to ready. */
    record ProcessFigures(
            String process, long pid, Double cpuMsPerIntent, Double rssMb, Double peakRssMb, Double readySeconds) {}

    /** Everything measured of one pipeline. */
    record PipelineFigures(
            Figures figures,
            double settledSecondsAfterLastExecution,
            List<ProcessFigures> processes,
            double cpuMsPerIntent,
            double recordsPerIntent,
            Map<String, Double> recordsPerIntentByTopic) {}

    static PipelineFigures run(
            ViennaStack stack,
            int n,
            int concurrency,
            boolean passThrough,
            Optional<Path> json,
            Map<String, Object> settings,
            PrintStream out)
            throws Exception {
        // long enough for the broker's JIT (C2, in the launcher's JVM) to settle: Vienna, measured first, would
        // otherwise pay for compiling the broker's hot paths that the pass-through, measured after it, finds compiled
        int warmup = Math.min(2000, Math.max(50, n / 5));
        var reports = Topics.EXECUTIONS.valueSerde().deserializer();
        Target vienna = new Target(
                "vienna",
                stack.uriOf("intake-service").resolve("/v1/intents"),
                "Bearer " + stack.apiKey("bench-agent"),
                Topics.EXECUTIONS.name(),
                bytes -> reports.deserialize(Topics.EXECUTIONS.name(), bytes).getStatus() == ExecutionStatus.SUCCEEDED);
        Map<String, Long> servicePids = new LinkedHashMap<>();
        Map<String, Double> readySeconds = new LinkedHashMap<>();
        for (ServiceProcess service : stack.processes()) {
            String name = service.instance() == 0 ? service.name() : service.name() + "#" + service.instance();
            servicePids.put(name, service.pid());
            service.readyAfter().ifPresent(d -> readySeconds.put(name, d.toMillis() / 1000.0));
        }
        out.printf("bench: Vienna: warm-up with %d intents%n", warmup);
        measure(stack, vienna, warmup, concurrency);
        out.printf("bench: Vienna: %d T0 intents, %d in flight over HTTP%n", n, concurrency);
        Measured viennaRun = measured(
                stack, vienna, n, concurrency, servicePids, readySeconds, t -> !t.startsWith(PassThrough.PREFIX));
        PipelineFigures viennaFigures = viennaRun.figures();
        print("Vienna", viennaFigures, out);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("measuredAt", Instant.now().toString());
        report.put("settings", settings);
        report.put("vienna", viennaFigures);
        if (passThrough) {
            List<PassThrough.StagePlan> plans = PassThrough.plan(viennaRun.traffic(), n);
            int port = stack.uriOf("intake-service").getPort();
            stack.stopServices();
            out.println("bench: Vienna's services stopped; starting the pass-through pipeline on the same broker");
            try (PassThrough pipeline = PassThrough.start(stack, plans, port, out)) {
                Target target = new Target(
                        "pass-through",
                        URI.create("http://127.0.0.1:" + port + "/v1/intents"),
                        "none",
                        PassThrough.PREFIX + Topics.EXECUTIONS.name(),
                        bytes -> true);
                out.printf("bench: pass-through: warm-up with %d intents%n", warmup);
                measure(stack, target, warmup, concurrency);
                out.printf("bench: pass-through: %d intents, %d in flight over HTTP%n", n, concurrency);
                PipelineFigures passFigures = measured(
                                stack,
                                target,
                                n,
                                concurrency,
                                pipeline.pids(),
                                Map.of(),
                                t -> t.startsWith(PassThrough.PREFIX))
                        .figures();
                print("pass-through", passFigures, out);
                double ratio = viennaFigures.figures().intentsPerSecond()
                        / passFigures.figures().intentsPerSecond();
                out.printf(
                        "bench: Vienna's sustained throughput is %.2f of the pass-through's (%.0f against %.0f intents/s)%n",
                        ratio,
                        viennaFigures.figures().intentsPerSecond(),
                        passFigures.figures().intentsPerSecond());
                report.put("passThrough", passFigures);
                report.put("passThroughPlan", plans);
                report.put("throughputRatio", ratio);
            }
        }
        if (json.isPresent()) {
            Files.writeString(json.get(), JSON.writeValueAsString(report));
            out.println("bench: every figure in " + json.get().toAbsolutePath());
        }
        return viennaFigures;
    }

    /** A measured phase's figures, and the records it wrote per topic (the pass-through's plan is made of them). */
    private record Measured(PipelineFigures figures, Map<String, Load> traffic) {}

    private static Measured measured(
            ViennaStack stack,
            Target target,
            int n,
            int concurrency,
            Map<String, Long> pids,
            Map<String, Double> readySeconds,
            Predicate<String> topics)
            throws Exception {
        Map<String, Long> processes = new LinkedHashMap<>(pids);
        processes.put("launcher (broker, load)", ProcessHandle.current().pid());
        Map<String, Long> cpuBefore = cpu(processes);
        Map<TopicPartition, Long> before;
        try (Admin admin = Admin.create(stack.adminClientConfig())) {
            before = TopicTraffic.endOffsets(admin, t -> !t.startsWith("__") && topics.test(t));
        }
        Figures figures = measure(stack, target, n, concurrency);
        long executed = System.nanoTime();
        // stages behind the executions (audit) are still at work: count their records and CPU once every topic is quiet
        Map<TopicPartition, Long> after;
        try (Admin admin = Admin.create(stack.adminClientConfig())) {
            after = TopicTraffic.endOffsets(admin, t -> !t.startsWith("__") && topics.test(t));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            for (Map<TopicPartition, Long> previous = Map.of();
                    !after.equals(previous) && System.nanoTime() < deadline; ) {
                Thread.sleep(1000);
                previous = after;
                after = TopicTraffic.endOffsets(admin, t -> !t.startsWith("__") && topics.test(t));
            }
        }
        // the last second was quiet: what came before it is the pipeline's
        double settledSeconds = Math.max(0, (System.nanoTime() - executed) / 1e9 - 1);
        Map<String, Long> cpuAfter = cpu(processes);
        List<ProcessFigures> perProcess = new ArrayList<>();
        double cpuTotal = 0;
        for (var process : processes.entrySet()) {
            long pid = process.getValue();
            Double cpuPerIntent = cpuBefore.containsKey(process.getKey()) && cpuAfter.containsKey(process.getKey())
                    ? (cpuAfter.get(process.getKey()) - cpuBefore.get(process.getKey())) / (double) n
                    : null;
            cpuTotal += cpuPerIntent == null ? 0 : cpuPerIntent;
            perProcess.add(new ProcessFigures(
                    process.getKey(),
                    pid,
                    cpuPerIntent,
                    megabytes(ProcessStats.rssBytes(pid)),
                    megabytes(ProcessStats.peakRssBytes(pid)),
                    readySeconds.get(process.getKey())));
        }
        Map<String, Load> traffic = TopicTraffic.between(stack.adminClientConfig(), before, after);
        Map<String, Double> perTopic = new LinkedHashMap<>();
        traffic.forEach((topic, load) -> perTopic.put(topic, load.records() / (double) n));
        double records = traffic.values().stream().mapToLong(Load::records).sum() / (double) n;
        return new Measured(
                new PipelineFigures(figures, settledSeconds, perProcess, cpuTotal, records, perTopic), traffic);
    }

    private static Double megabytes(java.util.OptionalLong bytes) {
        return bytes.isPresent() ? bytes.getAsLong() / (1024.0 * 1024.0) : null;
    }

    private static Map<String, Long> cpu(Map<String, Long> processes) {
        Map<String, Long> cpu = new LinkedHashMap<>();
        processes.forEach((name, pid) -> ProcessStats.cpuMillis(pid).ifPresent(ms -> cpu.put(name, ms)));
        return cpu;
    }

    private static void print(String pipeline, PipelineFigures run, PrintStream out) {
        Figures f = run.figures();
        Latency l = f.latency();
        out.printf(
                "bench: %s: %d intents executed (%d not SUCCEEDED) | sustained %.0f intents/s (submission %.0f/s)%n",
                pipeline, f.intents(), f.notSucceeded(), f.intentsPerSecond(), f.submitPerSecond());
        out.printf(
                "bench: %s: latency submission -> execution reported: p50 %.1f ms, p90 %.1f ms, p95 %.1f ms, p99 %.1f ms,"
                        + " p99.9 %.1f ms, max %.1f ms%n",
                pipeline, l.p50(), l.p90(), l.p95(), l.p99(), l.p999(), l.max());
        for (ProcessFigures p : run.processes()) {
            out.printf(
                    "bench: %s: %-24s CPU %s ms/intent, RSS %s MB (peak %s MB)%s%n",
                    pipeline,
                    p.process(),
                    p.cpuMsPerIntent() == null ? "?" : String.format("%.2f", p.cpuMsPerIntent()),
                    p.rssMb() == null ? "?" : String.format("%.0f", p.rssMb()),
                    p.peakRssMb() == null ? "?" : String.format("%.0f", p.peakRssMb()),
                    p.readySeconds() == null ? "" : String.format(", ready %.1f s after start", p.readySeconds()));
        }
        out.printf(
                "bench: %s: every topic quiet %.1f s after the last execution; CPU %.2f ms per intent in all; %.1f"
                        + " records written per intent: %s%n",
                pipeline,
                run.settledSecondsAfterLastExecution(),
                run.cpuMsPerIntent(),
                run.recordsPerIntent(),
                run.recordsPerIntentByTopic().entrySet().stream()
                        .map(e -> String.format("%s %.2f", e.getKey(), e.getValue()))
                        .toList());
    }

    private static Figures measure(ViennaStack stack, Target target, int n, int concurrency) throws Exception {
        Map<String, Long> submittedAt = new ConcurrentHashMap<>();
        Map<String, Long> executedAt = new ConcurrentHashMap<>();
        AtomicInteger notSucceeded = new AtomicInteger();
        AtomicBoolean reading = new AtomicBoolean(true);
        // an intent is in flight from its submission until its execution is read: a closed loop of C agents
        Semaphore inFlight = new Semaphore(concurrency);
        Thread reader =
                startReader(stack.adminClientConfig(), target, executedAt, notSucceeded, inFlight::release, reading);
        try {
            HttpClient http = HttpClient.newBuilder().build();
            byte[] body = JSON.writeValueAsBytes(
                    Map.of("agentId", "bench-agent", "action", "noop", "resource", "bench", "params", Map.of("n", 1)));
            long start = System.nanoTime();
            CompletableFuture<?>[] all = new CompletableFuture<?>[n];
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                long sent = System.nanoTime();
                HttpRequest request = HttpRequest.newBuilder(target.submit())
                        .header("Content-Type", "application/json")
                        .header("Authorization", target.authorization())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                all[i] = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                        .whenComplete((response, error) -> {
                            if (error != null || response.statusCode() != 202) {
                                inFlight.release(); // refused: it will never be executed
                            } else {
                                try {
                                    submittedAt.put(
                                            JSON.readTree(response.body())
                                                    .get("intentId")
                                                    .asText(),
                                            sent);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            }
                        });
            }
            CompletableFuture.allOf(all).join();
            long submitted = System.nanoTime();
            if (submittedAt.size() != n) {
                throw new IllegalStateException((n - submittedAt.size()) + " submissions were not accepted");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60 + n / 100).toNanos();
            while (!executedAt.keySet().containsAll(submittedAt.keySet()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Histogram micros = new Histogram(Duration.ofHours(1).toNanos() / 1000, 3);
            submittedAt.forEach((id, sent) -> {
                Long executed = executedAt.get(id);
                if (executed != null) {
                    micros.recordValue(Math.max(0, (executed - sent) / 1000));
                }
            });
            if (micros.getTotalCount() != n) {
                throw new IllegalStateException(
                        (n - micros.getTotalCount()) + " of " + n + " intents were not executed in time");
            }
            long lastExecuted = submittedAt.keySet().stream()
                    .mapToLong(executedAt::get)
                    .max()
                    .orElseThrow();
            return new Figures(
                    n,
                    notSucceeded.get(),
                    n / ((lastExecuted - start) / 1e9),
                    n / ((submitted - start) / 1e9),
                    Latency.of(micros));
        } finally {
            reading.set(false);
            reader.join();
        }
    }

    /** Reads the target's executions from the current end of the topic, stamping each with its arrival time. */
    private static Thread startReader(
            Map<String, Object> kafka,
            Target target,
            Map<String, Long> executedAt,
            AtomicInteger notSucceeded,
            Runnable executed,
            AtomicBoolean reading) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(target.executionsTopic()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        Thread reader = new Thread(
                () -> {
                    try (consumer) {
                        while (reading.get()) {
                            for (var record : consumer.poll(Duration.ofMillis(20))) {
                                long now = System.nanoTime();
                                if (executedAt.putIfAbsent(record.key(), now) == null) {
                                    executed.run();
                                    if (!target.succeeded().test(record.value())) {
                                        notSucceeded.incrementAndGet();
                                    }
                                }
                            }
                        }
                    }
                },
                "bench-executions-reader");
        reader.start();
        return reader;
    }

    private Bench() {}
}
