package dev.vienna.sdk.warrant;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Verification keys from a published JWKS ({@code /.well-known/jwks.json} on warrant-service). Fetched on first use;
 * fetched again when a warrant names an unknown {@code kid} (a rotation; at most once per {@code minRefresh}) and when
 * the cached set is older than {@code maxAge} (so a retired key stops verifying). When the JWKS cannot be fetched,
 * unknown keys stay unknown: fail closed.
 */
public final class JwksKeyResolver implements WarrantVerifier.KeyResolver {

    private final URI jwks;
    private final Duration minRefresh;
    private final Duration maxAge;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private WarrantKeyRing keys = new WarrantKeyRing(List.of(), null);
    private Instant fetchedAt = Instant.MIN;
    private Instant attemptedAt = Instant.MIN;

    public JwksKeyResolver(URI jwks, Duration minRefresh, Duration maxAge, Clock clock) {
        this.jwks = jwks;
        this.minRefresh = minRefresh;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public synchronized Optional<WarrantKey> resolve(String keyId) {
        Instant now = clock.instant();
        boolean stale = fetchedAt.plus(maxAge).isBefore(now);
        boolean unknown = keys.resolve(keyId).isEmpty();
        if ((stale || unknown) && !attemptedAt.plus(minRefresh).isAfter(now)) {
            fetch(now);
        }
        return keys.resolve(keyId);
    }

    private void fetch(Instant now) {
        attemptedAt = now;
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(jwks).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                keys = WarrantKeyRing.fromJwks(response.body());
                fetchedAt = now;
            }
        } catch (IOException | ParseException e) {
            // keep the keys we have; an unknown kid stays unknown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
