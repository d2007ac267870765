package dev.vienna.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.sdk.client.ViennaClient;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.sdk.kafka.audit.AuditLogReader;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Submits one intent per tier to a running stack, each as its agent (with the API key the stack registered it with),
 * prints each intent's lifecycle as the pipeline moves it, has operators decide the ones waiting for them (with tokens
 * of the stack's local issuer, as {@code ./vienna token} prints them), and checks the outcome: T0/T1 end EXECUTED, the
 * T2 intent DENIED by one operator, the T3 intent WARRANTED after two distinct approvals (carol, on whose behalf the
 * agent acts, is refused), and the audit chain of the run verifies.
 */
final class Demo {

    /** One demo intent, the operators' votes once it waits for them, and the state it must reach. */
    record Case(String label, Map<String, Object> body, List<Vote> votes, String expectedState) {
        String agentId() {
            return (String) body.get("agentId");
        }
    }

    /** An operator's vote; {@code expectedStatus} is what approval-service must answer. */
    record Vote(String operator, String decision, String reason, int expectedStatus) {}

    static List<Case> cases() {
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
                        "EXECUTED"),
                new Case(
                        "T1 restart_service",
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
                        "EXECUTED"),
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
                        "DENIED"),
                new Case(
                        "T3 deploy_production",
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
                        "WARRANTED"));
    }

    /** Runs the demo; returns true when every intent reached its expected state and the audit chain verified. */
    static boolean run(ViennaStack stack, PrintStream out, Duration timeout) throws InterruptedException {
        Map<String, Case> byIntent = new LinkedHashMap<>();
        Map<String, ViennaClient> clients = new HashMap<>();
        for (Case c : cases()) {
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
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Boolean> voted = new HashMap<>();
        boolean votesAsExpected = true;
        while (System.nanoTime() < deadline && !allReached(byIntent, states)) {
            for (var entry : byIntent.entrySet()) {
                clients.get(entry.getValue().agentId())
                        .lifecycle(entry.getKey())
                        .ifPresent(lifecycle -> {
                            states.put(entry.getKey(), lifecycle.get("state").asText());
                            printNewEvents(out, entry.getValue().label(), lifecycle, printed, entry.getKey());
                        });
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
            String state = states.getOrDefault(entry.getKey(), "UNSEEN");
            boolean reached = state.equals(entry.getValue().expectedState());
            ok &= reached;
            out.printf(
                    "demo: %-32s %-17s %s%n",
                    entry.getValue().label(),
                    state,
                    reached ? "as expected" : "EXPECTED " + entry.getValue().expectedState());
        }
        AuditChain.Report report =
                AuditChain.verify(AuditLogReader.readAll(stack.auditorClientConfig(), Duration.ofSeconds(30)));
        out.printf(
                "demo: audit chain: %d records in %d chains, %s%n",
                report.records(), report.chains(), report.intact() ? "intact" : "BROKEN " + report.breaks());
        return ok && report.intact();
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

    private static boolean allReached(Map<String, Case> byIntent, Map<String, String> states) {
        return byIntent.entrySet().stream()
                .allMatch(e -> e.getValue().expectedState().equals(states.get(e.getKey())));
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
