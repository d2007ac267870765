package dev.vienna.benchmarks;

import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.SignatureAlgorithm;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantTokens;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issuing and verifying one warrant as the pipeline does: {@code sign} is warrant-service's work per approved intent
 * (claims → compact JWS), {@code verify} is an executor's (every check of {@link WarrantVerifier}, including the action
 * digest). Throughput per thread = per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WarrantBenchmark {

    @Param({"ED25519", "HMAC_SHA256"})
    public SignatureAlgorithm algorithm;

    private WarrantKey key;
    private WarrantClaims claims;
    private ActionRequest action;
    private String token;
    private WarrantVerifier verifier;

    @Setup
    public void setUp() {
        key = algorithm == SignatureAlgorithm.ED25519
                ? WarrantKey.generateEd25519("bench")
                : WarrantKey.generateHmac("bench");
        action = new ActionRequest(
                "agent-7", "scale_kubernetes_deployment", "api-server", "{\"namespace\":\"prod\",\"replicas\":25}");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        claims = new WarrantClaims(
                "vienna",
                action.agentId(),
                "vienna-executor",
                "wrt-1",
                now,
                now,
                now.plus(Duration.ofHours(1)),
                "int-1",
                "acme",
                action.action(),
                action.resource(),
                WarrantClaims.Tier.T2,
                WarrantClaims.Mode.DIRECT,
                Map.of("replicas_cap", "params.replicas <= 50"),
                List.of(new WarrantClaims.Approver("alice@acme.com", now)),
                "sha256:0123456789abcdef",
                action.digest());
        token = WarrantTokens.sign(claims, key);
        verifier = new WarrantVerifier(
                List.of(algorithm == SignatureAlgorithm.ED25519 ? key.verifyOnly() : key),
                Clock.systemUTC(),
                Duration.ofSeconds(30));
    }

    @Benchmark
    public String sign() {
        return WarrantTokens.sign(claims, key);
    }

    @Benchmark
    public WarrantVerifier.Verification verify() {
        WarrantVerifier.Verification verification = verifier.verify(token, "vienna-executor", action);
        if (!verification.valid()) {
            throw new IllegalStateException(verification.detail());
        }
        return verification;
    }
}
