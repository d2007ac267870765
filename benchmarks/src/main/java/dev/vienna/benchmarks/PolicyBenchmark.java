package dev.vienna.benchmarks;

import dev.vienna.events.Intent;
import dev.vienna.events.PolicyDecision;
import dev.vienna.policy.engine.Decision;
import dev.vienna.policy.engine.PolicyLoader;
import dev.vienna.policy.engine.PolicySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * policy-service's work per intent: one full decision ({@link PolicySet#evaluate}: risk score, candidate rules, CEL
 * conditions, tier, approvals, the warrant constraints checked against the intent) over the shipped policies, for a mix
 * of intents cycled from a pre-built array: noop, restart_service, scale_kubernetes_deployment with replicas,
 * deploy_production with a justification, transfer_funds with an amount (small and large) and an action no rule knows.
 * {@code throughput} is decisions/s per thread (= per core with {@code -t 1}); {@code latency} samples single decisions
 * for percentiles. The policies are read from {@code policies} in the working directory (run from the repository root)
 * or from {@code -Dvienna.policies=DIR}. The C2 compiler needs about 8 s to settle on the CEL interpreter, hence five
 * warm-up iterations.
 */
@State(Scope.Thread)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBenchmark {

    private PolicySet policies;
    private Intent[] intents;
    private Instant now;
    private int next;

    @Setup
    public void setUp() {
        Path directory = Path.of(System.getProperty("vienna.policies", "policies"))
                .toAbsolutePath()
                .normalize();
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("PolicyBenchmark: no policy directory at " + directory
                    + "; run from the repository root or pass -Dvienna.policies=DIR");
        }
        policies = PolicyLoader.load(directory);
        now = Instant.parse("2026-11-23T10:00:00Z");
        intents = mix();
        for (Intent intent : intents) {
            Decision decision = policies.evaluate(intent, now);
            if (decision.decision() != PolicyDecision.ALLOW) {
                throw new IllegalStateException("PolicyBenchmark: the mix should only hold allowed intents, but "
                        + intent.getAction() + " gave " + decision.reasons());
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Decision throughput() {
        return decideNext();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Decision latency() {
        return decideNext();
    }

    private Decision decideNext() {
        Intent intent = intents[next];
        next = next + 1 == intents.length ? 0 : next + 1;
        return policies.evaluate(intent, now);
    }

    /** A day's traffic in miniature: mostly routine actions, some that need approval, some unknown. */
    private static Intent[] mix() {
        List<Intent> mix = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            mix.add(intent("monitor-agent", "noop", "pipeline-check", "{\"ping\":true}", null, 0, Map.of()));
            mix.add(intent(
                    "sre-agent",
                    "restart_service",
                    "api-gateway-" + i,
                    "{\"graceful\":true}",
                    null,
                    0,
                    Map.of("env", "prod")));
            mix.add(intent(
                    "infrastructure-optimizer",
                    "scale_kubernetes_deployment",
                    "api-server",
                    "{\"namespace\":\"prod\",\"replicas\":" + (5 + 5 * i) + "}",
                    null,
                    150.0 * i,
                    Map.of("team", "platform")));
            mix.add(intent(
                    "deploy-agent",
                    "deploy_production",
                    "checkout",
                    "{\"version\":\"v2.3." + i + "\"}",
                    "release 2.3." + i + " fixes the payment timeout",
                    0,
                    Map.of()));
            mix.add(intent(
                    "finance-agent",
                    "transfer_funds",
                    "account:ops",
                    "{\"amount\":" + (i % 4 == 0 ? 25000 : 120 * (i + 1)) + ",\"currency\":\"EUR\"}",
                    "supplier invoice " + i,
                    i % 4 == 0 ? 25000.0 : 120.0 * (i + 1),
                    Map.of()));
            mix.add(intent("ops-agent", "rotate_credentials", "vault/db-" + i, "{}", null, 0, Map.of()));
        }
        return mix.toArray(Intent[]::new);
    }

    private static Intent intent(
            String agent,
            String action,
            String resource,
            String params,
            String justification,
            double cost,
            Map<String, String> labels) {
        return Intent.newBuilder()
                .setAgentId(agent)
                .setAction(action)
                .setResource(resource)
                .setParamsJson(params)
                .setJustification(justification)
                .setCostImpact(cost)
                .setReversible(true)
                .setBlastRadius(10)
                .setUrgency(2)
                .setLabels(new HashMap<>(labels))
                .setOwner("alice@acme.com")
                .build();
    }
}
