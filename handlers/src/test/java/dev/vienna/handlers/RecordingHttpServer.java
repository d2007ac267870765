package dev.vienna.handlers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's HttpServer on 127.0.0.1 and an ephemeral port, recording every request it receives and answering with
 * whatever the test sets as its {@link Responder}.
 */
final class RecordingHttpServer implements AutoCloseable {

    /** A request as the server saw it. */
    record Received(String method, String rawPath, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** How the server answers. */
    interface Responder {
        void respond(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Responder responder = exchange -> send(exchange, 200, "application/json", "{\"ok\":true}");

    RecordingHttpServer() {
        // The JDK server writes the status line and the body separately: without this, Nagle's algorithm and the
        // client's delayed ACK add ~40 ms to every response.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "test-http-server");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Received(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(),
                        Map.copyOf(exchange.getRequestHeaders()),
                        body));
                responder.respond(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    int port() {
        return server.getAddress().getPort();
    }

    void respondWith(Responder responder) {
        this.responder = responder;
    }

    List<Received> received() {
        return received;
    }

    void reset() {
        received.clear();
        responder = exchange -> send(exchange, 200, "application/json", "{\"ok\":true}");
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
