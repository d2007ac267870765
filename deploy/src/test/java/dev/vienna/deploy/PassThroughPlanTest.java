package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.deploy.PassThrough.StagePlan;
import dev.vienna.deploy.PassThroughStage.Fanout;
import dev.vienna.deploy.PassThroughStage.Output;
import dev.vienna.deploy.TopicTraffic.Load;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The bench's pass-through pipeline is planned from the records Vienna's services wrote. */
class PassThroughPlanTest {

    /** Records of a Vienna run of 1,000 T0 intents, by topic (the shape `./vienna bench` measures). */
    private static Map<String, Load> traffic() {
        Map<String, Load> traffic = new LinkedHashMap<>();
        traffic.put("intents", new Load(1000, 36_000, 157_000));
        traffic.put("tiered", new Load(1000, 36_000, 558_000));
        traffic.put("vienna-policy-decided-intents-changelog", new Load(1000, 36_000, 8_000));
        traffic.put("approved", new Load(1000, 36_000, 241_000));
        traffic.put("vienna-approval-approvals-changelog", new Load(1000, 36_000, 821_000));
        traffic.put("warrants", new Load(1000, 36_000, 1_080_000));
        traffic.put("warrant-claims", new Load(1000, 36_000, 156_000));
        traffic.put("executions", new Load(999, 36_000, 291_000));
        traffic.put("execution-verdicts", new Load(1000, 36_000, 194_000));
        traffic.put("audit", new Load(7000, 252_000, 5_593_000));
        traffic.put("vienna-audit-intent-lifecycles-changelog", new Load(7000, 252_000, 8_764_000));
        return traffic;
    }

    private static Map<String, StagePlan> byService(List<StagePlan> plans) {
        return plans.stream().collect(Collectors.toMap(StagePlan::service, Function.identity()));
    }

    @Test
    void shouldGiveEachServiceItsOwnTopicsAndChangelogsPerTriggeringRecord() {
        Map<String, StagePlan> plans = byService(PassThrough.plan(traffic(), 1000));

        assertThat(plans).containsOnlyKeys(ViennaStack.SERVICES);
        StagePlan intake = plans.get("intake-service");
        assertThat(intake.kind()).isEqualTo("http");
        assertThat(intake.triggers()).isEmpty();
        assertThat(intake.outputs()).containsExactly(new Output("pt.intents", 1.0, 157));
        assertThat(plans.get("policy-service").kind()).isEqualTo("streams");
        assertThat(plans.get("policy-service").triggers()).containsExactly("pt.intents");
        assertThat(plans.get("policy-service").outputs())
                .containsExactlyInAnyOrder(
                        new Output("pt.tiered", 1.0, 558),
                        new Output("pt.vienna-policy-decided-intents-changelog", 1.0, 8));
        assertThat(plans.get("approval-service").outputs())
                .extracting(Output::topic)
                .containsExactlyInAnyOrder("pt.approved", "pt.vienna-approval-approvals-changelog");
        // a run's edge (one execution short) is rounded away, so every intent gets its execution
        StagePlan executor = plans.get("executor-service");
        assertThat(executor.kind()).isEqualTo("consumer");
        assertThat(executor.triggers()).containsExactly("pt.warrants");
        assertThat(executor.follows()).contains("pt.warrant-claims", "pt.agents");
        assertThat(executor.outputs())
                .containsExactlyInAnyOrder(
                        new Output("pt.warrant-claims", 1.0, 156), new Output("pt.executions", 1.0, 291));
    }

    @Test
    void shouldTriggerAuditOnEveryTopicButItsOwnOutputs() {
        StagePlan audit = byService(PassThrough.plan(traffic(), 1000)).get("audit-service");

        assertThat(audit.triggers())
                .contains("pt.intents", "pt.tiered", "pt.approved", "pt.warrants", "pt.warrant-claims", "pt.executions")
                .doesNotContain("pt.audit", "pt.execution-verdicts");
        // 7,000 audit records for the 5,999 records of the six topics that trigger it: not a whole number per record
        assertThat(audit.outputs())
                .filteredOn(o -> o.topic().equals("pt.audit"))
                .singleElement()
                .satisfies(o ->
                        assertThat(o.perInput()).isCloseTo(7000.0 / 5999, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(audit.outputs())
                .extracting(Output::topic)
                .contains("pt.execution-verdicts", "pt.vienna-audit-intent-lifecycles-changelog");
    }

    @Test
    void shouldWriteFractionsOfRecordsPerInputExactlyOverManyInputs() {
        Fanout fanout = new Fanout(List.of(new Output("a", 0.25, 3), new Output("b", 1.5, 1), new Output("c", 1.0, 0)));
        List<String> written = new ArrayList<>();

        for (int i = 0; i < 8; i++) {
            fanout.forEach((topic, value) -> written.add(topic + value.length));
        }

        assertThat(written.stream().collect(Collectors.groupingBy(w -> w, Collectors.counting())))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a3", 2L, "b1", 12L, "c0", 8L));
    }

    @Test
    void shouldReadTheSpecOfAnOutputBack() {
        Output output = new Output("pt.audit", 1.1666, 799);

        assertThat(Output.parse(output.spec())).isEqualTo(output);
    }
}
