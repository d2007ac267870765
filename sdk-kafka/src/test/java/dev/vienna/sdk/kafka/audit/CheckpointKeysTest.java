package dev.vienna.sdk.kafka.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vienna.sdk.evidence.NoteVerifierKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CheckpointKeysTest {

    private static final NoteVerifierKey KEY = AuditFixtures.LOG_KEY.verifierKey();
    private static final String X = Base64.getUrlEncoder().withoutPadding().encodeToString(KEY.publicKey());
    private static final String KID = KEY.name() + "+" + String.format("%08x", KEY.keyId());

    @Test
    void shouldReadTheJwkSetAuditServiceServes() {
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"x\"},{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"use\":\"sig\","
                + "\"kid\":\"" + KID + "\",\"x\":\"" + X + "\",\"vkey\":\"" + KEY.encoded() + "\"}]}";

        assertThat(CheckpointKeys.parse(jwks)).containsExactly(KEY);
    }

    @Test
    void shouldBuildTheKeyFromXAndTheNameInKidWithoutVkey() {
        String jwks = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"" + KID + "\",\"x\":\"" + X + "\"}]}";

        assertThat(CheckpointKeys.parse(jwks)).containsExactly(KEY);
    }

    @Test
    void shouldRefuseAJwkWhoseVkeyIsAnotherKeyThanItsX() {
        String other = dev.vienna.sdk.evidence.NoteSignerKey.generate(KEY.name())
                .verifierKey()
                .encoded();
        String jwks = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"" + KID + "\",\"x\":\"" + X
                + "\",\"vkey\":\"" + other + "\"}]}";

        assertThatThrownBy(() -> CheckpointKeys.parse(jwks)).hasMessageContaining("different keys");
    }

    @Test
    void shouldReadVkeyLinesSkippingCommentsAndBlankLines() {
        assertThat(CheckpointKeys.parse("# the log\n\n" + KEY.encoded() + "\n")).containsExactly(KEY);
    }

    @Test
    void shouldRefuseTextWithoutAKey() {
        assertThatThrownBy(() -> CheckpointKeys.parse("# nothing\n")).hasMessageContaining("no Ed25519");
        assertThatThrownBy(() -> CheckpointKeys.parse("{\"keys\":[]}")).hasMessageContaining("no Ed25519");
        assertThatThrownBy(() -> CheckpointKeys.parse("not a key")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> CheckpointKeys.parse("{nope")).hasMessageContaining("not JSON");
    }
}
