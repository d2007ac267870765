package dev.vienna.sdk.warrant;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JwksKeyResolverTest {

    private final AtomicReference<String> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer server;
    private URI uri;

    @BeforeEach
    void serveJwks() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void shouldPickUpARotatedKeyAndForgetARetiredOne() {
        WarrantKey k1 = WarrantKey.generateEd25519("k1");
        WarrantKey k2 = WarrantKey.generateEd25519("k2");
        published.set(new WarrantKeyRing(List.of(k1), "k1").publicJwks());
        MutableClock clock = new MutableClock();
        JwksKeyResolver resolver = new JwksKeyResolver(uri, Duration.ofSeconds(5), Duration.ofMinutes(5), clock);

        assertThat(resolver.resolve("k1"))
                .hasValueSatisfying(k -> assertThat(k.publicKey()).isEqualTo(k1.publicKey()));
        assertThat(resolver.resolve("k1")).isPresent();
        assertThat(fetches).as("cached").hasValue(1);

        // k2 is published; the first warrant naming it triggers a fetch
        published.set(new WarrantKeyRing(List.of(k1, k2), "k2").publicJwks());
        clock.now = clock.now.plusSeconds(6);
        assertThat(resolver.resolve("k2")).isPresent();
        assertThat(fetches).hasValue(2);

        // an unknown kid does not hammer the endpoint
        assertThat(resolver.resolve("forged")).isEmpty();
        assertThat(fetches).hasValue(2);

        // k1 is retired; once the cache is older than its max age, k1 stops resolving
        published.set(new WarrantKeyRing(List.of(k2), "k2").publicJwks());
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(resolver.resolve("k1")).isEmpty();
        assertThat(resolver.resolve("k2")).isPresent();
    }

    @Test
    void shouldFailClosedWhenTheJwksIsUnreachable() {
        server.stop(0);
        JwksKeyResolver resolver =
                new JwksKeyResolver(uri, Duration.ofSeconds(5), Duration.ofMinutes(5), Clock.systemUTC());
        assertThat(resolver.resolve("k1")).isEmpty();
    }
}
