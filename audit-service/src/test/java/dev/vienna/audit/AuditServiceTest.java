package dev.vienna.audit;

import static dev.vienna.testing.OperatorTokensResource.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.VerdictOutcome;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.MerkleProofs;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.evidence.SignedNote;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.kafka.audit.AuditChain;
import dev.vienna.sdk.kafka.audit.AuditLogReader;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle;
import dev.vienna.sdk.kafka.evidence.EvidenceStatement;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
class AuditServiceTest {

    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    @Inject
    AuditConfig config;

    private static RequestSpecification asAuditor() {
        return given().auth().oauth2(token("ada", "auditor"));
    }

    @Test
    void shouldServeTheLifecycleAndWriteAVerifiableChain() {
        String intentId = UUID.randomUUID().toString();
        kafka.send(Topics.INTENTS, intentId, TestEvents.accepted(intentId, "scale_kubernetes_deployment"));
        kafka.send(Topics.TIERED, intentId, TestEvents.tiered(intentId, "scale_kubernetes_deployment", Tier.T2));

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> asAuditor()
                        .get("/v1/intents/" + intentId)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("PENDING_APPROVAL"))
                        .body("tier", equalTo("T2"))
                        .body("action", equalTo("scale_kubernetes_deployment"))
                        .body("events.type", hasItems("IntentAccepted", "IntentTiered")));

        var audit = kafka.await(
                Topics.AUDIT,
                r -> intentId.equals(r.value().getIntentId())
                        && r.value().getEventType().equals("IntentTiered"),
                Duration.ofSeconds(30));
        assertThat(audit.partition()).isEqualTo(audit.value().getChain());
        var report = AuditChain.verify(AuditLogReader.readAll(
                KafkaBrokerResource.credentials("vienna-auditor")
                        .clientConfig(KafkaBrokerResource.broker().bootstrapServers()),
                Duration.ofSeconds(30)));
        assertThat(report.breaks()).isEmpty();
        assertThat(report.records()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldPublishSignedCheckpointsThatAuditorsReadAndTheServedKeyVerifies() {
        // given an audited event
        String intentId = UUID.randomUUID().toString();
        kafka.send(Topics.INTENTS, intentId, TestEvents.accepted(intentId, "noop"));
        var audited = kafka.await(Topics.AUDIT, r -> intentId.equals(r.value().getIntentId()), Duration.ofSeconds(60));
        int chain = audited.value().getChain();

        // then, within the checkpoint interval, an auditor reads a checkpoint of its chain that covers it
        var checkpoint = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> asAuditor()
                                .get("/v1/audit/checkpoints")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getList("checkpoints", java.util.Map.class)
                                .stream()
                                .filter(c -> ((Number) c.get("chain")).intValue() == chain)
                                .findFirst(),
                        c -> c.isPresent()
                                && ((Number) c.get().get("treeSize")).longValue()
                                        > audited.value().getSequence())
                .orElseThrow();

        // and its note verifies with the key audit-service publishes (public, no credential), not with another
        String vkey = given().get("/v1/audit/keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("keys[0].vkey");
        var note = SignedNote.parse((String) checkpoint.get("note"));
        assertThat(note.verify(List.of(NoteVerifierKey.parse(vkey))).trusted()).isTrue();
        assertThat(note.verify(List.of(
                                NoteSignerKey.generate("vienna.test/audit").verifierKey()))
                        .trusted())
                .isFalse();
        Checkpoint body = Checkpoint.parse(note.text());
        assertThat(body.origin()).isEqualTo("vienna.test/audit/chain/" + chain);
        assertThat(body.size()).isEqualTo(((Number) checkpoint.get("treeSize")).longValue());

        // and only auditors read checkpoints
        given().get("/v1/audit/checkpoints").then().statusCode(401);
        given().auth()
                .oauth2(token("vic", "viewer"))
                .get("/v1/audit/checkpoints")
                .then()
                .statusCode(403);
    }

    @Test
    void shouldExportAnIntentsRecordsWithProofsToASignedCheckpointAndASignedStatementOfThem() throws Exception {
        // given an intent with two audited events, and records of another intent around them
        String intentId = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        kafka.send(Topics.INTENTS, other, TestEvents.accepted(other, "noop"));
        kafka.send(Topics.INTENTS, intentId, TestEvents.accepted(intentId, "noop"));
        kafka.send(Topics.TIERED, intentId, TestEvents.tiered(intentId, "noop", Tier.T0));
        kafka.send(Topics.TIERED, other, TestEvents.tiered(other, "noop", Tier.T0));

        // when an auditor asks for its evidence (503 until a checkpoint covers both records)
        String json = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> asAuditor().get("/v1/intents/" + intentId + "/evidence"),
                        r -> r.statusCode() == 200
                                && r.jsonPath().getList("records").size() == 2)
                .asString();
        var bundle = new com.fasterxml.jackson.databind.ObjectMapper()
                .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .readValue(json, EvidenceBundle.class);

        // then it holds exactly the intent's two records, byte for byte as on the topic, each proven to be in the
        // tree of a checkpoint signed with the published key
        String vkey = given().get("/v1/audit/keys").then().extract().jsonPath().getString("keys[0].vkey");
        var keys = List.of(NoteVerifierKey.parse(vkey));
        assertThat(bundle.intentId()).isEqualTo(intentId);
        assertThat(bundle.records())
                .extracting(EvidenceBundle.BundledRecord::eventType)
                .containsExactly("IntentAccepted", "IntentTiered");
        var proofs = new MerkleProofs();
        var hasher = new TreeHasher();
        List<String> hashes = new java.util.ArrayList<>();
        for (var bundled : bundle.records()) {
            var record = Topics.AUDIT
                    .valueSerde()
                    .deserializer()
                    .deserialize("audit", Base64.getDecoder().decode(bundled.avro()));
            assertThat(record.getIntentId()).isEqualTo(intentId);
            assertThat(AuditChain.hash(record)).isEqualTo(record.getHash());
            var checkpoint = bundle.checkpoints().get(bundled.checkpoint());
            var note = SignedNote.parse(checkpoint.note());
            assertThat(note.verify(keys).trusted()).isTrue();
            Checkpoint body = Checkpoint.parse(note.text());
            assertThat(proofs.verifyInclusion(
                                    hasher.leafHashOfChainHash(record.getHash()),
                                    bundled.leafIndex(),
                                    body.size(),
                                    bundled.inclusionProof().stream()
                                            .map(Base64.getDecoder()::decode)
                                            .toList(),
                                    body.rootHash())
                            .accepted())
                    .isTrue();
            hashes.add(record.getHash());
        }
        // and the log's signed statement names exactly these records
        var statement = SignedNote.parse(bundle.statement());
        assertThat(statement.verify(keys).trusted()).isTrue();
        assertThat(statement.text())
                .isEqualTo(EvidenceStatement.of("vienna.test", intentId, hashes).text());
        // and the bundle carries the key it was signed with
        assertThat(bundle.checkpointKeys().at("/keys/0/vkey").asText()).isEqualTo(vkey);
    }

    @Test
    void shouldChainARecordTooLargeToWrapByItsDigestAndGoOn() throws Exception {
        // given a value as large as the broker takes on one record: wrapped whole, its audit record would be larger
        byte[] largest = new byte[1024 * 1024 - 200];
        Arrays.fill(largest, (byte) 'x');
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(largest));
        String key = UUID.randomUUID().toString();
        kafka.sendRaw(Topics.INTENTS, key.getBytes(StandardCharsets.UTF_8), largest);
        String after = UUID.randomUUID().toString();
        kafka.send(Topics.INTENTS, after, TestEvents.accepted(after, "noop"));

        // then it is chained without its bytes, by its size and digest
        var chained = kafka.await(
                        Topics.AUDIT,
                        r -> r.value().getSummary().contains("payload of " + largest.length + " bytes not kept"),
                        Duration.ofSeconds(60))
                .value();
        assertThat(chained.getEventType()).isEqualTo("Undecodable");
        assertThat(chained.getPayload().remaining()).isZero();
        assertThat(chained.getSummary())
                .endsWith("bytes not kept: larger than the audit record limit; its SHA-256 is " + sha256);
        // and the stage goes on
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> asAuditor()
                        .get("/v1/intents/" + after)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("SUBMITTED")));
    }

    @Test
    void shouldRunTheVerifierWithTheDefaultsTheTopologyTestsUse() {
        assertThat(VerificationSettings.of(config.verification())).isEqualTo(VerificationSettings.defaults());
    }

    @Test
    void shouldVerifyADirectExecutionAndShowTheVerdictOnTheLifecycle() {
        // given a DIRECT warrant and executor-service's report of the action it authorized
        String intentId = UUID.randomUUID().toString();
        WarrantIssued warrant =
                TestEvents.warrant(intentId, ExecutionMode.DIRECT, WarrantKey.generateEd25519("warrant-key"));
        Instant started = TestEvents.now();
        ExecutionReported report = ExecutionReported.newBuilder()
                .setEventId(EventIds.of(warrant.getWarrantId(), "execution"))
                .setIntentId(intentId)
                .setTenantId(warrant.getTenantId())
                .setOccurredAt(started.plusMillis(20))
                .setWarrantId(warrant.getWarrantId())
                .setExecutorId("executor-service")
                .setMode(ExecutionMode.DIRECT)
                .setStatus(ExecutionStatus.SUCCEEDED)
                .setHandler("noop")
                .setStartedAt(started)
                .setFinishedAt(started.plusMillis(10))
                .setActionDigest(warrant.getActionDigest())
                .build();
        kafka.send(Topics.WARRANTS, intentId, warrant);
        kafka.send(Topics.EXECUTIONS, intentId, report);

        // then audit-service publishes the verdict on the intent's key
        var verdict = kafka.await(Topics.EXECUTION_VERDICTS, r -> intentId.equals(r.key()), Duration.ofSeconds(60));
        assertThat(verdict.value().getVerdict()).isEqualTo(VerdictOutcome.VERIFIED);
        assertThat(verdict.value().getReasons()).isEmpty();
        assertThat(verdict.value().getEventId()).isEqualTo(EventIds.of(warrant.getWarrantId(), "verdict"));
        assertThat(verdict.value().getExecutionEventId()).isEqualTo(report.getEventId());
        assertThat(verdict.value().getReporter()).isEqualTo("executor-service");
        // and chains it, and shows it on the lifecycle
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> asAuditor()
                        .get("/v1/intents/" + intentId)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("EXECUTED"))
                        .body("verdict", equalTo("VERIFIED"))
                        .body("verdictReasons", empty())
                        .body("events.type", hasItems("WarrantIssued", "ExecutionReported", "ExecutionVerdict"))
                        .body("warrant.token", equalTo(warrant.getToken())));
        // an approver follows it too, with the warrant's claims but not its token
        given().auth()
                .oauth2(token("alice", "approver"))
                .get("/v1/intents/" + intentId)
                .then()
                .statusCode(200)
                .body("state", equalTo("EXECUTED"))
                .body("warrant.claims.intentId", equalTo(intentId))
                .body("warrant.token", nullValue());
    }

    @Test
    void shouldAnswer404ProblemForAnUnknownIntent() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> asAuditor()
                        .get("/v1/intents/no-such-intent")
                        .then()
                        .statusCode(404)
                        .contentType("application/problem+json")
                        .body("title", equalTo("Unknown intent")));
    }
}
