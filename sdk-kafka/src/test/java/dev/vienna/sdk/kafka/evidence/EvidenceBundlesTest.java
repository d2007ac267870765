package dev.vienna.sdk.kafka.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vienna.sdk.evidence.EvidenceFormatException;
import dev.vienna.sdk.kafka.audit.CheckpointKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bundles to JSON and back. */
class EvidenceBundlesTest {

    private final EvidenceBundleFixture fixture = new EvidenceBundleFixture();

    @Test
    void shouldReadBackTheBundleItWrote() {
        byte[] json = EvidenceBundles.write(fixture.bundle());

        EvidenceBundle read = EvidenceBundles.read(json);

        assertThat(read).isEqualTo(fixture.bundle());
        assertThat(EvidenceBundles.write(read)).isEqualTo(json);
    }

    @Test
    void shouldWriteFieldsInTheRecordsOrderWithInstantsAsText() {
        String json = new String(fixture.json(), StandardCharsets.UTF_8);

        assertThat(json)
                .startsWith("{\n  \"format\" : \"vienna-evidence-bundle/1\",\n  \"intentId\" : \"int-evidence\",")
                .contains("\"exportedAt\" : \"2026-11-22T11:00:00Z\"")
                .contains("\"occurredAt\" : \"2026-11-22T10:00:10Z\"");
        assertThat(json.indexOf("\"records\""))
                .isLessThan(json.indexOf("\"checkpoints\""))
                .isLessThan(json.indexOf("\"statement\""));
        assertThat(json.indexOf("\"statement\""))
                .isLessThan(json.indexOf("\"warrant\""))
                .isLessThan(json.indexOf("\"checkpointKeys\""));
    }

    @Test
    void shouldNameTheFirstProblemOfABundleItCannotRead() {
        byte[] json = fixture.tampered(root -> root.remove("tenantId"));

        assertThatThrownBy(() -> EvidenceBundles.read(json))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining("tenantId");
        assertThatThrownBy(() -> EvidenceBundles.read("nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageStartingWith("not JSON");
    }

    @Test
    void shouldReadCheckpointKeysFromTheirJwkSetOrFromVkeyLines() {
        String jwks = fixture.bundle().checkpointKeys().toString();
        String lines =
                "# the log's key\n\n" + fixture.checkpointKey.verifierKey().encoded() + "\n";

        assertThat(EvidenceBundles.verifierKeys(fixture.bundle().checkpointKeys()))
                .containsExactlyElementsOf(fixture.trustedKeys());
        // the command-line tools read --keys with CheckpointKeys: the same JWK set, or vkey lines
        assertThat(CheckpointKeys.parse(jwks)).containsExactlyElementsOf(fixture.trustedKeys());
        assertThat(CheckpointKeys.parse(lines)).containsExactlyElementsOf(fixture.trustedKeys());
        assertThat(fixture.bundle().checkpointKeys().at("/keys/0/kid").textValue())
                .isEqualTo(String.format(
                        "vienna.test/audit+%08x",
                        fixture.checkpointKey.verifierKey().keyId()));
    }
}
