package dev.vienna.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Pushes N T0 intents through a running stack over HTTP (bounded concurrency) and measures, per intent, the time from
 * the start of its submission to the moment its execution report is read from {@code executions}. Prints sustained
 * intents/s and latency percentiles.
 */
final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(
            int intents,
            int failed,
            double intentsPerSecond,
            double submitPerSecond,
            long p50,
            long p95,
            long p99,
            long max) {}

    static Result run(ViennaStack stack, int n, int concurrency, PrintStream out) throws Exception {
        int warmup = Math.min(500, Math.max(50, n / 10));
        out.printf("bench: warm-up with %d intents%n", warmup);
        measure(stack, warmup, concurrency);
        out.printf("bench: %d T0 intents, %d in flight over HTTP%n", n, concurrency);
        Result result = measure(stack, n, concurrency);
        out.printf(
                "bench: %d intents executed (%d not SUCCEEDED) | sustained %.0f intents/s (submission %.0f/s)%n",
                result.intents(), result.failed(), result.intentsPerSecond(), result.submitPerSecond());
        out.printf(
                "bench: latency submission -> execution reported: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
                result.p50(), result.p95(), result.p99(), result.max());
        return result;
    }

    private static Result measure(ViennaStack stack, int n, int concurrency) throws Exception {
        Map<String, Long> submittedAt = new ConcurrentHashMap<>();
        Map<String, Long> executedAt = new ConcurrentHashMap<>();
        AtomicInteger notSucceeded = new AtomicInteger();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = startReader(stack.adminClientConfig(), executedAt, notSucceeded, reading);
        try {
            HttpClient http = HttpClient.newBuilder().build();
            URI uri = stack.uriOf("intake-service").resolve("/v1/intents");
            String authorization = "Bearer " + stack.apiKey("bench-agent");
            byte[] body = JSON.writeValueAsBytes(
                    Map.of("agentId", "bench-agent", "action", "noop", "resource", "bench", "params", Map.of("n", 1)));
            Semaphore inFlight = new Semaphore(concurrency);
            long start = System.nanoTime();
            CompletableFuture<?>[] all = new CompletableFuture<?>[n];
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                long sent = System.nanoTime();
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .header("Authorization", authorization)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                all[i] = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                        .whenComplete((response, error) -> {
                            inFlight.release();
                            if (error == null && response.statusCode() == 202) {
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
            long[] latencies = submittedAt.entrySet().stream()
                    .filter(e -> executedAt.containsKey(e.getKey()))
                    .mapToLong(e -> (executedAt.get(e.getKey()) - e.getValue()) / 1_000_000)
                    .sorted()
                    .toArray();
            if (latencies.length != n) {
                throw new IllegalStateException(
                        (n - latencies.length) + " of " + n + " intents were not executed in time");
            }
            long lastExecuted = submittedAt.keySet().stream()
                    .mapToLong(executedAt::get)
                    .max()
                    .orElseThrow();
            return new Result(
                    n,
                    notSucceeded.get(),
                    n / ((lastExecuted - start) / 1e9),
                    n / ((submitted - start) / 1e9),
                    percentile(latencies, 50),
                    percentile(latencies, 95),
                    percentile(latencies, 99),
                    latencies[latencies.length - 1]);
        } finally {
            reading.set(false);
            reader.join();
        }
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** Reads executions from the current end of the topic, stamping each with its arrival time. */
    private static Thread startReader(
            Map<String, Object> kafka, Map<String, Long> executedAt, AtomicInteger notSucceeded, AtomicBoolean reading)
            throws InterruptedException {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, ExecutionReported> consumer = new KafkaConsumer<>(
                props,
                Topics.EXECUTIONS.keySerde().deserializer(),
                Topics.EXECUTIONS.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.EXECUTIONS.name()).stream()
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
                                executedAt.putIfAbsent(record.key(), now);
                                if (record.value().getStatus() != ExecutionStatus.SUCCEEDED) {
                                    notSucceeded.incrementAndGet();
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
