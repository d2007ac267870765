package dev.vienna.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.Approval;
import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.VoteDecision;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.testing.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApprovalTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");
    private static final Duration TICK = Duration.ofSeconds(5);
    private static final Duration RETENTION = Duration.ofDays(7);

    private TopologyTestDriver driver;
    private TestInputTopic<String, IntentTiered> tiered;
    private TestInputTopic<String, ApprovalVoteCast> votes;
    private TestOutputTopic<String, ApprovalDecided> approved;
    private TestOutputTopic<String, byte[]> deadLetters;
    /** How far the driver's wall clock is past T0. */
    private Duration elapsed = Duration.ZERO;

    private void start(boolean denyOnFirstDeny) {
        start(denyOnFirstDeny, TICK);
    }

    private void start(boolean denyOnFirstDeny, Duration tick) {
        var rules =
                new ApprovalRules(tier -> tier == Tier.T3 ? Duration.ofHours(4) : Duration.ofHours(1), denyOnFirstDeny);
        driver = new TopologyTestDriver(
                ApprovalTopology.buildTopology(
                        new ApprovalTopology.Settings(rules, tick, RETENTION), RecordTracing.off()),
                props("approval-test"),
                T0);
        tiered = driver.createInputTopic(
                Topics.TIERED.name(),
                Serdes.String().serializer(),
                Topics.TIERED.valueSerde().serializer());
        votes = driver.createInputTopic(
                Topics.APPROVAL_VOTES.name(),
                Serdes.String().serializer(),
                Topics.APPROVAL_VOTES.valueSerde().serializer());
        approved = driver.createOutputTopic(
                Topics.APPROVED.name(),
                Serdes.String().deserializer(),
                Topics.APPROVED.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(
                Topics.DEAD_LETTER.name(),
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    private static Properties props(String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        return props;
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    /** A policy decision made at T0 on agent-7's intent (justified "load test"). */
    private static IntentTiered held(String intentId, Tier tier) {
        IntentTiered t = TestEvents.tiered(
                intentId, tier == Tier.T3 ? "deploy_production" : "scale_kubernetes_deployment", tier);
        t.setOccurredAt(T0);
        return t;
    }

    private ApprovalVoteCast cast(IntentTiered on, String operator, VoteDecision decision, String reason) {
        ApprovalVoteCast vote = TestEvents.vote(on.getIntentId(), on.getIntent(), operator, decision, reason);
        vote.setOccurredAt(wallClock());
        votes.pipeInput(on.getIntentId(), vote);
        return vote;
    }

    private Instant wallClock() {
        return T0.plus(elapsed);
    }

    private void advance(Duration d) {
        elapsed = elapsed.plus(d);
        driver.advanceWallClockTime(d);
    }

    private ApprovalState state(String intentId) {
        KeyValueStore<String, ApprovalState> store = driver.getKeyValueStore(ApprovalTopology.APPROVALS_STORE);
        return store.get(intentId);
    }

    /** The reasons of the dead letters written so far (each a refused vote). */
    private List<String> refusals() {
        return deadLetters.readRecordsToList().stream()
                .map(r -> DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON))
                .toList();
    }

    @Test
    void shouldApproveLowTiersAtOnceAndHoldHighTiersForOperators() {
        start(true);
        tiered.pipeInput("t0", TestEvents.tiered("t0", "noop", Tier.T0));
        tiered.pipeInput("t1", TestEvents.tiered("t1", "restart_service", Tier.T1));
        tiered.pipeInput("t2", held("t2", Tier.T2));
        tiered.pipeInput("t3", held("t3", Tier.T3));

        var decided = approved.readKeyValuesToMap();
        assertThat(decided).containsOnlyKeys("t0", "t1");
        assertThat(decided.values()).allSatisfy(d -> {
            assertThat(d.getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);
            assertThat(d.getAutomatic()).isTrue();
            assertThat(d.getApprovals()).isEmpty();
        });
        assertThat(state("t2").decided()).isFalse();
        assertThat(state("t2").deadline()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(state("t3").deadline()).isEqualTo(T0.plus(Duration.ofHours(4)));
        assertThat(state("t0").decision()).as("kept like any decision").isEqualTo(decided.get("t0"));
    }

    @Test
    void shouldHoldALowTierIntentWhenThePolicyAsksForAnApproval() {
        start(true);
        IntentTiered t1 = held("t1", Tier.T1);
        t1.setRequiredApprovals(1);
        tiered.pipeInput("t1", t1);
        assertThat(approved.isEmpty()).isTrue();
        cast(t1, "alice", VoteDecision.APPROVE, null);
        assertThat(approved.readValue().getApprovals())
                .extracting(Approval::getOperatorId)
                .containsExactly("alice");
    }

    @Test
    void shouldDenyWhatThePolicyDenied() {
        start(true);
        IntentTiered denied = held("d", Tier.T3);
        denied.setDecision(PolicyDecision.DENY);
        tiered.pipeInput("d", denied);
        ApprovalDecided decision = approved.readValue();
        assertThat(decision.getOutcome()).isEqualTo(ApprovalOutcome.DENIED);
        assertThat(decision.getAutomatic()).isTrue();
        assertThat(decision.getOccurredAt()).as("the policy decision's time").isEqualTo(T0);
        assertThat(state("d").decision()).isEqualTo(decision);
    }

    @Test
    void shouldKeepAHeldIntentHeldWhenItIsTieredAgainWithNoApprovalsRequired() {
        // given a T3 intent held for two approvals, with one counted
        start(true);
        IntentTiered t3 = held("retier", Tier.T3);
        tiered.pipeInput("retier", t3);
        cast(t3, "alice", VoteDecision.APPROVE, "change reviewed");

        // when a policy decision for the same intent arrives again, now asking for no approval
        IntentTiered lenient = held("retier", Tier.T0);
        lenient.setRequiredApprovals(0);
        tiered.pipeInput("retier", lenient);

        // then nothing is approved: the intent is still held as it was, for T3 and two approvals
        assertThat(approved.isEmpty()).isTrue();
        ApprovalState state = state("retier");
        assertThat(state.decided()).isFalse();
        assertThat(state.tiered().getEventId()).isEqualTo(t3.getEventId());
        assertThat(state.tiered().getRequiredApprovals()).isEqualTo(2);
        assertThat(state.deadline()).isEqualTo(T0.plus(Duration.ofHours(4)));
        assertThat(state.votes()).extracting(ApprovalVoteCast::getOperatorId).containsExactly("alice");

        // and the operators still decide it
        cast(t3, "bob", VoteDecision.APPROVE, "rollback plan ok");
        assertThat(approved.readValue().getApprovals())
                .extracting(Approval::getOperatorId)
                .containsExactly("alice", "bob");
    }

    @Test
    void shouldChangeNothingWhenAnAutomaticallyApprovedIntentIsDeniedByALaterPolicyDecision() {
        // given a T0 intent approved automatically
        start(true);
        IntentTiered allowed = held("auto", Tier.T0);
        allowed.setRequiredApprovals(0);
        tiered.pipeInput("auto", allowed);
        ApprovalDecided approval = approved.readValue();
        assertThat(approval.getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);

        // when the policy decides it again, now DENY, and then asks for operators
        IntentTiered denied = held("auto", Tier.T3);
        denied.setDecision(PolicyDecision.DENY);
        tiered.pipeInput("auto", denied);
        tiered.pipeInput("auto", held("auto", Tier.T3));

        // then the first decision stands: nothing more is published and the store keeps the approval
        assertThat(approved.isEmpty()).isTrue();
        assertThat(state("auto").decision()).isEqualTo(approval);
        assertThat(state("auto").tiered().getEventId()).isEqualTo(allowed.getEventId());

        // and a vote on it is refused as one on a decided intent
        cast(allowed, "alice", VoteDecision.DENY, "too late");
        assertThat(refusals())
                .singleElement()
                .satisfies(reason -> assertThat(reason).startsWith("vote refused (ALREADY_DECIDED)"));
    }

    @Test
    void shouldDecideAReprocessedAutomaticIntentIdenticallyWhateverTheWallClock() {
        // given a T0 intent approved automatically (its policy decision made at T0)
        start(true);
        IntentTiered t0 = held("same", Tier.T0);
        t0.setRequiredApprovals(0);
        tiered.pipeInput("same", t0);
        ApprovalDecided first = approved.readValue();
        assertThat(first.getOccurredAt()).isEqualTo(T0);

        // when it is processed again hours later: after its decision was forgotten (the retention passed) ...
        advance(RETENTION.plusHours(3));
        assertThat(state("same")).isNull();
        tiered.pipeInput("same", t0);
        ApprovalDecided again = approved.readValue();

        // ... or by another instance whose store never saw it (an aborted transaction, a restored task)
        ApprovalDecided elsewhere;
        try (TopologyTestDriver other = new TopologyTestDriver(
                ApprovalTopology.buildTopology(
                        new ApprovalTopology.Settings(
                                new ApprovalRules(tier -> Duration.ofHours(1), true), TICK, RETENTION),
                        RecordTracing.off()),
                props("approval-test-other-instance"),
                T0.plus(Duration.ofDays(30)))) {
            other.createInputTopic(
                            Topics.TIERED.name(),
                            Serdes.String().serializer(),
                            Topics.TIERED.valueSerde().serializer())
                    .pipeInput("same", t0);
            elsewhere = other.createOutputTopic(
                            Topics.APPROVED.name(),
                            Serdes.String().deserializer(),
                            Topics.APPROVED.valueSerde().deserializer())
                    .readValue();
        }

        // then each time the decision is the identical event: same id, same time, same bytes
        assertThat(again).isEqualTo(first);
        assertThat(elsewhere).isEqualTo(first);
        assertThat(again.getEventId()).isEqualTo(first.getEventId());
        assertThat(again.getOccurredAt()).isEqualTo(T0);
        var encode = Topics.APPROVED.valueSerde().serializer();
        assertThat(encode.serialize("approved", elsewhere)).isEqualTo(encode.serialize("approved", first));
    }

    @Test
    void shouldApproveAT3IntentOnceTwoDistinctApproversAgreed() {
        start(true);
        IntentTiered t3 = held("q", Tier.T3);
        tiered.pipeInput("q", t3);

        advance(Duration.ofMinutes(3));
        ApprovalVoteCast first = cast(t3, "alice", VoteDecision.APPROVE, "change reviewed");
        assertThat(approved.isEmpty())
                .as("one of two approvals decides nothing")
                .isTrue();
        assertThat(state("q").approvals())
                .extracting(ApprovalVoteCast::getOperatorId)
                .containsExactly("alice");

        advance(Duration.ofMinutes(4));
        ApprovalVoteCast second = cast(t3, "bob", VoteDecision.APPROVE, "rollback plan ok");

        var record = approved.readRecord();
        ApprovalDecided decision = record.value();
        assertThat(record.key()).isEqualTo("q");
        assertThat(decision.getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);
        assertThat(decision.getAutomatic()).isFalse();
        assertThat(decision.getApprovals())
                .containsExactly(
                        new Approval("alice", "change reviewed", first.getOccurredAt()),
                        new Approval("bob", "rollback plan ok", second.getOccurredAt()));
        assertThat(decision.getDenials()).isEmpty();
        assertThat(decision.getOccurredAt()).isEqualTo(second.getOccurredAt());
        assertThat(decision.getReason()).contains("alice, bob");
        assertThat(approved.isEmpty()).as("approved exactly once").isTrue();
        assertThat(state("q").decision()).isEqualTo(decision);
        assertThat(refusals()).isEmpty();
    }

    @Test
    void shouldCountASecondVoteOfTheSameOperatorOnlyOnce() {
        start(true);
        IntentTiered t3 = held("dup", Tier.T3);
        tiered.pipeInput("dup", t3);

        cast(t3, "alice", VoteDecision.APPROVE, "looks fine");
        cast(t3, "alice", VoteDecision.APPROVE, "really fine");
        cast(t3, " ALICE ", VoteDecision.APPROVE, "same person, other spelling");

        assertThat(approved.isEmpty()).isTrue();
        assertThat(state("dup").votes()).hasSize(1);
        assertThat(refusals())
                .hasSize(2)
                .allSatisfy(reason -> assertThat(reason).startsWith("vote refused (ALREADY_VOTED)"));

        cast(t3, "bob", VoteDecision.APPROVE, "ok");
        assertThat(approved.readValue().getApprovals())
                .extracting(Approval::getOperatorId)
                .containsExactly("alice", "bob");
    }

    @Test
    void shouldNotLetTheAgentOrThePrincipalItActsForVote() {
        start(true);
        IntentTiered t2 = held("self", Tier.T2);
        t2.getIntent().setOwner("carol");
        tiered.pipeInput("self", t2);

        cast(t2, "carol", VoteDecision.APPROVE, "my own agent, trust me");
        cast(t2, "agent-7", VoteDecision.APPROVE, "I approve myself");
        cast(t2, "Carol", VoteDecision.DENY, "changed my mind");

        assertThat(approved.isEmpty()).isTrue();
        assertThat(state("self").votes()).isEmpty();
        assertThat(refusals())
                .hasSize(3)
                .allSatisfy(reason -> assertThat(reason).startsWith("vote refused (SELF_APPROVAL)"));

        cast(t2, "dave", VoteDecision.APPROVE, null);
        assertThat(approved.readValue().getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);
    }

    @Test
    void shouldRequireTheJustificationAndAReasonOnEveryT3Vote() {
        start(true);
        IntentTiered t3 = held("just", Tier.T3);
        tiered.pipeInput("just", t3);
        cast(t3, "alice", VoteDecision.APPROVE, null);
        cast(t3, "bob", VoteDecision.APPROVE, "  ");
        assertThat(refusals())
                .hasSize(2)
                .allSatisfy(reason -> assertThat(reason).startsWith("vote refused (REASON_REQUIRED)"));

        IntentTiered unjustified = held("nojust", Tier.T3);
        unjustified.getIntent().setJustification(null);
        tiered.pipeInput("nojust", unjustified);
        cast(unjustified, "alice", VoteDecision.APPROVE, "fine by me");
        assertThat(refusals())
                .singleElement()
                .satisfies(reason -> assertThat(reason).startsWith("vote refused (JUSTIFICATION_MISSING)"));
        assertThat(state("nojust").votes()).isEmpty();

        // a T2 approval needs neither, unless the policy asks for the justification
        IntentTiered t2 = held("t2", Tier.T2);
        t2.getIntent().setJustification(null);
        t2.setJustificationRequired(true);
        tiered.pipeInput("t2", t2);
        cast(t2, "alice", VoteDecision.APPROVE, "ok");
        assertThat(refusals())
                .singleElement()
                .satisfies(reason -> assertThat(reason).startsWith("vote refused (JUSTIFICATION_MISSING)"));

        // but the unjustified intent can still be denied
        cast(unjustified, "bob", VoteDecision.DENY, "no justification given");
        assertThat(approved.readValue().getOutcome()).isEqualTo(ApprovalOutcome.DENIED);
    }

    @Test
    void shouldDenyOnTheFirstDenyOfAnAuthorizedApprover() {
        start(true);
        IntentTiered t3 = held("deny", Tier.T3);
        tiered.pipeInput("deny", t3);
        cast(t3, "alice", VoteDecision.APPROVE, "fine");
        ApprovalVoteCast no = cast(t3, "bob", VoteDecision.DENY, "not during the sale");

        ApprovalDecided decision = approved.readValue();
        assertThat(decision.getOutcome()).isEqualTo(ApprovalOutcome.DENIED);
        assertThat(decision.getDenials())
                .containsExactly(new Approval("bob", "not during the sale", no.getOccurredAt()));
        assertThat(decision.getApprovals()).extracting(Approval::getOperatorId).containsExactly("alice");
        assertThat(decision.getReason()).isEqualTo("denied by bob: not during the sale");
    }

    @Test
    void shouldRefuseADenyWithoutAReason() {
        start(true);
        IntentTiered t2 = held("why", Tier.T2);
        tiered.pipeInput("why", t2);
        cast(t2, "bob", VoteDecision.DENY, null);
        assertThat(approved.isEmpty()).isTrue();
        assertThat(refusals())
                .singleElement()
                .satisfies(reason -> assertThat(reason).startsWith("vote refused (REASON_REQUIRED)"));
    }

    @Test
    void shouldNeedAsManyDenialsAsApprovalsWhenDenyOnFirstDenyIsOff() {
        start(false);
        IntentTiered t3 = held("soft", Tier.T3);
        tiered.pipeInput("soft", t3);
        cast(t3, "bob", VoteDecision.DENY, "not convinced");
        assertThat(approved.isEmpty()).isTrue();
        cast(t3, "erin", VoteDecision.DENY, "no");
        assertThat(approved.readValue().getDenials())
                .extracting(Approval::getOperatorId)
                .containsExactly("bob", "erin");
    }

    @Test
    void shouldExpireAnUndecidedIntentAtItsDeadlineByTheWallClock() {
        start(true);
        IntentTiered t2 = held("exp2", Tier.T2);
        IntentTiered t3 = held("exp3", Tier.T3);
        IntentTiered quick = held("quick", Tier.T3);
        quick.setApprovalTtl("PT10M");
        tiered.pipeInput("exp2", t2);
        tiered.pipeInput("exp3", t3);
        tiered.pipeInput("quick", quick);
        cast(t3, "alice", VoteDecision.APPROVE, "ok");

        advance(Duration.ofMinutes(9));
        assertThat(approved.isEmpty()).isTrue();

        advance(Duration.ofMinutes(1));
        ApprovalDecided quickExpired = approved.readValue();
        assertThat(quickExpired.getIntentId()).isEqualTo("quick");
        assertThat(quickExpired.getOutcome()).isEqualTo(ApprovalOutcome.EXPIRED);
        assertThat(quickExpired.getOccurredAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));

        advance(Duration.ofMinutes(50));
        ApprovalDecided t2Expired = approved.readValue();
        assertThat(t2Expired.getIntentId()).isEqualTo("exp2");
        assertThat(t2Expired.getOutcome()).isEqualTo(ApprovalOutcome.EXPIRED);
        assertThat(approved.isEmpty()).as("the T3 intent has 4 hours").isTrue();

        advance(Duration.ofHours(3));
        ApprovalDecided t3Expired = approved.readValue();
        assertThat(t3Expired.getIntentId()).isEqualTo("exp3");
        assertThat(t3Expired.getOutcome()).isEqualTo(ApprovalOutcome.EXPIRED);
        assertThat(t3Expired.getApprovals()).extracting(Approval::getOperatorId).containsExactly("alice");
        assertThat(t3Expired.getReason()).contains("1 of 2");
        assertThat(state("exp3").decision().getOutcome()).isEqualTo(ApprovalOutcome.EXPIRED);
    }

    @Test
    void shouldRefuseVotesAfterTheDecision() {
        start(true);
        IntentTiered t2 = held("late", Tier.T2);
        tiered.pipeInput("late", t2);
        cast(t2, "alice", VoteDecision.APPROVE, null);
        assertThat(approved.readValue().getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);

        cast(t2, "bob", VoteDecision.DENY, "too late?");
        assertThat(approved.isEmpty()).as("decided once").isTrue();
        assertThat(refusals())
                .singleElement()
                .satisfies(reason -> assertThat(reason).startsWith("vote refused (ALREADY_DECIDED)"));
    }

    @Test
    void shouldExpireAndRefuseAVoteArrivingAfterTheDeadlineBeforeThePunctuatorRan() {
        // a punctuator that runs only once a day: the vote is processed first
        start(true, Duration.ofDays(1));
        IntentTiered t2 = held("overdue", Tier.T2);
        tiered.pipeInput("overdue", t2);
        advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(approved.isEmpty()).isTrue();

        cast(t2, "alice", VoteDecision.APPROVE, null);

        ApprovalDecided decision = approved.readValue();
        assertThat(decision.getOutcome()).isEqualTo(ApprovalOutcome.EXPIRED);
        assertThat(decision.getApprovals()).isEmpty();
        assertThat(decision.getOccurredAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(approved.isEmpty()).isTrue();
        assertThat(refusals())
                .singleElement()
                .satisfies(reason -> assertThat(reason)
                        .startsWith("vote refused (ALREADY_DECIDED)")
                        .contains("EXPIRED"));
    }

    @Test
    void shouldRefuseAVoteCastOnAnotherAction() {
        start(true);
        IntentTiered t2 = held("digest", Tier.T2);
        tiered.pipeInput("digest", t2);
        ApprovalVoteCast vote =
                TestEvents.vote("digest", t2.getIntent(), "alice", VoteDecision.APPROVE, "25 replicas is fine");
        var other = TestEvents.intent("scale_kubernetes_deployment");
        other.setParamsJson("{\"replicas\":250}");
        vote.setActionDigest(TestEvents.digestOf(other));
        votes.pipeInput("digest", vote);

        assertThat(approved.isEmpty()).isTrue();
        var dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("digest");
        assertThat(Topics.APPROVAL_VOTES.valueSerde().deserializer().deserialize("x", dead.value()))
                .isEqualTo(vote);
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.REASON))
                .startsWith("vote refused (ACTION_CHANGED)");
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo(Topics.APPROVAL_VOTES.name());
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.SERVICE))
                .isEqualTo(ApprovalTopology.SERVICE);
    }

    @Test
    void shouldRefuseVotesOfOperatorsWithoutTheRequiredRoles() {
        start(true);
        IntentTiered t3 = held("roles", Tier.T3);
        t3.setApproverRole("release-manager");
        tiered.pipeInput("roles", t3);
        ApprovalVoteCast viewer = TestEvents.vote("roles", t3.getIntent(), "victor", VoteDecision.APPROVE, "ok");
        viewer.setRoles(List.of("viewer"));
        votes.pipeInput("roles", viewer);
        cast(t3, "alice", VoteDecision.APPROVE, "ok");
        assertThat(refusals())
                .hasSize(2)
                .allSatisfy(reason -> assertThat(reason).startsWith("vote refused (NOT_AUTHORIZED)"));

        ApprovalVoteCast manager = TestEvents.vote("roles", t3.getIntent(), "mia", VoteDecision.APPROVE, "ok");
        manager.setRoles(List.of("approver", "release-manager"));
        votes.pipeInput("roles", manager);
        assertThat(state("roles").votes())
                .extracting(ApprovalVoteCast::getOperatorId)
                .containsExactly("mia");
    }

    @Test
    void shouldRefuseAVoteOnAnUnknownIntent() {
        start(true);
        votes.pipeInput(
                "ghost", TestEvents.vote("ghost", TestEvents.intent("noop"), "alice", VoteDecision.APPROVE, "?"));
        assertThat(refusals())
                .singleElement()
                .satisfies(reason -> assertThat(reason).startsWith("vote refused (UNKNOWN_INTENT)"));
    }

    @Test
    void shouldForgetADecisionAfterTheRetentionAndNotBefore() {
        start(true);
        IntentTiered t2 = held("old", Tier.T2);
        tiered.pipeInput("old", t2);
        cast(t2, "alice", VoteDecision.APPROVE, null);
        advance(RETENTION.minusMinutes(1));
        assertThat(state("old").decided()).isTrue();
        advance(Duration.ofMinutes(1));
        assertThat(state("old")).isNull();
    }

    @Test
    void shouldIgnoreARedeliveredPolicyDecisionForAHeldIntent() {
        start(true);
        IntentTiered t3 = held("again", Tier.T3);
        tiered.pipeInput("again", t3);
        cast(t3, "alice", VoteDecision.APPROVE, "ok");
        tiered.pipeInput("again", t3);
        assertThat(state("again").votes()).hasSize(1);
    }

    @Test
    void shouldRoundTripTheStoredState() {
        IntentTiered t3 = held("serde", Tier.T3);
        ApprovalVoteCast vote = TestEvents.vote("serde", t3.getIntent(), "alice", VoteDecision.APPROVE, "ok");
        ApprovalState pending = ApprovalState.pending(t3, T0.plusSeconds(60)).withVote(vote);
        ApprovalState decided = pending.withDecision(ApprovalRules.decide(pending, ApprovalOutcome.EXPIRED, T0));
        var serde = new ApprovalStateSerde();
        assertThat(serde.deserialize("s", serde.serialize("s", pending))).isEqualTo(pending);
        assertThat(serde.deserialize("s", serde.serialize("s", decided))).isEqualTo(decided);
    }
}
