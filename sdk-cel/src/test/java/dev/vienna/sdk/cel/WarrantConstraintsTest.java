package dev.vienna.sdk.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.WarrantLifetime;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarrantConstraintsTest {

    private static final ActionRequest SCALE = new ActionRequest(
            "agent-7",
            "scale_kubernetes_deployment",
            "deployment/api-server",
            "{\"replicas\":25,\"namespace\":\"prod\"}");

    @Test
    void shouldAcceptAnActionInsideEveryConstraint() {
        var constraints = Map.of(
                "replicas_cap",
                "params.replicas <= 50",
                "allowed_resources",
                "resource.matches('^deployment/api-.*$')",
                "prod_only",
                "params.namespace == 'prod' && action == 'scale_kubernetes_deployment' && agentId == 'agent-7'",
                WarrantLifetime.CONSTRAINT,
                "PT5M");
        assertThat(WarrantConstraints.violation(constraints, SCALE)).isEmpty();
    }

    @Test
    void shouldNameTheConstraintAnActionBreaks() {
        var over = new ActionRequest(
                SCALE.agentId(), SCALE.action(), SCALE.resource(), "{\"replicas\":51.0,\"namespace\":\"prod\"}");
        assertThat(WarrantConstraints.violation(Map.of("replicas_cap", "params.replicas <= 50"), over))
                .hasValueSatisfying(v -> assertThat(v).contains("replicas_cap").contains("not satisfied"));
    }

    @Test
    void shouldFailClosedWhenAConstraintCannotBeEvaluated() {
        // a missing param and a constraint that is not an expression are violations, never a pass
        assertThat(WarrantConstraints.violation(Map.of("force_cap", "params.force == false"), SCALE))
                .hasValueSatisfying(v -> assertThat(v).contains("could not be evaluated"));
        assertThat(WarrantConstraints.violation(Map.of("max_replicas", "50"), SCALE))
                .hasValueSatisfying(v -> assertThat(v).contains("max_replicas"));
        assertThat(WarrantConstraints.violation(
                        Map.of("cap", "params.replicas <= 50"), new ActionRequest("a", "b", "c", "[1,2]")))
                .hasValueSatisfying(v -> assertThat(v).contains("not a JSON object"));
    }

    @Test
    void shouldReportEveryInvalidConstraintWithItsName() {
        assertThat(WarrantConstraints.problems(Map.of(
                        "ok",
                        "params.replicas <= 50",
                        "broken",
                        "params.replicas <=",
                        "not_boolean",
                        "params.replicas + 1",
                        "unknown_variable",
                        "replicas <= 50",
                        WarrantLifetime.CONSTRAINT,
                        "soon")))
                .hasSize(4)
                .anySatisfy(p -> assertThat(p).startsWith("broken: "))
                .anySatisfy(p -> assertThat(p).startsWith("not_boolean: "))
                .anySatisfy(p -> assertThat(p).startsWith("unknown_variable: "))
                .anySatisfy(p -> assertThat(p).startsWith("warrant_lifetime: not an ISO-8601 duration"));
    }

    @Test
    void shouldReadOnlyPositiveLifetimes() {
        assertThat(WarrantLifetime.parse("PT5M")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> WarrantLifetime.parse("PT0S")).hasMessageContaining("positive");
        assertThatThrownBy(() -> WarrantLifetime.parse("-PT1M")).hasMessageContaining("positive");
    }
}
