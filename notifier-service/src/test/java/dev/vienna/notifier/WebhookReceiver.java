package dev.vienna.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver on loopback (the JDK's HTTP server) that checks every request as a Standard Webhooks receiver
 * must: the signature over id, timestamp and body with its key, and a timestamp close to now. It answers each attempt
 * with the status {@code answer} gives for the attempt number of that webhook id (1 for the first), or never answers
 * when it gives 0.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    record Received(String id, long timestamp, String signature, byte[] body, boolean verified, Instant at) {
        JsonNode json() {
            try {
                return Notification.JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final byte[] key;
    private final java.util.function.Consumer<Received> listener;
    private final IntUnaryOperator answer;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    WebhookReceiver(byte[] key, IntUnaryOperator answer) throws IOException {
        this(key, answer, r -> {});
    }

    /** The same, telling {@code listener} of every request as it arrives. */
    WebhookReceiver(byte[] key, IntUnaryOperator answer, java.util.function.Consumer<Received> listener)
            throws IOException {
        this.listener = listener;
        this.key = key.clone();
        this.answer = answer;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
        boolean verified = false;
        long seconds = -1;
        try {
            seconds = Long.parseLong(timestamp);
            verified = exchange.getRequestMethod().equals("POST")
                    && id != null
                    && signature != null
                    && signature.equals(WebhookSigner.sign(key, id, seconds, body))
                    && Math.abs(Instant.now().getEpochSecond() - seconds) <= 60;
        } catch (RuntimeException e) {
            // not verified
        }
        if (!verified) {
            refused.add(id + " " + timestamp + " " + signature);
        }
        Received request = new Received(id, seconds, signature, body, verified, Instant.now());
        received.add(request);
        listener.accept(request);
        int attempt = attempts.computeIfAbsent(String.valueOf(id), i -> new AtomicInteger())
                .incrementAndGet();
        int status = answer.applyAsInt(attempt);
        if (status == 0) {
            try {
                Thread.sleep(60_000); // never answers in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** Every request, in arrival order. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** The requests answered 2xx: the deliveries, by webhook id (the last one of each). */
    Map<String, Received> delivered(IntUnaryOperator statusOfAttempt) {
        Map<String, Received> delivered = new ConcurrentHashMap<>();
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        for (Received r : received) {
            int attempt = seen.merge(r.id(), 1, Integer::sum);
            int status = statusOfAttempt.applyAsInt(attempt);
            if (status / 100 == 2) {
                delivered.put(r.id(), r);
            }
        }
        return delivered;
    }

    int attemptsOf(String id) {
        AtomicInteger count = attempts.get(id);
        return count == null ? 0 : count.get();
    }

    /** Requests whose signature or timestamp did not verify. */
    List<String> refused() {
        return List.copyOf(refused);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
