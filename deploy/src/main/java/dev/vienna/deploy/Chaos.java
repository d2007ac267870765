package dev.vienna.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.sdk.kafka.audit.AuditVerification;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./vienna chaos}: a steady mixed load on a stack of several brokers and instances while every service instance
 * is killed with SIGKILL once (the supervisor restarts it) and one broker is killed and, later, started again; then the
 * account of every intent, counted from what really happened, not from Vienna's own reports where it matters.
 *
 * <p>The load: T0 {@code noop} and {@code notify_oncall} (an HTTP post to the demo target), T1 {@code restart_service}
 * (a shell script that appends to the demo target's restart log) and {@code record_change} (a PostgreSQL row, when a
 * database is configured), T2 {@code scale_kubernetes_deployment} that an operator denies, and T3
 * {@code deploy_production} that two operators approve and the example passback agent runs (appending to the deployment
 * log). Every submission carries an idempotency key and goes to the next intake instance when one does not answer, as
 * an agent behind a load balancer would retry; operators poll the pending list and vote through either approval
 * instance.
 *
 * <p>The account: <b>lost</b> is an accepted intent that never reached a final state (EXECUTED, DENIED, EXPIRED,
 * FAILED, REJECTED) nor a verdict of UNREPORTED (its warrant expired unreported: a kill cut its run short, and Vienna
 * says so); <b>duplicated</b> is an action whose side effect is there more than once (a second row, log line or webhook
 * for one intent); an EXECUTED intent whose side effect is missing counts as lost. The audit chains are verified at the
 * end. Exit status 1 on any lost or duplicated intent or a broken chain.
 */
final class Chaos {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINAL = Set.of("EXECUTED", "DENIED", "EXPIRED", "FAILED", "REJECTED");

    /** The JVM options a chaos stack runs with: warrants short-lived, so an unreported one is named within a minute. */
    static final String JVM_OPTIONS = "-Dvienna.warrant.lifetime.t0=PT1M -Dvienna.warrant.lifetime.t1=PT1M"
            + " -Dvienna.warrant.lifetime.t2=PT1M -Dvienna.warrant.lifetime.t3=PT1M"
            + " -Dvienna.audit.verification.grace=PT10S -Dvienna.audit.verification.scan-interval=PT1S";

    /**
     * How long the account waits, once the load has stopped, with no intent settling before it calls the unsettled ones
     * lost: longer than a warrant's lifetime plus the verifier's grace, after which even a run cut short is named.
     */
    private static final Duration NO_PROGRESS = Duration.ofSeconds(120);

    /** How long a probe may take to execute after a kill before its recovery is given as "more than" this. */
    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(3);

    private final ViennaStack stack;
    private final PrintStream out;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<Integer, Submitted> accepted = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final AtomicInteger submittedCount = new AtomicInteger();
    private final List<Kill> kills = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean loadRunning = true;

    /** One accepted intent: which of the load's kinds it is, its resource (its own in the run), and its id. */
    record Submitted(int index, Kind kind, String agentId, String resource, String intentId) {}

    /** One kill: what was killed, when it was ready again, and when an intent submitted after it executed. */
    record Kill(String kind, String target, Duration readyAfter, Duration recoveredAfter) {}

    /** The kinds of intent the load mixes, one in ten each (noop three times). */
    enum Kind {
        NOOP,
        WEBHOOK,
        RESTART,
        SQL,
        DENIED_SCALE,
        APPROVED_DEPLOY
    }

    private Chaos(ViennaStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    /**
     * What a chaos run found: intents per outcome ({@code executed}, {@code denied}, {@code expired}, {@code failed},
     * {@code unreported}, {@code lost}, {@code duplicated}), the intents lost and duplicated with why, the kills, and
     * whether every audit chain verified.
     */
    record Report(
            int submitted,
            int accepted,
            Map<String, Integer> counts,
            Map<Kind, Integer> acceptedByKind,
            List<String> lost,
            List<String> duplicated,
            List<String> refused,
            List<Kill> kills,
            boolean chainsIntact) {
        boolean ok() {
            return lost.isEmpty() && duplicated.isEmpty() && chainsIntact;
        }
    }

    /**
     * How the kills are spaced: {@link #ONE_BY_ONE} waits for each killed service to be ready and the pipeline to
     * execute again before the next kill (so each recovery is measured on its own); {@link #ALL_AT_ONCE} kills the
     * broker and one instance of every service in the same moment, then waits once for them all.
     */
    enum Schedule {
        ONE_BY_ONE,
        ALL_AT_ONCE
    }

    /**
     * Runs the chaos on {@code stack}: {@code intents} at least, {@code rate} a second, killing every instance of each
     * service below {@code killedInstances} (all of them in {@code ./vienna chaos}) and one broker, one by one.
     */
    static Report run(ViennaStack stack, int intents, double rate, int killedInstances, PrintStream out)
            throws Exception {
        return run(stack, intents, rate, killedInstances, Schedule.ONE_BY_ONE, out);
    }

    /** The same, with the kills spaced as {@code schedule} says. */
    static Report run(
            ViennaStack stack, int intents, double rate, int killedInstances, Schedule schedule, PrintStream out)
            throws Exception {
        return new Chaos(stack, out).run(intents, rate, killedInstances, schedule);
    }

    private Report run(int intents, double rate, int killedInstances, Schedule schedule) throws Exception {
        out.printf(
                "chaos: %d Kafka nodes, %d instances of each service; at least %d intents at %.0f a second; kills %s%n",
                stack.brokers(),
                stack.instances(),
                intents,
                rate,
                schedule == Schedule.ONE_BY_ONE ? "one by one" : "all at once");
        Path passbackLog = stack.dataDir().resolve("chaos-passback-" + run + ".log");
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        ExecutorService submitters = Executors.newFixedThreadPool(32);
        Instant started = Instant.now();
        PrintStream agentLog = new PrintStream(Files.newOutputStream(passbackLog), true);
        // the example passback agent runs the approved deploys, appending each to the deployment log
        AutoCloseable agent = stack.startPassbackAgent("deploy-agent", agentLog);
        try {
            AtomicInteger next = new AtomicInteger();
            long periodMicros = (long) (1_000_000 / rate);
            scheduler.scheduleAtFixedRate(
                    () -> {
                        if (loadRunning) {
                            int i = next.getAndIncrement();
                            submitters.submit(() -> submit(i));
                        }
                    },
                    0,
                    periodMicros,
                    TimeUnit.MICROSECONDS);
            scheduler.scheduleWithFixedDelay(this::voteOnPending, 1, 1, TimeUnit.SECONDS);

            awaitAccepted(Math.max(20, intents / 10));
            if (schedule == Schedule.ONE_BY_ONE) {
                killEverythingOnce(killedInstances);
            } else {
                killEverythingAtOnce(killedInstances);
            }
            awaitAccepted(intents);
            loadRunning = false;
            submitters.shutdown();
            submitters.awaitTermination(2, TimeUnit.MINUTES);
            out.printf(
                    "chaos: load stopped after %d s; waiting for every intent to settle%n",
                    Duration.between(started, Instant.now()).toSeconds());
            return account(scheduler);
        } finally {
            scheduler.shutdownNow();
            submitters.shutdownNow();
            agent.close();
            agentLog.close();
        }
    }

    private void awaitAccepted(int count) throws InterruptedException {
        // refusals count too: a load intake refuses altogether must end (and shows in the table)
        while (accepted.size() + refused.size() < count) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    // --- the load -----------------------------------------------------------------------------------------------

    private static Kind kindOf(int i) {
        return switch (i % 10) {
            case 0, 1, 2 -> Kind.NOOP;
            case 3, 4 -> Kind.WEBHOOK;
            case 5 -> Kind.RESTART;
            case 6, 7 -> Kind.SQL;
            case 8 -> Kind.DENIED_SCALE;
            default -> Kind.APPROVED_DEPLOY;
        };
    }

    private String resourceOf(int i) {
        return "chaos-" + run + "-" + i;
    }

    private Map<String, Object> bodyOf(int i, Kind kind) {
        Map<String, Object> body = new LinkedHashMap<>();
        switch (kind) {
            case NOOP -> {
                body.put("agentId", "demo-agent");
                body.put("action", "noop");
                body.put("resource", resourceOf(i));
                body.put("params", Map.of("i", i));
            }
            case WEBHOOK -> {
                body.put("agentId", "demo-agent");
                body.put("action", "notify_oncall");
                body.put("resource", resourceOf(i));
                body.put("params", Map.of("severity", "low", "summary", "chaos " + run + " notice " + i));
            }
            case RESTART -> {
                body.put("agentId", "demo-agent");
                body.put("action", "restart_service");
                body.put("resource", resourceOf(i));
                body.put("reversible", true);
            }
            case SQL -> {
                body.put("agentId", "demo-agent");
                body.put("action", "record_change");
                body.put("resource", resourceOf(i));
                body.put("params", Map.of("summary", "chaos " + run + " change " + i));
                body.put("reversible", true);
            }
            case DENIED_SCALE -> {
                body.put("agentId", "infrastructure-optimizer");
                body.put("action", "scale_kubernetes_deployment");
                body.put("resource", resourceOf(i));
                body.put("params", Map.of("replicas", 5));
            }
            case APPROVED_DEPLOY -> {
                body.put("agentId", "deploy-agent");
                body.put("action", "deploy_production");
                body.put("resource", resourceOf(i));
                body.put("params", Map.of("version", "v" + i));
                body.put("justification", "chaos run " + run + " release " + i);
                body.put("owner", "carol");
            }
        }
        body.put("idempotencyKey", "chaos-" + run + "-" + i);
        return body;
    }

    private void submit(int i) {
        Kind kind = kindOf(i);
        if (kind == Kind.SQL && stack.database().isEmpty()) {
            kind = Kind.NOOP;
        }
        Map<String, Object> body = bodyOf(i, kind);
        String agentId = (String) body.get("agentId");
        Optional<String> intentId = submitWithFailover(agentId, body, Duration.ofSeconds(60), i);
        submittedCount.incrementAndGet();
        Kind submitted = kind;
        intentId.ifPresent(id -> accepted.put(i, new Submitted(i, submitted, agentId, resourceOf(i), id)));
    }

    /**
     * Submits to one intake instance after another until one accepts (202) or refuses (4xx, kept in {@link #refused}):
     * what an agent behind a load balancer does. The idempotency key makes the retries one intent.
     */
    private Optional<String> submitWithFailover(String agentId, Map<String, Object> body, Duration patience, int i) {
        long deadline = System.nanoTime() + patience.toNanos();
        String last = "no answer";
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            URI intake = stack.uriOf("intake-service", (i + attempt) % stack.instances());
            try {
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(intake.resolve("/v1/intents"))
                                .header("Authorization", "Bearer " + stack.apiKey(agentId))
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 202) {
                    return Optional.of(
                            JSON.readTree(answer.body()).get("intentId").asText());
                }
                last = "HTTP " + answer.statusCode() + " " + answer.body();
                if (answer.statusCode() < 500) {
                    refused.add(i + ": " + last);
                    return Optional.empty();
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            pause(Duration.ofMillis(250));
        }
        refused.add(i + ": not accepted within " + patience + " (" + last + ")");
        return Optional.empty();
    }

    /** Operators at work: dave denies the scale-ups, alice and bob approve the deploys, through either instance. */
    private void voteOnPending() {
        int instance = (int) (System.nanoTime() / 1_000_000_000L % stack.instances());
        OperatorClient alice = operator("alice", instance);
        OperatorClient.Answer pending;
        try {
            pending = alice.pending(null);
        } catch (RuntimeException e) {
            return; // an instance is down: the next round asks the other
        }
        if (pending.status() != 200) {
            return;
        }
        for (JsonNode view : pending.body()) {
            if (!view.path("resource").asText().startsWith("chaos-" + run + "-")) {
                continue;
            }
            String intentId = view.get("intentId").asText();
            List<String> voted = new ArrayList<>();
            view.path("votes").forEach(v -> voted.add(v.path("operatorId").asText()));
            List<String> voters = view.path("action").asText().equals("deploy_production")
                    ? List.of("alice", "bob")
                    : List.of("dave");
            for (String voter : voters) {
                if (voted.contains(voter)) {
                    continue;
                }
                try {
                    operator(voter, instance)
                            .vote(
                                    intentId,
                                    voter.equals("dave") ? "DENY" : "APPROVE",
                                    "chaos " + run,
                                    view.get("actionDigest").asText());
                } catch (RuntimeException e) {
                    // the owning instance went away mid-vote: the next round votes again if it did not count
                }
            }
        }
    }

    private OperatorClient operator(String name, int instance) {
        return new OperatorClient(
                stack.uriOf("approval-service", instance),
                stack.operatorIssuer().token(name, Duration.ofMinutes(30), List.of("approver")));
    }

    // --- the kills ----------------------------------------------------------------------------------------------

    /**
     * Kills one broker and keeps it down while the first instance of every service is killed, starts it again, then
     * kills the other instances: each kill once the previous one's service is ready again.
     */
    private void killEverythingOnce(int killedInstances) throws Exception {
        int broker = stack.brokers() > 1 ? stack.brokers() - 1 : -1;
        Instant brokerKilled = null;
        if (broker >= 0) {
            brokerKilled = Instant.now();
            stack.killBroker(broker);
            out.printf("chaos: killed Kafka node %d (kill -9)%n", broker);
            Duration recovered = probe(brokerKilled);
            kills.add(new Kill("Kafka broker", "node " + broker, null, recovered));
        }
        for (int instance = 0; instance < Math.min(killedInstances, stack.instances()); instance++) {
            for (String service : stack.serviceNames()) {
                killService(service, instance);
            }
            if (instance == 0 && broker >= 0) {
                stack.restartBroker(broker);
                Duration down = Duration.between(brokerKilled, Instant.now());
                out.printf("chaos: Kafka node %d started again after %d s down%n", broker, down.toSeconds());
                kills.set(
                        0,
                        new Kill(
                                "Kafka broker",
                                "node " + broker,
                                down,
                                kills.get(0).recoveredAfter()));
            }
        }
    }

    /**
     * Kills one broker and the first instance of every service in the same moment, waits until every service is ready
     * again and the pipeline executes, starts the broker again, then does the same with the other instances.
     */
    private void killEverythingAtOnce(int killedInstances) throws Exception {
        int broker = stack.brokers() > 1 ? stack.brokers() - 1 : -1;
        for (int instance = 0; instance < Math.min(killedInstances, stack.instances()); instance++) {
            Instant killed = Instant.now();
            if (instance == 0 && broker >= 0) {
                stack.killBroker(broker);
                out.printf("chaos: killed Kafka node %d (kill -9)%n", broker);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            for (String service : stack.serviceNames()) {
                labels.put(service, kill(service, instance));
            }
            Duration recovered = probe(killed);
            Map<String, Duration> ready = new LinkedHashMap<>();
            for (var entry : labels.entrySet()) {
                ready.put(entry.getKey(), awaitRestart(entry.getValue(), killed));
            }
            if (instance == 0 && broker >= 0) {
                stack.restartBroker(broker);
                Duration down = Duration.between(killed, Instant.now());
                out.printf("chaos: Kafka node %d started again after %d s down%n", broker, down.toSeconds());
                kills.add(new Kill("Kafka broker", "node " + broker, down, recovered));
            }
            ready.forEach((service, after) -> kills.add(new Kill(service, labels.get(service), after, recovered)));
            out.printf(
                    "chaos: every service ready again after %.1f s; an intent submitted after the kills executed"
                            + " %.1f s after them%n",
                    ready.values().stream().mapToLong(Duration::toMillis).max().orElse(0) / 1000.0,
                    recovered.toMillis() / 1000.0);
        }
    }

    private void killService(String service, int instance) throws Exception {
        Instant killed = Instant.now();
        String label = kill(service, instance);
        Duration recovered = probe(killed);
        Duration ready = awaitRestart(label, killed);
        kills.add(new Kill(service, label, ready, recovered));
        out.printf(
                "chaos: %s ready again after %.1f s; an intent submitted after the kill executed %.1f s after it%n",
                label, ready.toMillis() / 1000.0, recovered.toMillis() / 1000.0);
    }

    /** Kills instance {@code instance} of {@code service} with SIGKILL; returns its label in the supervisor's log. */
    private String kill(String service, int instance) {
        long pid = stack.pidOf(service, instance);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        String label = instance == 0 ? service : service + "#" + instance;
        out.printf("chaos: killed %s (kill -9 of pid %d)%n", label, pid);
        return label;
    }

    /** The supervisor's restart of {@code label} after {@code killed}: how long until it was ready. */
    private Duration awaitRestart(String label, Instant killed) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            for (ViennaStack.Restart restart : stack.restarts()) {
                if (restart.service().equals(label) && !restart.diedAt().isBefore(killed)) {
                    return Duration.between(killed, restart.diedAt()).plus(restart.readyAfter());
                }
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException(label + " was not restarted within 3 minutes of its kill");
    }

    /**
     * Submits a noop right after a kill and returns how long after the kill it was EXECUTED; {@link #RECOVERY_LIMIT}
     * when it was not within that (the table says "more than"; a backlog the load built up can do that).
     */
    private Duration probe(Instant killed) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agentId", "e2e-agent");
        body.put("action", "noop");
        body.put("resource", "chaos-probe");
        body.put("idempotencyKey", "chaos-probe-" + run + "-" + kills.size() + "-" + killed.toEpochMilli());
        Optional<String> intentId = submitWithFailover("e2e-agent", body, RECOVERY_LIMIT, kills.size());
        if (intentId.isEmpty()) {
            out.println("chaos: no intake instance accepted an intent within " + RECOVERY_LIMIT + " of the kill");
            return RECOVERY_LIMIT;
        }
        long deadline = killed.plus(RECOVERY_LIMIT).toEpochMilli();
        while (System.currentTimeMillis() < deadline) {
            Optional<JsonNode> lifecycle = lifecycle("e2e-agent", intentId.get());
            if (lifecycle.isPresent() && lifecycle.get().path("state").asText().equals("EXECUTED")) {
                return Duration.between(killed, Instant.now());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        out.println("chaos: an intent submitted after the kill was not executed within " + RECOVERY_LIMIT);
        return RECOVERY_LIMIT;
    }

    /** The intent's lifecycle from either audit instance, as its agent sees it; empty when none answers it yet. */
    private Optional<JsonNode> lifecycle(String agentId, String intentId) {
        for (int instance = 0; instance < stack.instances(); instance++) {
            try {
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(
                                        stack.uriOf("audit-service", instance).resolve("/v1/intents/" + intentId))
                                .header("Authorization", "Bearer " + stack.apiKey(agentId))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return Optional.of(JSON.readTree(answer.body()));
                }
            } catch (IOException e) {
                // this instance is down: ask the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    // --- the account ----------------------------------------------------------------------------------------------

    private Report account(ScheduledExecutorService voting) throws Exception {
        Map<String, JsonNode> outcomes = new HashMap<>();
        List<Submitted> all = new ArrayList<>(new TreeMap<>(accepted).values());
        List<Submitted> unsettled = new ArrayList<>(all);
        // a backlog may take long to drain: wait as long as intents keep settling
        long lastProgress = System.nanoTime();
        while (!unsettled.isEmpty() && System.nanoTime() - lastProgress < NO_PROGRESS.toNanos()) {
            for (var it = unsettled.iterator(); it.hasNext(); ) {
                Submitted s = it.next();
                Optional<JsonNode> lifecycle = lifecycle(s.agentId(), s.intentId());
                lifecycle.ifPresent(l -> outcomes.put(s.intentId(), l));
                if (lifecycle.isPresent() && settled(lifecycle.get())) {
                    it.remove();
                    lastProgress = System.nanoTime();
                }
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        voting.shutdownNow();
        SideEffects effects = sideEffects();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String column : List.of("executed", "denied", "expired", "failed", "unreported", "lost", "duplicated")) {
            counts.put(column, 0);
        }
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        for (Submitted s : all) {
            JsonNode outcome = outcomes.get(s.intentId());
            String state = outcome == null ? "UNSEEN" : outcome.path("state").asText();
            String verdict = outcome == null ? "" : outcome.path("verdict").asText();
            int effectCount = effects.of(s);
            if (effectCount > 1) {
                duplicated.add(s.intentId() + " (" + s.kind() + ", " + effectCount + " side effects)");
                counts.merge("duplicated", 1, Integer::sum);
            }
            if (state.equals("EXECUTED")) {
                if (effectCount == 0 && s.kind() != Kind.NOOP) {
                    lost.add(s.intentId() + " (" + s.kind() + " EXECUTED, but its side effect is missing)");
                    counts.merge("lost", 1, Integer::sum);
                } else {
                    counts.merge("executed", 1, Integer::sum);
                }
            } else if (verdict.equals("UNREPORTED")) {
                counts.merge("unreported", 1, Integer::sum);
            } else if (state.equals("DENIED")) {
                counts.merge("denied", 1, Integer::sum);
            } else if (state.equals("EXPIRED")) {
                counts.merge("expired", 1, Integer::sum);
            } else if (FINAL.contains(state)) {
                counts.merge("failed", 1, Integer::sum);
            } else {
                lost.add(s.intentId() + " (" + s.kind() + ", last state " + state + ")");
                counts.merge("lost", 1, Integer::sum);
            }
        }
        AuditVerification chains = stack.verifyAuditLog();
        print(counts, all.size(), chains);
        lost.stream().limit(20).forEach(l -> out.println("chaos: lost " + l));
        duplicated.stream().limit(20).forEach(d -> out.println("chaos: duplicated " + d));
        refused.stream().limit(20).forEach(r -> out.println("chaos: refused " + r));
        Map<Kind, Integer> byKind = new java.util.EnumMap<>(Kind.class);
        all.forEach(s -> byKind.merge(s.kind(), 1, Integer::sum));
        Report report = new Report(
                submittedCount.get(),
                all.size(),
                counts,
                byKind,
                lost,
                duplicated,
                List.copyOf(refused),
                List.copyOf(kills),
                chains.intact());
        out.println(report.ok() ? "chaos: OK" : "chaos: FAILED");
        return report;
    }

    /** Whether the intent is done with: a final state, or a warrant that expired unreported. */
    private static boolean settled(JsonNode lifecycle) {
        String state = lifecycle.path("state").asText();
        String verdict = lifecycle.path("verdict").asText();
        if (verdict.equals("UNREPORTED") || state.equals("DENIED") || state.equals("EXPIRED")) {
            return true;
        }
        // an executed intent is settled once its execution has a verdict
        return FINAL.contains(state) && lifecycle.hasNonNull("verdict");
    }

    private void print(Map<String, Integer> counts, int accepted, AuditVerification chains) {
        out.println();
        out.printf(
                "%9s %9s %9s %9s %9s %9s %11s %9s %11s %9s%n",
                "submitted",
                "accepted",
                "executed",
                "denied",
                "expired",
                "failed",
                "unreported",
                "lost",
                "duplicated",
                "refused");
        out.printf(
                "%9d %9d %9d %9d %9d %9d %11d %9d %11d %9d%n",
                submittedCount.get(),
                accepted,
                counts.get("executed"),
                counts.get("denied"),
                counts.get("expired"),
                counts.get("failed"),
                counts.get("unreported"),
                counts.get("lost"),
                counts.get("duplicated"),
                refused.size());
        out.printf(
                "audit chains: %d records in %d chains held to %d signed checkpoints, %s%n",
                chains.records(),
                chains.chains().stream().filter(c -> c.records() > 0).count(),
                chains.checkpointRecords(),
                chains.intact() ? "all verified" : "BROKEN " + chains.problems());
        out.println();
        out.printf(
                "%-18s %6s %22s %34s%n",
                "killed (kill -9)", "kills", "back (longest)", "pipeline executing again (longest)");
        Map<String, List<Kill>> byKind = new LinkedHashMap<>();
        kills.forEach(
                k -> byKind.computeIfAbsent(k.kind(), x -> new ArrayList<>()).add(k));
        byKind.forEach((kind, list) -> out.printf(
                "%-18s %6d %20.1f s %32s%n",
                kind,
                list.size(),
                list.stream()
                                .filter(k -> k.readyAfter() != null)
                                .mapToLong(k -> k.readyAfter().toMillis())
                                .max()
                                .orElse(0)
                        / 1000.0,
                seconds(list.stream()
                        .map(Kill::recoveredAfter)
                        .max(Duration::compareTo)
                        .orElse(Duration.ZERO))));
        out.println();
    }

    /** "12.3 s", or "> 180.0 s" for a recovery that reached {@link #RECOVERY_LIMIT}. */
    private static String seconds(Duration d) {
        return (d.compareTo(RECOVERY_LIMIT) >= 0 ? "> " : "") + String.format("%.1f s", d.toMillis() / 1000.0);
    }

    /** What the actions really did: rows, log lines and webhooks per intent of this run. */
    private SideEffects sideEffects() throws Exception {
        Map<String, Integer> byResource = new HashMap<>();
        Path dir = stack.demoTargetDir();
        Path restarts = dir.resolve("restarts.log");
        if (Files.exists(restarts)) {
            for (String line : Files.readAllLines(restarts)) {
                String[] parts = line.split(" ");
                byResource.merge("restart:" + parts[parts.length - 1], 1, Integer::sum);
            }
        }
        Path deployments = dir.resolve("deployments.log");
        if (Files.exists(deployments)) {
            for (String line : Files.readAllLines(deployments)) {
                String[] parts = line.split(" ");
                if (parts.length >= 2) {
                    byResource.merge("deploy:" + parts[1], 1, Integer::sum);
                }
            }
        }
        for (DemoTarget.Received received : stack.demoTargetReceived()) {
            String path = received.path();
            byResource.merge("webhook:" + path.substring(path.lastIndexOf('/') + 1), 1, Integer::sum);
        }
        if (stack.database().isPresent()) {
            try (var c = stack.database().get().connect();
                    var s = c.prepareStatement(
                            "SELECT service, count(*) FROM vienna_change_log WHERE summary LIKE ? GROUP BY service")) {
                s.setString(1, "chaos " + run + " change %");
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        byResource.put("sql:" + r.getString(1), r.getInt(2));
                    }
                }
            }
        }
        return new SideEffects(byResource);
    }

    /** Side effects per kind and resource (each intent of the run has a resource of its own). */
    private record SideEffects(Map<String, Integer> byResource) {
        int of(Submitted s) {
            return switch (s.kind()) {
                case NOOP, DENIED_SCALE -> 0;
                case RESTART -> byResource.getOrDefault("restart:" + s.resource(), 0);
                case WEBHOOK -> byResource.getOrDefault("webhook:" + s.resource(), 0);
                case SQL -> byResource.getOrDefault("sql:" + s.resource(), 0);
                case APPROVED_DEPLOY -> byResource.getOrDefault("deploy:" + s.resource(), 0);
            };
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
