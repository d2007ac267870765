package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledRecord;
import dev.vienna.sdk.kafka.evidence.EvidenceBundleFixture;
import dev.vienna.sdk.kafka.evidence.EvidenceBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./vienna audit verify-bundle FILE [--keys K] [--warrant-keys W]}: an auditor's offline check of a bundle. */
class ViennaCliVerifyBundleTest {

    @TempDir
    Path dir;

    private final EvidenceBundleFixture fixture = new EvidenceBundleFixture();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private Path keys;
    private Path warrantKeys;

    @BeforeEach
    void writeTheKeysAnAuditorObtainedIndependently() throws Exception {
        System.setProperty("vienna.root", dir.toString());
        keys = Files.writeString(
                dir.resolve("audit-keys.json"),
                fixture.bundle().checkpointKeys().toString());
        warrantKeys = Files.writeString(
                dir.resolve("jwks.json"), fixture.warrantJwks().orElseThrow().toString());
    }

    @AfterEach
    void restoreTheRoot() {
        System.clearProperty("vienna.root");
    }

    private int cli(String... args) throws Exception {
        return ViennaCli.run(List.of(args), new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    private List<String> lines() {
        return output.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private Path write(String name, byte[] json) throws Exception {
        return Files.write(dir.resolve(name), json);
    }

    @Test
    void shouldVerifyAValidBundleWithTheLogsKeys() throws Exception {
        Path bundle = write("bundle.json", fixture.json());

        int exit = cli(
                "audit",
                "verify-bundle",
                bundle.toString(),
                "--keys",
                keys.toString(),
                "--warrant-keys",
                warrantKeys.toString());

        assertThat(exit).isZero();
        assertThat(lines())
                .containsExactly(
                        "record 0-000000000001  chain 0  sequence 1  IntentTiered       verified",
                        "record 0-000000000003  chain 0  sequence 3  WarrantIssued      verified",
                        "record 0-000000000004  chain 0  sequence 4  IntentAccepted     verified",
                        "record 1-000000000003  chain 1  sequence 3  IntentTiered       verified",
                        "record 1-000000000005  chain 1  sequence 5  IntentTiered       verified",
                        "bundle: VERIFIED (5 records of intent int-evidence, checkpoints of chains 0, 1)");
    }

    @Test
    void shouldTakeTheLogsKeyAsAVkeyLine() throws Exception {
        Path bundle = write("bundle.json", fixture.json());
        Path vkeys = Files.writeString(
                dir.resolve("audit.vkey"), fixture.checkpointKey.verifierKey().encoded() + "\n");

        int exit = cli("audit", "verify-bundle", bundle.toString(), "--keys", vkeys.toString());

        assertThat(exit).isZero();
        assertThat(lines())
                .anyMatch(line -> line.startsWith("warning: the warrant was checked with the bundle's own"))
                .last()
                .isEqualTo("bundle: VERIFIED (5 records of intent int-evidence, checkpoints of chains 0, 1)");
    }

    @Test
    void shouldWarnWhenCheckedWithTheBundlesOwnKeys() throws Exception {
        Path bundle = write("bundle.json", fixture.json());

        int exit = cli("audit", "verify-bundle", bundle.toString());

        assertThat(exit).isZero();
        assertThat(lines()).anyMatch(line -> line.startsWith("warning: checked with the bundle's own checkpoint keys"));
    }

    @Test
    void shouldNotVerifyABundleWithARemovedRecordAndSayWhy() throws Exception {
        List<BundledRecord> records = new ArrayList<>(fixture.bundle().records());
        records.remove(3);
        Path bundle = write("tampered.json", EvidenceBundles.write(fixture.withRecords(records)));

        int exit = cli(
                "audit",
                "verify-bundle",
                bundle.toString(),
                "--keys",
                keys.toString(),
                "--warrant-keys",
                warrantKeys.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(lines())
                .contains("problem: RECORD_REMOVED_OR_ADDED at records: the log states 5 records of the intent, the"
                        + " bundle has 4: 1 removed")
                .last()
                .isEqualTo("bundle: NOT VERIFIED");
    }

    @Test
    void shouldMarkTheAlteredRecord() throws Exception {
        byte[] json = fixture.tampered(
                root -> ((com.fasterxml.jackson.databind.node.ObjectNode) root.at("/records/2")).put("leafIndex", 0));
        Path bundle = write("tampered.json", json);

        int exit = cli("audit", "verify-bundle", bundle.toString(), "--keys", keys.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(lines())
                .contains("record 0-000000000004  chain 0  sequence 4  IntentAccepted     LEAF_INDEX_MISMATCH")
                .anyMatch(line -> line.startsWith("problem: LEAF_INDEX_MISMATCH at records[2] (0-000000000004)"));
    }

    @Test
    void shouldAnswerUsageErrorsWithExitTwo() throws Exception {
        Path bundle = write("bundle.json", fixture.json());

        assertThat(cli("audit", "verify-bundle")).isEqualTo(2);
        assertThat(cli("audit", "verify-bundle", bundle.toString(), "--keys")).isEqualTo(2);
        assertThat(cli("audit", "verify-bundle", bundle.toString(), "--bogus", "x"))
                .isEqualTo(2);
        assertThat(cli("audit", "verify-bundle", dir.resolve("missing.json").toString()))
                .isEqualTo(2);
        assertThat(cli("audit", "verify-bundle", bundle.toString(), "--keys", bundle.toString()))
                .isEqualTo(2);
        assertThat(lines()).anyMatch(line -> line.startsWith("verify-bundle: cannot read"));
    }
}
