package dev.vienna.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.ExecutionVerdict;
import dev.vienna.events.IntentLifecycle;
import dev.vienna.events.IntentState;
import dev.vienna.events.SignatureAlgorithm;
import dev.vienna.events.Tier;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.events.VerdictOutcome;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.sdk.warrant.ExecutionReport;
import dev.vienna.sdk.warrant.ExecutionReports;
import dev.vienna.sdk.warrant.KeyThumbprints;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.testing.TestEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ExecutionVerifier} in the audit topology: given a warrant and its report (or none), then the verdicts on
 * {@code execution-verdicts}. The warrant is valid from {@link #ISSUED} for 15 minutes; its report says it ran a minute
 * after issue; the driver's wall clock starts at {@link #START}, a few seconds after the report.
 */
class ExecutionVerifierTest {

    private static final Instant ISSUED = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant EXPIRES = ISSUED.plus(Duration.ofMinutes(15));
    private static final Instant START = ISSUED.plus(Duration.ofMinutes(1)).plusSeconds(5);
    private static final String INTENT = "i-1";
    private static final String WARRANT = "w-1";
    private static final String AGENT = "agent-7";
    private static final String DIGEST =
            new ActionRequest(AGENT, "restart_service", "api-gateway", "{\"graceful\":true}").digest();
    private static final WarrantKey AGENT_KEY = WarrantKey.generateEd25519("agent-7-1");
    private static final WarrantKey OTHER_KEY = WarrantKey.generateEd25519("agent-7-2");

    private TopologyTestDriver driver;
    private TestOutputTopic<String, ExecutionVerdict> verdicts;

    private void start(VerificationSettings settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "audit-verifier-test");
        driver = new TopologyTestDriver(
                AuditTopology.buildTopology(
                        Clock.systemUTC(), TestCheckpointers.defaults(), settings, RecordTracing.off()),
                props,
                START);
        verdicts = driver.createOutputTopic(
                Topics.EXECUTION_VERDICTS.name(),
                Serdes.String().deserializer(),
                Topics.EXECUTION_VERDICTS.valueSerde().deserializer());
    }

    private void start() {
        start(VerificationSettings.defaults());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    // ---- fixtures

    private static String thumbprint(WarrantKey key) {
        return KeyThumbprints.ofEd25519(Base64.getUrlEncoder().withoutPadding().encodeToString(key.publicKey()))
                .orElseThrow();
    }

    private static WarrantIssued warrant(ExecutionMode mode) {
        return WarrantIssued.newBuilder()
                .setEventId(EventIds.of(WARRANT, "warrant-issued"))
                .setIntentId(INTENT)
                .setTenantId("acme")
                .setOccurredAt(ISSUED)
                .setWarrantId(WARRANT)
                .setAgentId(AGENT)
                .setAction("restart_service")
                .setResource("api-gateway")
                .setParamsJson("{\"graceful\":true}")
                .setTier(Tier.T1)
                .setMode(mode)
                .setPolicyVersion("test-policy")
                .setIssuedAt(ISSUED)
                .setExpiresAt(EXPIRES)
                .setAlgorithm(SignatureAlgorithm.ED25519)
                .setKeyId("warrant-key")
                .setAudience(mode == ExecutionMode.DIRECT ? TestEvents.EXECUTOR_AUDIENCE : "agent:" + AGENT)
                .setActionDigest(DIGEST)
                .setConfirmationKeyThumbprint(mode == ExecutionMode.PASSBACK ? thumbprint(AGENT_KEY) : null)
                .build();
    }

    /** executor-service's report of the warrant: it ran the authorized action a minute after issue, and succeeded. */
    private static ExecutionReported direct() {
        Instant started = ISSUED.plus(Duration.ofMinutes(1));
        return ExecutionReported.newBuilder()
                .setEventId(EventIds.of(WARRANT, "execution"))
                .setIntentId(INTENT)
                .setTenantId("acme")
                .setOccurredAt(started.plusSeconds(2))
                .setWarrantId(WARRANT)
                .setExecutorId("executor-service")
                .setMode(ExecutionMode.DIRECT)
                .setStatus(ExecutionStatus.SUCCEEDED)
                .setHandler("noop")
                .setStartedAt(started)
                .setFinishedAt(started.plusMillis(1500))
                .setActionDigest(DIGEST)
                .build();
    }

    private static ExecutionReport signable(ExecutionReported event) {
        return new ExecutionReport(
                event.getWarrantId(),
                event.getIntentId(),
                AGENT,
                event.getActionDigest(),
                ExecutionReport.Status.valueOf(event.getStatus().name()),
                event.getStartedAt(),
                event.getFinishedAt(),
                null,
                null);
    }

    /** The agent's report through intake, carrying what it signed with {@code key}. */
    private static ExecutionReported passback(ExecutionReport signed, WarrantKey key) {
        ExecutionReported report = direct();
        report.setExecutorId("agent:" + AGENT);
        report.setMode(ExecutionMode.PASSBACK);
        report.setSignedReport(ExecutionReports.sign(signed, key));
        return report;
    }

    private static ExecutionReported passback() {
        return passback(signable(direct()), AGENT_KEY);
    }

    private <V> void pipe(Topic<V> topic, String key, V value) {
        driver.createInputTopic(
                        topic.name(),
                        Serdes.String().serializer(),
                        topic.valueSerde().serializer())
                .pipeInput(key, value);
    }

    private void issue(WarrantIssued warrant) {
        pipe(Topics.WARRANTS, warrant.getIntentId(), warrant);
    }

    private void report(ExecutionReported report) {
        pipe(Topics.EXECUTIONS, report.getIntentId(), report);
    }

    /** Issues the warrant, then reports, and answers the one verdict that came out. */
    private ExecutionVerdict verdictOf(WarrantIssued warrant, ExecutionReported report) {
        issue(warrant);
        report(report);
        List<KeyValue<String, ExecutionVerdict>> out = verdicts.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).as("keyed by intent").isEqualTo(warrant.getIntentId());
        return out.get(0).value;
    }

    private List<String> reasonsOf(WarrantIssued warrant, ExecutionReported report) {
        ExecutionVerdict verdict = verdictOf(warrant, report);
        assertThat(verdict.getVerdict()).isEqualTo(VerdictOutcome.VIOLATION);
        return verdict.getReasons();
    }

    // ---- VERIFIED

    @Test
    void shouldVerifyADirectReportByAConfiguredExecutor() {
        start();
        ExecutionVerdict verdict = verdictOf(warrant(ExecutionMode.DIRECT), direct());

        assertThat(verdict.getVerdict()).isEqualTo(VerdictOutcome.VERIFIED);
        assertThat(verdict.getReasons()).isEmpty();
        assertThat(verdict.getEventId()).isEqualTo(EventIds.of(WARRANT, "verdict"));
        assertThat(verdict.getWarrantId()).isEqualTo(WARRANT);
        assertThat(verdict.getIntentId()).isEqualTo(INTENT);
        assertThat(verdict.getTenantId()).isEqualTo("acme");
        assertThat(verdict.getMode()).isEqualTo(ExecutionMode.DIRECT);
        assertThat(verdict.getExecutionEventId()).isEqualTo(direct().getEventId());
        assertThat(verdict.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(verdict.getReporter()).isEqualTo("executor-service");
        assertThat(verdict.getOccurredAt()).as("the wall clock").isEqualTo(START);
    }

    @Test
    void shouldVerifyAPassbackReportSignedByTheKeyTheWarrantIsBoundTo() {
        start();
        ExecutionVerdict verdict = verdictOf(warrant(ExecutionMode.PASSBACK), passback());

        assertThat(verdict.getReasons()).isEmpty();
        assertThat(verdict.getVerdict()).isEqualTo(VerdictOutcome.VERIFIED);
        assertThat(verdict.getMode()).isEqualTo(ExecutionMode.PASSBACK);
        assertThat(verdict.getReporter()).isEqualTo("agent:agent-7 key agent-7-1");
    }

    @Test
    void shouldAllowTheClockSkewAroundTheWarrantsValidity() {
        start();
        ExecutionReported report = direct();
        report.setStartedAt(ISSUED.minusSeconds(30));

        assertThat(verdictOf(warrant(ExecutionMode.DIRECT), report).getVerdict())
                .isEqualTo(VerdictOutcome.VERIFIED);
    }

    @Test
    void shouldNotCheckTheDigestOfARejectedReportForNothingRan() {
        start();
        ExecutionReported rejected = direct();
        rejected.setStatus(ExecutionStatus.REJECTED);
        rejected.setActionDigest("");
        rejected.setError("AGENT_INACTIVE: suspended");

        ExecutionVerdict verdict = verdictOf(warrant(ExecutionMode.DIRECT), rejected);
        assertThat(verdict.getVerdict()).isEqualTo(VerdictOutcome.VERIFIED);
        assertThat(verdict.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
    }

    @Test
    void shouldAcceptALateRejectionOfAnExpiredWarrantForNothingRan() {
        start();
        ExecutionReported rejected = direct();
        rejected.setStatus(ExecutionStatus.REJECTED);
        rejected.setError("EXPIRED: expired at " + EXPIRES);
        rejected.setStartedAt(EXPIRES.plusSeconds(3600));
        rejected.setOccurredAt(EXPIRES.plusSeconds(3600));

        ExecutionVerdict verdict = verdictOf(warrant(ExecutionMode.DIRECT), rejected);
        assertThat(verdict.getVerdict()).as("%s", verdict.getReasons()).isEqualTo(VerdictOutcome.VERIFIED);
    }

    // ---- VIOLATION, one rule at a time

    @Test
    void shouldFindAnExecutionStartedBeforeTheWarrantWasIssued() {
        start();
        ExecutionReported report = direct();
        report.setStartedAt(ISSUED.minusSeconds(31));

        assertThat(reasonsOf(warrant(ExecutionMode.DIRECT), report))
                .containsExactly("execution started at 2026-12-01T09:59:29Z, before the warrant was issued at "
                        + "2026-12-01T10:00:00Z (clock skew allowed: PT30S)");
    }

    @Test
    void shouldFindAnExecutionStartedAfterTheWarrantExpired() {
        start();
        ExecutionReported report = direct();
        report.setStartedAt(EXPIRES.plusSeconds(31));
        report.setFinishedAt(EXPIRES.plusSeconds(32));
        report.setOccurredAt(EXPIRES.plusSeconds(33));

        assertThat(reasonsOf(warrant(ExecutionMode.DIRECT), report))
                .containsExactly("execution started at 2026-12-01T10:15:31Z, after the warrant expired at "
                        + "2026-12-01T10:15:00Z (clock skew allowed: PT30S)");
    }

    @Test
    void shouldRefuseADirectReportByAnExecutorNotConfigured() {
        start();
        ExecutionReported report = direct();
        report.setExecutorId("rogue-executor");

        ExecutionVerdict verdict = verdictOf(warrant(ExecutionMode.DIRECT), report);
        assertThat(verdict.getVerdict()).isEqualTo(VerdictOutcome.VIOLATION);
        assertThat(verdict.getReasons())
                .containsExactly("reported by rogue-executor, which is not one of the executors [executor-service]");
        assertThat(verdict.getReporter()).isEqualTo("rogue-executor");
    }

    @Test
    void shouldRefuseADirectReportThatCarriesASignedReport() {
        start();
        ExecutionReported report = direct();
        report.setSignedReport(ExecutionReports.sign(signable(report), AGENT_KEY));

        assertThat(reasonsOf(warrant(ExecutionMode.DIRECT), report))
                .containsExactly("a DIRECT report carries a signed report: only a PASSBACK report is the agent's");
    }

    @Test
    void shouldRefuseAPassbackReportWithoutTheAgentsSignedReport() {
        start();
        ExecutionReported report = passback();
        report.setSignedReport(null);

        ExecutionVerdict verdict = verdictOf(warrant(ExecutionMode.PASSBACK), report);
        assertThat(verdict.getReasons()).containsExactly("a PASSBACK report without the agent's signed report");
        assertThat(verdict.getReporter())
                .as("unproven: the event's own executor id")
                .isEqualTo("agent:agent-7");
    }

    @Test
    void shouldRefuseAPassbackReportSignedByAnotherKey() {
        start();
        ExecutionReported report = passback(signable(direct()), OTHER_KEY);

        List<String> reasons = reasonsOf(warrant(ExecutionMode.PASSBACK), report);
        assertThat(reasons).hasSize(1);
        assertThat(reasons.get(0))
                .startsWith("the signed report does not verify against the warrant's key: ")
                .contains("bound to key");
    }

    @Test
    void shouldRefuseASignedReportThatSaysAnotherActionThanTheEvent() {
        start();
        ExecutionReport signed = signable(direct());
        ExecutionReport otherAction = new ExecutionReport(
                signed.warrantId(),
                signed.intentId(),
                signed.agentId(),
                "0".repeat(43),
                signed.status(),
                signed.startedAt(),
                signed.finishedAt(),
                null,
                null);

        assertThat(reasonsOf(warrant(ExecutionMode.PASSBACK), passback(otherAction, AGENT_KEY)))
                .containsExactly("the signed report's actionDigest is " + "0".repeat(43) + ", the event's " + DIGEST);
    }

    @Test
    void shouldRefuseASignedReportThatSaysAnotherStatusThanTheEvent() {
        start();
        ExecutionReport signed = signable(direct());
        ExecutionReport failed = new ExecutionReport(
                signed.warrantId(),
                signed.intentId(),
                signed.agentId(),
                signed.actionDigest(),
                ExecutionReport.Status.FAILED,
                signed.startedAt(),
                signed.finishedAt(),
                null,
                "it broke");

        assertThat(reasonsOf(warrant(ExecutionMode.PASSBACK), passback(failed, AGENT_KEY)))
                .containsExactly("the signed report's status is FAILED, the event's SUCCEEDED");
    }

    @Test
    void shouldRefuseASignedReportOfAnotherAgentOrTime() {
        start();
        ExecutionReport signed = signable(direct());
        ExecutionReport other = new ExecutionReport(
                signed.warrantId(),
                signed.intentId(),
                "agent-8",
                signed.actionDigest(),
                signed.status(),
                signed.startedAt().plusMillis(1),
                signed.finishedAt(),
                null,
                null);

        assertThat(reasonsOf(warrant(ExecutionMode.PASSBACK), passback(other, AGENT_KEY)))
                .containsExactly(
                        "the signed report's agentId is agent-8, the warrant's agent-7",
                        "the signed report's startedAt is "
                                + (signed.startedAt().toEpochMilli() + 1) + ", the event's "
                                + signed.startedAt().toEpochMilli());
    }

    @Test
    void shouldRefuseAnyPassbackReportOfAWarrantBoundToNoKey() {
        start();
        WarrantIssued unbound = warrant(ExecutionMode.PASSBACK);
        unbound.setConfirmationKeyThumbprint(null);

        assertThat(reasonsOf(unbound, passback()))
                .containsExactly("PASSBACK warrant w-1 is bound to no agent key: no report of it can be verified");
    }

    @Test
    void shouldRefuseADirectWarrantReportedAsPassback() {
        start();
        ExecutionReported report = direct();
        report.setMode(ExecutionMode.PASSBACK);

        assertThat(reasonsOf(warrant(ExecutionMode.DIRECT), report))
                .containsExactly("a DIRECT warrant reported as PASSBACK");
    }

    @Test
    void shouldRefuseAPassbackWarrantReportedAsDirectEvenWithAValidSignedReport() {
        start();
        ExecutionReported report = passback();
        report.setMode(ExecutionMode.DIRECT);

        ExecutionVerdict verdict = verdictOf(warrant(ExecutionMode.PASSBACK), report);
        assertThat(verdict.getReasons()).containsExactly("a PASSBACK warrant reported as DIRECT");
        assertThat(verdict.getReporter()).isEqualTo("agent:agent-7 key agent-7-1");
    }

    @Test
    void shouldRefuseAnExecutionOfAnotherActionThanTheWarrants() {
        start();
        ExecutionReported report = direct();
        String other = new ActionRequest(AGENT, "restart_service", "database", "{\"graceful\":true}").digest();
        report.setActionDigest(other);

        assertThat(reasonsOf(warrant(ExecutionMode.DIRECT), report))
                .containsExactly("executed action digest " + other + " is not the warrant's " + DIGEST);
    }

    @Test
    void shouldRefuseAReportThatNamesNoExecutedAction() {
        start();
        ExecutionReported report = direct();
        report.setActionDigest("");

        assertThat(reasonsOf(warrant(ExecutionMode.DIRECT), report))
                .containsExactly("the report names no executed action digest; the warrant's is " + DIGEST);
    }

    @Test
    void shouldRefuseASecondExecutionOfTheSameWarrant() {
        start();
        verdictOf(warrant(ExecutionMode.DIRECT), direct());
        ExecutionReported again = direct();
        again.setEventId("second-run");

        report(again);
        ExecutionVerdict second = verdicts.readValue();
        assertThat(second.getVerdict()).isEqualTo(VerdictOutcome.VIOLATION);
        assertThat(second.getReasons())
                .containsExactly("second execution report for warrant w-1; the first was " + direct().getEventId());
        assertThat(second.getEventId()).isEqualTo(EventIds.of(WARRANT, "verdict-2"));
        assertThat(second.getExecutionEventId()).isEqualTo("second-run");
        assertThat(verdicts.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseAReportLaterThanExpiryPlusGrace() {
        start();
        ExecutionReported report = direct();
        report.setOccurredAt(EXPIRES.plus(Duration.ofMinutes(5)).plusMillis(1));

        assertThat(reasonsOf(warrant(ExecutionMode.DIRECT), report))
                .containsExactly("reported at 2026-12-01T10:20:00.001Z, after the warrant's expiry plus grace"
                        + " (2026-12-01T10:15:00Z + PT5M = 2026-12-01T10:20:00Z)");
    }

    @Test
    void shouldGiveEveryReasonAReportFails() {
        start();
        ExecutionReported report = direct();
        report.setExecutorId("rogue-executor");
        report.setActionDigest("f".repeat(43));
        report.setTenantId("globex");

        assertThat(reasonsOf(warrant(ExecutionMode.DIRECT), report))
                .containsExactly(
                        "the report is in tenant globex, the warrant in tenant acme",
                        "reported by rogue-executor, which is not one of the executors [executor-service]",
                        "executed action digest " + "f".repeat(43) + " is not the warrant's " + DIGEST);
    }

    @Test
    void shouldQuoteAtMostAFewHundredCharactersOfWhatAReportSays() {
        start();
        ExecutionReported report = direct();
        report.setExecutorId("x".repeat(100_000));

        List<String> reasons = reasonsOf(warrant(ExecutionMode.DIRECT), report);
        assertThat(reasons.get(0))
                .hasSizeLessThan(ExecutionRules.MAX_QUOTED_CHARS + 120)
                .contains("(99800 more characters)");
    }

    // ---- re-delivery, ordering, UNREPORTED

    @Test
    void shouldGiveNoSecondVerdictForARedeliveredReport() {
        start();
        verdictOf(warrant(ExecutionMode.DIRECT), direct());

        report(direct());
        issue(warrant(ExecutionMode.DIRECT));
        driver.advanceWallClockTime(Duration.ofMinutes(30));

        assertThat(verdicts.readValuesToList())
                .as("no second verdict, and no UNREPORTED")
                .isEmpty();
    }

    @Test
    void shouldHoldAReportUntilItsWarrantArrives() {
        start();
        report(direct());
        assertThat(verdicts.isEmpty()).as("held").isTrue();
        assertThat(driver.<String, ExecutionReported>getKeyValueStore(ExecutionVerifier.HELD_STORE)
                        .approximateNumEntries())
                .isEqualTo(1);

        issue(warrant(ExecutionMode.DIRECT));
        ExecutionVerdict verdict = verdicts.readValue();
        assertThat(verdict.getVerdict()).isEqualTo(VerdictOutcome.VERIFIED);
        assertThat(verdict.getExecutionEventId()).isEqualTo(direct().getEventId());
        assertThat(driver.<String, ExecutionReported>getKeyValueStore(ExecutionVerifier.HELD_STORE)
                        .approximateNumEntries())
                .isZero();

        driver.advanceWallClockTime(Duration.ofMinutes(30));
        assertThat(verdicts.isEmpty())
                .as("judged once, not again when its hold ends")
                .isTrue();
    }

    @Test
    void shouldFindAReportWhoseWarrantNeverCame() {
        start();
        ExecutionReported report = direct();
        report.setOccurredAt(START);
        report(report);
        driver.advanceWallClockTime(Duration.ofMinutes(4));
        assertThat(verdicts.isEmpty()).as("still within the grace").isTrue();

        driver.advanceWallClockTime(Duration.ofMinutes(1).plusSeconds(5));
        ExecutionVerdict verdict = verdicts.readValue();
        assertThat(verdict.getVerdict()).isEqualTo(VerdictOutcome.VIOLATION);
        assertThat(verdict.getReasons()).containsExactly("no warrant w-1 was issued");
        assertThat(verdict.getIntentId()).isEqualTo(INTENT);
        assertThat(verdict.getReporter()).isEqualTo("executor-service");
        assertThat(verdict.getEventId()).isEqualTo(EventIds.of(WARRANT, "verdict"));
    }

    @Test
    void shouldFindAWarrantNeitherClaimedNorReportedByExpiryPlusGrace() {
        start();
        issue(warrant(ExecutionMode.DIRECT));
        driver.advanceWallClockTime(Duration.between(START, EXPIRES.plus(Duration.ofMinutes(4))));
        assertThat(verdicts.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMinutes(1).plusSeconds(5));
        ExecutionVerdict verdict = verdicts.readValue();
        assertThat(verdict.getVerdict()).isEqualTo(VerdictOutcome.UNREPORTED);
        assertThat(verdict.getReasons()).containsExactly("no execution report and no claim by 2026-12-01T10:20:00Z");
        assertThat(verdict.getExecutionEventId()).isNull();
        assertThat(verdict.getReporter()).isNull();
        assertThat(verdict.getEventId()).isEqualTo(EventIds.of(WARRANT, "verdict"));
    }

    @Test
    void shouldNameTheClaimOfAWarrantNeverReportedAndJudgeALateReportAfterwards() {
        start();
        issue(warrant(ExecutionMode.DIRECT));
        Instant claimedAt = START.plusSeconds(1);
        pipe(
                Topics.WARRANT_CLAIMS,
                INTENT,
                WarrantClaimed.newBuilder()
                        .setEventId("claim-1")
                        .setIntentId(INTENT)
                        .setTenantId("acme")
                        .setOccurredAt(claimedAt)
                        .setWarrantId(WARRANT)
                        .setExecutorId("executor-service")
                        .setExpiresAt(EXPIRES)
                        .build());
        driver.advanceWallClockTime(Duration.between(START, EXPIRES.plus(Duration.ofMinutes(6))));

        ExecutionVerdict unreported = verdicts.readValue();
        assertThat(unreported.getVerdict()).isEqualTo(VerdictOutcome.UNREPORTED);
        assertThat(unreported.getReasons())
                .containsExactly(
                        "no execution report by 2026-12-01T10:20:00Z; claimed by executor-service at " + claimedAt);

        ExecutionReported late = direct();
        late.setOccurredAt(EXPIRES.plus(Duration.ofMinutes(6)));
        report(late);
        ExecutionVerdict verdict = verdicts.readValue();
        assertThat(verdict.getVerdict()).isEqualTo(VerdictOutcome.VIOLATION);
        assertThat(verdict.getReasons()).singleElement().asString().startsWith("reported at 2026-12-01T10:21:00Z");
        assertThat(verdict.getEventId()).isEqualTo(EventIds.of(WARRANT, "verdict-2"));
    }

    @Test
    void shouldForgetAWarrantItsRetentionAfterExpiryPlusGrace() {
        start(new VerificationSettings(
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Set.of("executor-service"),
                Duration.ofSeconds(5),
                Duration.ofHours(1)));
        verdictOf(warrant(ExecutionMode.DIRECT), direct());
        KeyValueStore<String, WatchedWarrant> watched = driver.getKeyValueStore(ExecutionVerifier.WARRANTS_STORE);
        KeyValueStore<String, String> due = driver.getKeyValueStore(ExecutionVerifier.DUE_STORE);
        assertThat(watched.get(WARRANT).reports()).containsExactly(direct().getEventId());

        driver.advanceWallClockTime(Duration.between(START, EXPIRES.plus(Duration.ofMinutes(6))));
        assertThat(watched.get(WARRANT)).as("kept for its retention").isNotNull();
        assertThat(verdicts.isEmpty()).as("reported: no UNREPORTED").isTrue();

        driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(watched.get(WARRANT)).isNull();
        assertThat(due.approximateNumEntries()).isZero();
    }

    @Test
    void shouldIgnoreARecordThatDoesNotDecode() {
        start();
        driver.createInputTopic(
                        Topics.EXECUTIONS.name(),
                        Serdes.String().serializer(),
                        Serdes.ByteArray().serializer())
                .pipeInput(INTENT, "junk".getBytes());
        driver.advanceWallClockTime(Duration.ofHours(1));

        assertThat(verdicts.isEmpty()).isTrue();
        assertThat(driver.<String, ExecutionReported>getKeyValueStore(ExecutionVerifier.HELD_STORE)
                        .approximateNumEntries())
                .isZero();
    }

    // ---- chained and on the lifecycle

    @Test
    void shouldChainTheVerdictAndRecordItOnTheLifecycle() {
        start();
        var audit = driver.createOutputTopic(
                Topics.AUDIT.name(),
                Serdes.String().deserializer(),
                Topics.AUDIT.valueSerde().deserializer());
        var accepted = TestEvents.accepted(INTENT, "restart_service");
        accepted.setOccurredAt(ISSUED.minusSeconds(10));
        pipe(Topics.INTENTS, INTENT, accepted);
        verdictOf(warrant(ExecutionMode.DIRECT), direct());

        List<AuditRecord> records = audit.readValuesToList();
        assertThat(records)
                .extracting(AuditRecord::getEventType)
                .containsExactly("IntentAccepted", "WarrantIssued", "ExecutionReported", "ExecutionVerdict");
        AuditRecord chained = records.get(3);
        assertThat(chained.getSourceTopic()).isEqualTo(Topics.EXECUTION_VERDICTS.name());
        assertThat(chained.getSummary()).isEqualTo("execution VERIFIED (DIRECT report by executor-service)");
        assertThat(chained.getEventId()).isEqualTo(EventIds.of(WARRANT, "verdict"));
        assertThat(AuditChain.verify(records).intact()).isTrue();

        IntentLifecycle lifecycle = driver.<String, IntentLifecycle>getKeyValueStore(AuditTopology.LIFECYCLES_STORE)
                .get(INTENT);
        assertThat(lifecycle.getState())
                .as("a verdict does not change the state")
                .isEqualTo(IntentState.EXECUTED);
        assertThat(lifecycle.getVerdict()).isEqualTo(VerdictOutcome.VERIFIED);
        assertThat(lifecycle.getVerdictReasons()).isEmpty();
        assertThat(lifecycle.getSteps()).extracting(s -> s.getEventType()).endsWith("ExecutionVerdict");
    }

    @Test
    void shouldRecordTheLatestVerdictAndItsReasonsOnTheLifecycle() {
        start();
        var audit = driver.createOutputTopic(
                Topics.AUDIT.name(),
                Serdes.String().deserializer(),
                Topics.AUDIT.valueSerde().deserializer());
        verdictOf(warrant(ExecutionMode.DIRECT), direct());
        ExecutionReported again = direct();
        again.setEventId("second-run");
        again.setActionDigest("");
        report(again);

        List<AuditRecord> records = audit.readValuesToList();
        String second = "second execution report for warrant w-1; the first was " + direct().getEventId();
        String noDigest = "the report names no executed action digest; the warrant's is " + DIGEST;
        assertThat(records.get(records.size() - 1).getSummary())
                .isEqualTo("execution VIOLATION: " + noDigest + "; " + second);
        IntentLifecycle lifecycle = driver.<String, IntentLifecycle>getKeyValueStore(AuditTopology.LIFECYCLES_STORE)
                .get(INTENT);
        assertThat(lifecycle.getVerdict()).isEqualTo(VerdictOutcome.VIOLATION);
        assertThat(lifecycle.getVerdictReasons()).containsExactly(noDigest, second);
        assertThat(lifecycle.getState()).isEqualTo(IntentState.EXECUTED);
    }
}
