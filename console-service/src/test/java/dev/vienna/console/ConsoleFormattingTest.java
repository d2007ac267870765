package dev.vienna.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the pages read the services' JSON, show times, and put ids into URLs. */
class ConsoleFormattingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldKeepWhateverAnOperatorTypesInsideOnePathSegment() {
        assertThat(Services.segment("../../v1/approvals/pending")).isEqualTo("..%2F..%2Fv1%2Fapprovals%2Fpending");
        assertThat(Services.segment("a b?c#d")).isEqualTo("a%20b%3Fc%23d");
        assertThat(Services.segment("8df92bd5-56f7-4e39-a4be-b1940dfa772a"))
                .isEqualTo("8df92bd5-56f7-4e39-a4be-b1940dfa772a");
    }

    @Test
    void shouldReadJsonFieldsAsTextNumbersListsOrNothing() throws Exception {
        JsonNode view = JSON.readTree(
                "{\"tier\":\"T3\",\"riskScore\":42,\"weight\":0.5,\"open\":true,\"votes\":[{\"operatorId\":\"alice\"}],"
                        + "\"reasons\":[\"a\",\"b\"],\"decision\":null}");
        assertThat(JsonTemplates.field(view, "tier")).isEqualTo("T3");
        assertThat(JsonTemplates.field(view, "riskScore")).isEqualTo(42L);
        assertThat(JsonTemplates.field(view, "weight")).isEqualTo(0.5);
        assertThat(JsonTemplates.field(view, "open")).isEqualTo(true);
        assertThat(JsonTemplates.field(view, "reasons")).isEqualTo(List.of("a", "b"));
        assertThat((List<?>) JsonTemplates.field(view, "votes")).hasSize(1);
        assertThat(JsonTemplates.field((JsonNode) ((List<?>) JsonTemplates.field(view, "votes")).get(0), "operatorId"))
                .isEqualTo("alice");
        assertThat(JsonTemplates.field(view, "decision")).isNull();
        assertThat(JsonTemplates.field(view, "missing")).isNull();
    }

    @Test
    void shouldShowInstantsInUtcAndLeaveAnythingElseAsItIs() {
        assertThat(Formats.time("2026-12-07T16:36:21.711Z")).isEqualTo("2026-12-07 16:36:21 UTC");
        assertThat(Formats.time("not a time")).isEqualTo("not a time");
        assertThat(Formats.time(null)).isEmpty();
    }

    @Test
    void shouldIndentJsonAndLeaveTextAlone() throws Exception {
        assertThat(Formats.json(JSON.readTree("{\"version\":\"v2\"}"))).isEqualTo("{\n  \"version\" : \"v2\"\n}");
        assertThat(Formats.json("plain")).isEqualTo("plain");
        assertThat(Formats.json(null)).isEmpty();
    }

    @Test
    void shouldSayAServicesRefusalInOneLine() {
        var refused = new Services.Answer(403, null, "Separation of duties", "operator carol may not vote");
        assertThat(refused.ok()).isFalse();
        assertThat(refused.problem()).isEqualTo("403 Separation of duties: operator carol may not vote");
        assertThat(new Services.Answer(0, null, "No answer", "approval-service did not answer").problem())
                .isEqualTo("No answer: approval-service did not answer");
        assertThat(new Services.Answer(202, null, null, null).ok()).isTrue();
    }

    @Test
    void shouldShowWhatAnOperatorsRolesAllow() {
        var viewer = new Operator("vera", List.of("viewer"), List.of());
        assertThat(viewer.approver()).isFalse();
        assertThat(viewer.viewer()).isTrue();
        assertThat(viewer.tenantScope()).isEqualTo("all tenants");
        var tina = new Operator("tina", List.of("approver"), List.of("acme"));
        assertThat(tina.approver()).isTrue();
        assertThat(tina.viewer()).isTrue();
        assertThat(tina.auditor()).isFalse();
        assertThat(tina.tenantScope()).isEqualTo("acme");
    }
}
