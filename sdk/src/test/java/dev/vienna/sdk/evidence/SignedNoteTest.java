package dev.vienna.sdk.evidence;

import static dev.vienna.sdk.evidence.NoteKeysTest.GO_SKEY;
import static dev.vienna.sdk.evidence.NoteKeysTest.GO_VKEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SignedNoteTest {

    /** Go's golang.org/x/mod/sumdb/note documented example: its text and the note its key signs it into. */
    private static final String GO_TEXT = "If you think cryptography is the answer to your problem,\n"
            + "then you don't know what your problem is.\n";

    private static final String GO_NOTE = GO_TEXT + "\n"
            + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    /** The example note of the C2SP signed-note spec: its text has a blank line of its own; its key is unpublished. */
    private static final String SPEC_NOTE = "Ognuno sta solo sul cuor della terra\n"
            + "trafitto da un raggio di sole:\n"
            + "\n"
            + "ed \u00e8 subito sera.\n"
            + "\n"
            + "\u2014 quasimodo.example/salvatore "
            + "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";

    private static final NoteSignerKey LOG = NoteSignerKey.generate("vienna.local/audit/chain/3");
    private static final NoteSignerKey WITNESS = NoteSignerKey.generate("witness.example/w1");
    private static final String TEXT = "vienna.local/audit/chain/3\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    // ---- interoperability with the reference implementation's example ----

    @Test
    void shouldSignExactlyAsTheReferenceImplementationDoes() {
        // given
        NoteSignerKey key = NoteSignerKey.parse(GO_SKEY);
        // when
        String note = SignedNote.unsigned(GO_TEXT).signedBy(key).format();
        // then
        assertThat(note).isEqualTo(GO_NOTE);
    }

    @Test
    void shouldVerifyTheReferenceImplementationsNote() {
        // when
        SignedNote note = SignedNote.parse(GO_NOTE.getBytes(StandardCharsets.UTF_8));
        NoteVerification verification = note.verify(List.of(NoteVerifierKey.parse(GO_VKEY)));
        // then
        assertThat(note.text()).isEqualTo(GO_TEXT);
        assertThat(verification.trusted()).as(verification.reason()).isTrue();
        assertThat(verification.reason()).isEqualTo("verified by PeterNeumann+c74f20a3");
    }

    @Test
    void shouldSplitTheSpecExampleAtItsLastBlankLine() {
        // when
        SignedNote note = SignedNote.parse(SPEC_NOTE);
        NoteVerification verification = note.verify(List.of(NoteVerifierKey.parse(GO_VKEY)));
        // then
        assertThat(note.text()).endsWith(":\n\ned \u00e8 subito sera.\n");
        assertThat(note.signatures()).singleElement().satisfies(signature -> {
            assertThat(signature.keyName()).isEqualTo("quasimodo.example/salvatore");
            assertThat(signature.signature()).hasSize(64);
        });
        assertThat(note.format()).isEqualTo(SPEC_NOTE);
        assertThat(verification.trusted()).isFalse();
        assertThat(verification.unknownKey()).hasSize(1);
        assertThat(verification.reason()).startsWith("no signature from a known key; unknown keys: quasimodo");
    }

    // ---- sign, parse, verify ----

    @Test
    void shouldRoundTripSignParseAndVerify() {
        // given
        SignedNote signed = SignedNote.unsigned(TEXT).signedBy(LOG);
        // when
        SignedNote parsed = SignedNote.parse(signed.toBytes());
        NoteVerification verification = parsed.verify(List.of(LOG.verifierKey()));
        // then
        assertThat(parsed).isEqualTo(signed);
        assertThat(parsed.text()).isEqualTo(TEXT);
        assertThat(verification.trusted()).isTrue();
        assertThat(verification.verifiedBy(LOG.verifierKey())).isTrue();
        assertThat(verification.unknownKey()).isEmpty();
    }

    @Test
    void shouldCarryAWitnessCosignatureBesideTheLogs() {
        // given
        SignedNote cosigned = SignedNote.parse(
                SignedNote.unsigned(TEXT).signedBy(LOG).signedBy(WITNESS).format());
        // when
        NoteVerification byBoth = cosigned.verify(List.of(LOG.verifierKey(), WITNESS.verifierKey()));
        NoteVerification byLogOnly = cosigned.verify(List.of(LOG.verifierKey()));
        // then
        assertThat(cosigned.signatures()).hasSize(2);
        assertThat(byBoth.verifiedBy(LOG.verifierKey())).isTrue();
        assertThat(byBoth.verifiedBy(WITNESS.verifierKey())).isTrue();
        assertThat(byLogOnly.trusted()).isTrue();
        assertThat(byLogOnly.unknownKey()).extracting(NoteSignature::keyName).containsExactly("witness.example/w1");
    }

    @Test
    void shouldReplaceAnEarlierSignatureByTheSameKey() {
        SignedNote twice = SignedNote.unsigned(TEXT).signedBy(LOG).signedBy(LOG);
        assertThat(twice.signatures()).hasSize(1);
    }

    @Test
    void shouldFailVerificationWhenTheTextChanges() {
        // given
        String note = SignedNote.unsigned(TEXT).signedBy(LOG).format();
        String tampered = note.replaceFirst("\n12\n", "\n13\n");
        // when
        NoteVerification verification = SignedNote.parse(tampered).verify(List.of(LOG.verifierKey()));
        // then
        assertThat(verification.trusted()).isFalse();
        assertThat(verification.invalid()).hasSize(1);
        assertThat(verification.reason())
                .isEqualTo("signature does not verify: " + LOG.verifierKey().name() + "+"
                        + NoteVerifierKey.hex(LOG.keyId()));
    }

    @Test
    void shouldFailVerificationWhenASignatureByteChanges() {
        SignedNote signed = SignedNote.unsigned(TEXT).signedBy(LOG);
        NoteSignature signature = signed.signatures().get(0);
        byte[] bytes = Base64.getDecoder().decode(signature.base64());
        for (int i = 4; i < bytes.length; i++) {
            // given
            byte[] changed = bytes.clone();
            changed[i] ^= 0x01;
            String note = TEXT + "\n" + "\u2014 " + signature.keyName() + " "
                    + Base64.getEncoder().encodeToString(changed) + "\n";
            // when
            NoteVerification verification = SignedNote.parse(note).verify(List.of(LOG.verifierKey()));
            // then
            assertThat(verification.trusted()).as("byte %d changed", i).isFalse();
            assertThat(verification.invalid()).hasSize(1);
        }
    }

    @Test
    void shouldRejectTheWholeNoteWhenAKnownKeysSignatureFails() {
        // given: the log's signature verifies, the witness's is over other text
        NoteSignature witnessOverOtherText =
                SignedNote.unsigned("other\n").signedBy(WITNESS).signatures().get(0);
        String note = SignedNote.unsigned(TEXT).signedBy(LOG).format() + witnessOverOtherText.line();
        // when
        NoteVerification verification =
                SignedNote.parse(note).verify(List.of(LOG.verifierKey(), WITNESS.verifierKey()));
        // then
        assertThat(verification.verified()).hasSize(1);
        assertThat(verification.invalid()).hasSize(1);
        assertThat(verification.trusted()).isFalse();
    }

    @Test
    void shouldReportAKeyThatSharesOnlyTheNameAsUnknown() {
        // given
        NoteSignerKey impostor = NoteSignerKey.generate(LOG.name());
        SignedNote signed = SignedNote.unsigned(TEXT).signedBy(impostor);
        // when
        NoteVerification verification = signed.verify(List.of(LOG.verifierKey()));
        // then
        assertThat(verification.unknownKey()).hasSize(1);
        assertThat(verification.trusted()).isFalse();
        assertThat(verification.reason()).startsWith("no signature from a known key");
    }

    @Test
    void shouldAcceptSixteenSignaturesAsTheSpecRequires() {
        SignedNote note = SignedNote.unsigned(TEXT);
        for (int i = 0; i < 16; i++) {
            note = note.signedBy(NoteSignerKey.generate("witness.example/w" + i));
        }
        assertThat(SignedNote.parse(note.format()).signatures()).hasSize(16);
    }

    // ---- malformed notes ----

    static Stream<Arguments> malformedNotes() {
        String valid = SignedNote.unsigned(TEXT).signedBy(LOG).format();
        String line =
                SignedNote.unsigned(TEXT).signedBy(LOG).signatures().get(0).line();
        String name = LOG.name();
        String base64 = line.substring(line.lastIndexOf(' ') + 1, line.length() - 1);
        StringBuilder tooMany = new StringBuilder(TEXT).append('\n');
        for (int i = 0; i < 101; i++) {
            tooMany.append("\u2014 w").append(i).append(' ').append(base64).append('\n');
        }
        return Stream.of(
                Arguments.of("no trailing newline", valid.substring(0, valid.length() - 1), "end with a newline"),
                Arguments.of("no blank line", TEXT + line, "no blank line"),
                Arguments.of("no signature line", TEXT + "\n", "no signature"),
                Arguments.of("only a blank line after text", TEXT + "\n\n", "no signature"),
                Arguments.of("hyphens for the em dash", TEXT + "\n-- " + name + " " + base64 + "\n", "em dash"),
                Arguments.of("no space after the dash", TEXT + "\n\u2014" + name + " " + base64 + "\n", "em dash"),
                Arguments.of("two spaces", TEXT + "\n\u2014 " + name + "  " + base64 + "\n", "one space apart"),
                Arguments.of("empty key name", TEXT + "\n\u2014  " + base64 + "\n", "key name is non-empty"),
                Arguments.of("key name with +", TEXT + "\n\u2014 a+b " + base64 + "\n", "space or '+'"),
                Arguments.of("bad base64", TEXT + "\n\u2014 " + name + " *" + base64.substring(1) + "\n", "base64"),
                Arguments.of(
                        "unpadded base64",
                        TEXT + "\n\u2014 " + name + " " + base64.replace("=", "") + "\n",
                        "canonical standard base64"),
                Arguments.of("signature too short", TEXT + "\n\u2014 " + name + " AAAAAA==\n", "key ID and the"),
                Arguments.of("signature empty", TEXT + "\n\u2014 " + name + " \n", "base64"),
                Arguments.of("duplicate signature", valid + line, "two signatures by"),
                Arguments.of("too many signatures", tooMany.toString(), "101 signatures, more than 100"),
                Arguments.of("control character", "a\tb\n\n" + line, "control character U+0009"),
                Arguments.of("carriage return", valid.replace("\n\n", "\r\n\n"), "control character U+000D"),
                Arguments.of("unpaired surrogate", "a\ud800b\n\n" + line, "unpaired surrogate"),
                Arguments.of("oversize", "a".repeat(SignedNote.MAX_NOTE_BYTES) + "\n\n" + line, "larger than"),
                Arguments.of("too many text lines", "a\n".repeat(10_001) + "\n" + line, "10001 lines"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedNotes")
    void shouldRefuseMalformedNotesWithTheReason(String description, String note, String reason) {
        assertThatThrownBy(() -> SignedNote.parse(note))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void shouldRefuseBytesThatAreNotUtf8() {
        byte[] note = SignedNote.unsigned(TEXT).signedBy(LOG).toBytes();
        note[2] = (byte) 0xC3; // a lead byte followed by an ASCII byte
        assertThatThrownBy(() -> SignedNote.parse(note))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> SignedNote.parse(new byte[SignedNote.MAX_NOTE_BYTES + 1]))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining("more than");
    }

    @Test
    void shouldRefuseTextThatCannotBeSigned() {
        assertThatThrownBy(() -> SignedNote.unsigned("no newline")).isInstanceOf(EvidenceFormatException.class);
        assertThatThrownBy(() -> SignedNote.unsigned("bell\u0007\n")).isInstanceOf(EvidenceFormatException.class);
        assertThatThrownBy(() -> SignedNote.unsigned(TEXT).format()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldOnlyEverRefuseMutatedNotesWithAFormatException() {
        // given
        byte[] valid = SignedNote.unsigned(TEXT).signedBy(LOG).signedBy(WITNESS).toBytes();
        Random random = new Random(9162);
        List<NoteVerifierKey> keys = List.of(LOG.verifierKey(), WITNESS.verifierKey());
        List<String> trustedMutants = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] mutant = valid.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                mutant[random.nextInt(mutant.length)] = (byte) random.nextInt(256);
            }
            // when
            try {
                SignedNote note = SignedNote.parse(mutant);
                NoteVerification verification = note.verify(keys);
                // then: whatever parses formats back to the same bytes, and a changed text is never trusted
                assertThat(note.toBytes()).isEqualTo(mutant);
                if (verification.trusted() && !note.text().equals(TEXT)) {
                    trustedMutants.add(new String(mutant, StandardCharsets.UTF_8));
                }
            } catch (EvidenceFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(trustedMutants).isEmpty();
    }
}
