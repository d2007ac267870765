package dev.vienna.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.sdk.client.ViennaClient;
import dev.vienna.sdk.kafka.audit.AuditVerification;
import dev.vienna.sdk.secret.SecretFiles;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Submits intents of every tier to a running stack, each as its agent (with the API key the stack registered it with),
 * prints each intent's lifecycle as the pipeline moves it, has operators decide the ones waiting for them (with tokens
 * of the stack's local issuer, as {@code ./vienna token} prints them), runs the example passback agent for
 * {@code deploy-agent} (over HTTP) and {@code release-agent} (from its Kafka feed), and checks the outcome: the T0/T1
 * intents EXECUTED by Vienna's built-in handlers (noop, the HTTP webhook, the shell restart, and the SQL change log
 * when a database is configured), the T2 intent DENIED by one operator, the T3 intents EXECUTED by the passback agents
 * after two distinct approvals (carol, on whose behalf deploy-agent acts, is refused); every execution VERIFIED by
 * audit-service; the side effects really there (the demo target's restart log, webhook and deployment log, the
 * change-log row); and the audit chain of the run verifies.
 */
final class Demo {

    /** One demo intent, the operators' votes once it waits for them, and the state it must reach. */
    record Case(
            String label, Map<String, Object> body, List<Vote> votes, String expectedState, String expectedVerdict) {
        String agentId() {
            return (String) body.get("agentId");
        }
    }

    /** An operator's vote; {@code expectedStatus} is what approval-service must answer. */
    record Vote(String operator, String decision, String reason, int expectedStatus) {}

    static List<Case> cases(boolean database) {
        List<Case> cases = new ArrayList<>(baseCases());
        if (database) {
            cases.add(
                    2,
                    new Case(
                            "T1 record_change (SQL)",
                            Map.of(
                                    "agentId",
                                    "demo-agent",
                                    "action",
                                    "record_change",
                                    "resource",
                                    "api-gateway",
                                    "params",
                                    Map.of("summary", "raised the connection pool to 40"),
                                    "reversible",
                                    true),
                            List.of(),
                            "EXECUTED",
                            "VERIFIED"));
        }
        return cases;
    }

    private static List<Case> baseCases() {
        return List.of(
                new Case(
                        "T0 noop",
                        Map.of(
                                "agentId",
                                "demo-agent",
                                "action",
                                "noop",
                                "resource",
                                "pipeline-check",
                                "params",
                                Map.of("ping", true)),
                        List.of(),
                        "EXECUTED",
                        "VERIFIED"),
                new Case(
                        "T0 notify_oncall (HTTP)",
                        Map.of(
                                "agentId",
                                "demo-agent",
                                "action",
                                "notify_oncall",
                                "resource",
                                "api-gateway",
                                "params",
                                Map.of("severity", "low", "summary", "p99 latency back under 200 ms")),
                        List.of(),
                        "EXECUTED",
                        "VERIFIED"),
                new Case(
                        "T1 restart_service (shell)",
                        Map.of(
                                "agentId",
                                "demo-agent",
                                "action",
                                "restart_service",
                                "resource",
                                "api-gateway",
                                "params",
                                Map.of("graceful", true),
                                "reversible",
                                true),
                        List.of(),
                        "EXECUTED",
                        "VERIFIED"),
                new Case(
                        "T2 scale_kubernetes_deployment",
                        Map.of(
                                "agentId",
                                "infrastructure-optimizer",
                                "action",
                                "scale_kubernetes_deployment",
                                "resource",
                                "api-server",
                                "params",
                                Map.of("replicas", 25),
                                "costImpact",
                                1200),
                        List.of(new Vote("dave", "DENY", "no capacity budget left this month", 202)),
                        "DENIED",
                        null),
                new Case(
                        "T3 deploy_production (passback)",
                        Map.of(
                                "agentId",
                                "deploy-agent",
                                "action",
                                "deploy_production",
                                "resource",
                                "checkout",
                                "params",
                                Map.of("version", "v2.3.1"),
                                "justification",
                                "release 2.3.1 fixes the payment timeout",
                                "owner",
                                "carol"),
                        List.of(
                                new Vote("carol", "APPROVE", "my agent, my release", 403),
                                new Vote("alice", "APPROVE", "release notes reviewed", 202),
                                new Vote("bob", "APPROVE", "rollback plan tested", 202)),
                        "EXECUTED",
                        "VERIFIED"),
                new Case(
                        "T3 deploy_production (Kafka)",
                        Map.of(
                                "agentId",
                                "release-agent",
                                "action",
                                "deploy_production",
                                "resource",
                                "payments",
                                "params",
                                Map.of("version", "v1.8.0"),
                                "justification",
                                "release 1.8.0 rotates the card vault key",
                                "owner",
                                "rita"),
                        List.of(
                                new Vote("alice", "APPROVE", "change window booked", 202),
                                new Vote("bob", "APPROVE", "canary green", 202)),
                        "EXECUTED",
                        "VERIFIED"));
    }

    /** Runs the demo; returns true when every intent reached its expected state and the audit chain verified. */
    static boolean run(ViennaStack stack, PrintStream out, Duration timeout) throws Exception {
        return run(stack, out, timeout, Duration.ZERO);
    }

    /**
     * The same, but when {@code operatorsWait} is more than zero the T3 deploy of deploy-agent is left to operators in
     * the console ({@code ./vienna demo --console}): the demo prints where to decide it and waits that much longer.
     */
    static boolean run(ViennaStack stack, PrintStream out, Duration timeout, Duration operatorsWait) throws Exception {
        List<AutoCloseable> agents = new ArrayList<>();
        try {
            agents.add(stack.startPassbackAgent("deploy-agent", out));
            agents.add(stack.startPassbackAgent("release-agent", out));
            return runCases(stack, out, timeout, operatorsWait);
        } finally {
            for (AutoCloseable agent : agents) {
                agent.close();
            }
        }
    }

    /** The case the console's operators decide in {@code ./vienna demo --console}. */
    static final String CONSOLE_CASE = "T3 deploy_production (passback)";

    private static boolean runCases(ViennaStack stack, PrintStream out, Duration timeout, Duration operatorsWait)
            throws Exception {
        boolean console = !operatorsWait.isZero();
        Map<String, Case> byIntent = new LinkedHashMap<>();
        Map<String, ViennaClient> clients = new HashMap<>();
        boolean database = stack.database().isPresent();
        if (!database) {
            out.println("demo: no database configured: the SQL action (record_change) is skipped; set "
                    + LocalDatabase.URL_VARIABLE + "=jdbc:postgresql://127.0.0.1:5432/test to include it");
        }
        Effects before = Effects.of(stack);
        for (Case c : cases(database)) {
            // each agent submits with its own API key; the body's agentId must be the key's
            ViennaClient client = clients.computeIfAbsent(c.agentId(), stack::client);
            String intentId = client.submit(c.body());
            byIntent.put(intentId, c);
            out.printf("demo: submitted %-32s -> intent %s%n", c.label(), intentId);
        }
        var viewer = new OperatorClient(
                stack.uriOf("approval-service"),
                stack.operatorIssuer().token("demo-viewer", timeout.plusMinutes(1), List.of("viewer")));
        Map<String, Integer> printed = new HashMap<>();
        Map<String, String> states = new HashMap<>();
        Map<String, String> verdicts = new HashMap<>();
        Map<String, String> warrants = new HashMap<>();
        long deadline = System.nanoTime() + timeout.plus(operatorsWait).toNanos();
        Map<String, Boolean> voted = new HashMap<>();
        boolean votesAsExpected = true;
        while (System.nanoTime() < deadline && !allReached(byIntent, states, verdicts)) {
            for (var entry : byIntent.entrySet()) {
                clients.get(entry.getValue().agentId())
                        .lifecycle(entry.getKey())
                        .ifPresent(lifecycle -> {
                            states.put(entry.getKey(), lifecycle.get("state").asText());
                            if (lifecycle.hasNonNull("verdict")) {
                                verdicts.put(
                                        entry.getKey(), lifecycle.get("verdict").asText());
                            }
                            if (lifecycle.hasNonNull("warrantId")) {
                                warrants.put(
                                        entry.getKey(),
                                        lifecycle.get("warrantId").asText());
                            }
                            printNewEvents(out, entry.getValue().label(), lifecycle, printed, entry.getKey());
                        });
                if ("PENDING_APPROVAL".equals(states.get(entry.getKey()))
                        && !voted.containsKey(entry.getKey())
                        && console
                        && entry.getValue().label().equals(CONSOLE_CASE)) {
                    out.printf(
                            "%ndemo: %s waits for you. Open %s/approvals/%s, sign in as alice, approve with a reason,"
                                    + " sign out, then the same as bob (carol, deploy-agent's owner, would be refused)."
                                    + " Waiting up to %d minutes.%n%n",
                            CONSOLE_CASE, stack.consoleUri(), entry.getKey(), operatorsWait.toMinutes());
                    voted.put(entry.getKey(), true);
                }
                if ("PENDING_APPROVAL".equals(states.get(entry.getKey())) && !voted.containsKey(entry.getKey())) {
                    Boolean cast = castVotes(stack, viewer, entry.getKey(), entry.getValue(), out);
                    if (cast != null) {
                        voted.put(entry.getKey(), cast);
                        votesAsExpected &= cast;
                    }
                }
            }
            Thread.sleep(200);
        }
        boolean ok = votesAsExpected;
        out.println();
        for (var entry : byIntent.entrySet()) {
            Case c = entry.getValue();
            String state = states.getOrDefault(entry.getKey(), "UNSEEN");
            String verdict = verdicts.get(entry.getKey());
            boolean reached = state.equals(c.expectedState()) && Objects.equals(verdict, c.expectedVerdict());
            ok &= reached;
            out.printf(
                    "demo: %-32s %-9s verdict %-10s %s%n",
                    c.label(),
                    state,
                    verdict == null ? "-" : verdict,
                    reached ? "as expected" : "EXPECTED " + c.expectedState() + " / " + c.expectedVerdict());
        }
        ok &= sideEffects(stack, before, byIntent, warrants, out);
        AuditVerification audit = stack.verifyAuditLog();
        out.printf(
                "demo: audit chain: %d records in %d chains, held to %d signed checkpoints, %s%n",
                audit.records(),
                audit.chains().stream().filter(c -> c.records() > 0).count(),
                audit.checkpointRecords(),
                audit.intact() ? "intact" : "BROKEN " + audit.problems());
        boolean bundled = exportAndVerifyBundle(stack, byIntent, out);
        return ok && audit.intact() && bundled;
    }

    /**
     * Exports the evidence bundle of the T3 passback intent as an auditor would ({@code ./vienna audit export}) into
     * {@code <data>/evidence/}, then checks it offline ({@code ./vienna audit verify-bundle}) against the keys audit-
     * and warrant-service publish, fetched apart from the bundle.
     */
    private static boolean exportAndVerifyBundle(ViennaStack stack, Map<String, Case> byIntent, PrintStream out)
            throws Exception {
        String intentId = byIntent.entrySet().stream()
                .filter(e -> e.getValue().label().startsWith("T3")
                        && e.getValue().label().contains("passback"))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        Path file = SecretFiles.directory(
                        stack.options().dataDir().toAbsolutePath().resolve("evidence"))
                .resolve(intentId + ".json");
        String data = stack.options().dataDir().toString();
        try (PrintStream bundle = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
            int exported = ViennaCli.run(
                    List.of(
                            "audit",
                            "export",
                            intentId,
                            "--audit",
                            stack.uriOf("audit-service").toString(),
                            "--data",
                            data),
                    bundle);
            if (exported != 0) {
                out.println("demo: the evidence bundle of intent " + intentId + " could not be exported");
                return false;
            }
        }
        out.println("demo: exported the evidence bundle of T3 deploy_production (passback) to " + file
                + "; checking it offline:");
        int verified = ViennaCli.run(
                List.of(
                        "audit",
                        "verify-bundle",
                        file.toString(),
                        "--keys",
                        stack.uriOf("audit-service").resolve("/v1/audit/keys").toString(),
                        "--warrant-keys",
                        stack.jwksUri().toString()),
                out);
        return verified == 0;
    }

    /**
     * The case's operators vote on what approval-service shows them; null while it does not hold the intent yet (try
     * again), else whether every vote was answered as expected.
     */
    private static Boolean castVotes(
            ViennaStack stack, OperatorClient viewer, String intentId, Case c, PrintStream out) {
        if (c.votes().isEmpty()) {
            return true;
        }
        var pending = viewer.approval(intentId);
        if (pending.status() != 200) {
            return null;
        }
        String digest = pending.body().get("actionDigest").asText();
        boolean ok = true;
        for (Vote vote : c.votes()) {
            var operator = new OperatorClient(
                    stack.uriOf("approval-service"),
                    stack.operatorIssuer().token(vote.operator(), Duration.ofMinutes(5), List.of("approver")));
            var answer = operator.vote(intentId, vote.decision(), vote.reason(), digest);
            String detail = answer.status() == 202
                    ? "accepted"
                    : answer.body().path("title").asText() + ": "
                            + answer.body().path("detail").asText();
            out.printf(
                    "demo: %-5s votes %-7s on %-32s -> %d %s%n",
                    vote.operator(), vote.decision(), c.label(), answer.status(), detail);
            ok &= answer.status() == vote.expectedStatus();
        }
        return ok;
    }

    private static boolean allReached(
            Map<String, Case> byIntent, Map<String, String> states, Map<String, String> verdicts) {
        return byIntent.entrySet().stream()
                .allMatch(e -> e.getValue().expectedState().equals(states.get(e.getKey()))
                        && Objects.equals(e.getValue().expectedVerdict(), verdicts.get(e.getKey())));
    }

    /**
     * Whether what the handlers and the passback agent did is really there, counted at the targets themselves: the
     * shell target's restart log, the webhook the HTTP handler posted, the passback agent's deployment log, and the
     * change-log row of the SQL action's warrant.
     */
    private static boolean sideEffects(
            ViennaStack stack,
            Effects before,
            Map<String, Case> byIntent,
            Map<String, String> warrants,
            PrintStream out)
            throws Exception {
        Effects after = Effects.of(stack);
        long restarts = after.restarts() - before.restarts();
        long deployments = after.deployments() - before.deployments();
        long hooks = after.hooks() - before.hooks();
        long releases = after.releases() - before.releases();
        boolean ok = restarts == 1 && deployments == 1 && releases == 1 && hooks == 1;
        out.printf(
                "demo: side effects: %d restart (shell), %d webhook (HTTP), %d deployment (passback agent over HTTP),"
                        + " %d deployment (passback agent over Kafka)",
                restarts, hooks, deployments, releases);
        if (stack.database().isPresent()) {
            String warrantId = byIntent.entrySet().stream()
                    .filter(e -> e.getValue().body().get("action").equals("record_change"))
                    .map(e -> warrants.get(e.getKey()))
                    .findFirst()
                    .orElse(null);
            int rows = warrantId == null ? 0 : stack.database().get().changeLogRows(warrantId);
            out.printf(", %d change-log row (SQL)", rows);
            ok &= rows == 1;
        }
        out.println(ok ? "" : ": NOT as expected (one each)");
        return ok;
    }

    /** What the demo target has recorded so far: restarts, deployments and webhooks of the demo's resources. */
    private record Effects(long restarts, long deployments, long releases, long hooks) {
        static Effects of(ViennaStack stack) throws java.io.IOException {
            Path dir = stack.demoTargetDir();
            return new Effects(
                    lines(dir.resolve("restarts.log"), "restarted api-gateway"),
                    lines(dir.resolve("deployments.log"), "checkout v2.3.1"),
                    lines(dir.resolve("deployments.log"), "payments v1.8.0"),
                    stack.demoTargetReceived().stream()
                            .filter(r -> r.path().equals("/hooks/oncall/api-gateway"))
                            .count());
        }
    }

    private static long lines(Path file, String containing) throws java.io.IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file)) {
            return lines.filter(l -> l.contains(containing)).count();
        }
    }

    private static void printNewEvents(
            PrintStream out, String label, JsonNode lifecycle, Map<String, Integer> printed, String intentId) {
        List<JsonNode> events = new ArrayList<>();
        lifecycle.get("events").forEach(events::add);
        int already = printed.getOrDefault(intentId, 0);
        for (int i = already; i < events.size(); i++) {
            JsonNode e = events.get(i);
            out.printf(
                    "  %-32s %-17s %-18s %s%n",
                    label,
                    e.get("state").asText(),
                    e.get("type").asText(),
                    e.get("summary").asText());
        }
        printed.put(intentId, events.size());
    }

    private Demo() {}
}
