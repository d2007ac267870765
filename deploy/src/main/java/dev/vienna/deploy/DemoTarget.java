package dev.vienna.deploy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP side of the local stack's demo target: a webhook receiver on loopback that the shipped {@code notify_oncall}
 * action posts to ({@code POST /hooks/oncall/<service>}), answering 200 with what it received, which it keeps so the
 * demo and the tests can count what Vienna's HTTP handler really sent.
 */
final class DemoTarget implements AutoCloseable {

    /** One request the target received. */
    record Received(String method, String path, String body) {}

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();

    private DemoTarget(HttpServer server) {
        this.server = server;
    }

    static DemoTarget start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        DemoTarget target = new DemoTarget(server);
        server.createContext("/hooks/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (target.received) {
                target.received.add(new Received(
                        exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), body));
            }
            byte[] answer = ("{\"received\":true,\"bytes\":" + body.length() + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return target;
    }

    /** The base URL actions are allowed to call. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
