package dev.vienna.sdk.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoteKeysTest {

    /** The example keys of Go's golang.org/x/mod/sumdb/note documentation, where the signed-note format comes from. */
    static final String GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

    static final String GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    @Test
    void shouldDeriveTheKeyIdAsTheSpecSays() {
        // given
        NoteSignerKey key = NoteSignerKey.generate("vienna.local/audit/chain/3");
        byte[] publicKey = key.verifierKey().publicKey();
        // when
        byte[] digest = RfcMerkleReference.sha256(
                "vienna.local/audit/chain/3".getBytes(StandardCharsets.UTF_8), new byte[] {0x0A, 0x01}, publicKey);
        // then
        assertThat(key.keyId()).isEqualTo(ByteBuffer.wrap(digest, 0, 4).getInt());
        assertThat(NoteVerifierKey.keyId("vienna.local/audit/chain/3", publicKey))
                .isEqualTo(key.keyId());
    }

    @Test
    void shouldReadTheReferenceKeysAndDeriveTheSameVerifierKey() {
        // when
        NoteSignerKey signer = NoteSignerKey.parse(GO_SKEY);
        NoteVerifierKey verifier = NoteVerifierKey.parse(GO_VKEY);
        // then
        assertThat(signer.name()).isEqualTo("PeterNeumann");
        assertThat(signer.keyId()).isEqualTo(0xc74f20a3);
        assertThat(signer.verifierKey()).isEqualTo(verifier);
        assertThat(verifier.encoded()).isEqualTo(GO_VKEY);
        assertThat(signer.encoded()).isEqualTo(GO_SKEY);
    }

    @Test
    void shouldRoundTripAGeneratedKeyThroughItsTextForms() {
        // given
        NoteSignerKey key = NoteSignerKey.generate("vienna.local/audit/chain/0");
        // when
        NoteSignerKey reread = NoteSignerKey.parse(key.encoded());
        NoteVerifierKey verifier = NoteVerifierKey.parse(key.verifierKey().encoded());
        // then
        assertThat(reread.verifierKey()).isEqualTo(key.verifierKey());
        assertThat(verifier).isEqualTo(key.verifierKey());
        byte[] message = "checkpoint\n".getBytes(StandardCharsets.UTF_8);
        assertThat(verifier.verify(message, key.sign(message))).isTrue();
        assertThat(verifier.verify(message, new byte[64])).isFalse();
        assertThat(verifier.verify(message, new byte[3])).isFalse();
    }

    @Test
    void shouldNeverShowTheSeed() {
        // given
        NoteSignerKey key = NoteSignerKey.parse(GO_SKEY);
        String seed = GO_SKEY.substring(GO_SKEY.lastIndexOf('+') + 1);
        // then
        assertThat(key.toString()).isEqualTo("NoteSignerKey[PeterNeumann+c74f20a3]");
        assertThatThrownBy(() -> NoteSignerKey.parse(GO_SKEY.replace("c74f20a3", "c74f20a4")))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageNotContaining(seed)
                .hasMessageContaining("not the one of its name and key");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "PeterNeumann",
                "PeterNeumann+c74f20a3",
                "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // wrong key ID
                "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // 7 hex digits
                "PeterNeumann+c74f20g3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // not hex
                "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", // bad base64
                "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // not 0x01
                "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWAA==", // 35 bytes
                "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // space in name
                "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // empty name
            })
    void shouldRefuseMalformedVerifierKeys(String vkey) {
        assertThatThrownBy(() -> NoteVerifierKey.parse(vkey))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageNotContaining("Exception");
    }

    @Test
    void shouldRefuseInvalidKeyNames() {
        byte[] publicKey = NoteVerifierKey.parse(GO_VKEY).publicKey();
        for (String name : new String[] {"", "a+b", "a b", "a\u00a0b", "a\tb", "a\nb", "\ud800"}) {
            assertThatThrownBy(() -> NoteVerifierKey.ed25519(name, publicKey))
                    .as("name %s", name)
                    .isInstanceOf(EvidenceFormatException.class);
        }
        assertThatThrownBy(() -> NoteVerifierKey.ed25519("ok", new byte[31]))
                .isInstanceOf(EvidenceFormatException.class);
        assertThatThrownBy(() -> NoteSignerKey.fromSeed("ok", new byte[33]))
                .isInstanceOf(EvidenceFormatException.class);
        assertThat(NoteVerifierKey.ed25519("vienna.local/audit/chain/1", publicKey)
                        .name())
                .isEqualTo("vienna.local/audit/chain/1");
    }

    @Test
    void shouldRefuseASignerKeyWithoutItsPrefix() {
        String withoutPrefix = GO_SKEY.substring("PRIVATE+KEY+".length());
        assertThatThrownBy(() -> NoteSignerKey.parse(withoutPrefix))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining("starts with PRIVATE+KEY+");
        String publicAsPrivate = "PRIVATE+KEY+" + GO_VKEY;
        assertThatThrownBy(() -> NoteSignerKey.parse(publicAsPrivate))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining("not the one of its name and key");
        String base64Seed = Base64.getEncoder().encodeToString(new byte[33]);
        assertThatThrownBy(() -> NoteSignerKey.parse("PRIVATE+KEY+a+00000000+" + base64Seed))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining("not an Ed25519 seed");
    }
}
