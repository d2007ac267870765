package dev.vienna.sdk.evidence;

import static dev.vienna.sdk.evidence.EvidenceFixtures.chainHash;
import static dev.vienna.sdk.evidence.EvidenceFixtures.frontierOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckpointTest {

    /** The example checkpoint body of the C2SP tlog-checkpoint spec. */
    private static final String SPEC_TEXT =
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    private static final String ROOT = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

    private final TreeHasher hasher = new TreeHasher();

    @Test
    void shouldReadTheSpecExample() {
        // when
        Checkpoint checkpoint = Checkpoint.parse(SPEC_TEXT);
        // then
        assertThat(checkpoint.origin()).isEqualTo("example.com/behind-the-sofa");
        assertThat(checkpoint.size()).isEqualTo(20852163L);
        assertThat(checkpoint.rootHash()).isEqualTo(Base64.getDecoder().decode(ROOT));
        assertThat(checkpoint.extensions()).isEmpty();
        assertThat(checkpoint.toText()).isEqualTo(SPEC_TEXT);
    }

    @Test
    void shouldRoundTripWithExtensionLines() {
        // given
        Checkpoint checkpoint = new Checkpoint(
                "vienna.local/audit/chain/3", 0, TreeHasher.emptyRoot(), List.of("timestamp 1767225600", "x"));
        // when
        Checkpoint reread = Checkpoint.parse(checkpoint.toText());
        // then
        assertThat(checkpoint.toText())
                .isEqualTo("vienna.local/audit/chain/3\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
                        + "timestamp 1767225600\nx\n");
        assertThat(reread).isEqualTo(checkpoint);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "leading zero      | o\\n007\\n" + ROOT + "\\n | leading zeros",
                "plus sign         | o\\n+7\\n" + ROOT + "\\n | leading zeros",
                "negative          | o\\n-7\\n" + ROOT + "\\n | leading zeros",
                "space             | o\\n 7\\n" + ROOT + "\\n | leading zeros",
                "hex               | o\\n0x7\\n" + ROOT + "\\n | leading zeros",
                "overflow          | o\\n9223372036854775808\\n" + ROOT + "\\n | larger than",
                "twenty digits     | o\\n10000000000000000000\\n" + ROOT + "\\n | leading zeros",
                "unpadded root     | o\\n7\\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\\n | canonical",
                "url-safe root     | o\\n7\\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\\n | canonical",
                "31-byte root      | o\\n7\\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\\n | 31 bytes, not 32",
                "two lines         | o\\n7\\n | at least three lines",
                "empty origin      | \\n7\\n" + ROOT + "\\n | line 1 is empty",
                "empty extension   | o\\n7\\n" + ROOT + "\\n\\next\\n | line 4 is empty",
                "no final newline  | o\\n7\\n" + ROOT + " | ends with a newline",
                "control character | o\\u0001\\n7\\n" + ROOT + "\\n | control character",
            })
    void shouldRefuseMalformedCheckpointsWithTheReason(String description, String escaped, String reason) {
        String text = escaped.replace("\\n", "\n").replace("\\u0001", "\u0001");
        assertThatThrownBy(() -> Checkpoint.parse(text))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void shouldRefuseToBuildACheckpointThatCannotBeWritten() {
        byte[] root = TreeHasher.emptyRoot();
        assertThatThrownBy(() -> new Checkpoint("", 0, root)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Checkpoint("a\nb", 0, root)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Checkpoint("o", -1, root)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Checkpoint("o", 0, new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Checkpoint("o", 0, root, List.of("")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldProveARecordAgainstASignedCheckpointOfItsChain() {
        // given: audit-service's side, a chain of 25 records and its signed checkpoint
        NoteSignerKey logKey = NoteSignerKey.generate("vienna.local/audit/chain/3");
        MerkleFrontier frontier = frontierOf(25, hasher);
        String origin = new ChainOrigin("vienna.local", 3).origin();
        byte[] published = new Checkpoint(origin, frontier.size(), frontier.root())
                .sign(logKey)
                .toBytes();
        MerkleProofs proofs = new MerkleProofs(hasher);
        List<byte[]> proof = proofs.inclusionProofFromLeaves(17, 25, EvidenceFixtures.leafHashes(hasher));

        // when: the verifier's side, with only the log's verifier key
        SignedNote note = SignedNote.parse(published);
        NoteVerification verification = note.verify(List.of(logKey.verifierKey()));
        Checkpoint checkpoint = Checkpoint.parse(note.text());
        Verdict verdict = proofs.verifyInclusion(
                hasher.leafHash(chainHash(17)), 17, checkpoint.size(), proof, checkpoint.rootHash());

        // then
        assertThat(verification.trusted()).isTrue();
        assertThat(ChainOrigin.parse(checkpoint.origin()).chain()).isEqualTo(3);
        assertThat(checkpoint.hasRoot(frontier.root())).isTrue();
        assertThat(verdict.accepted()).as(verdict.reason()).isTrue();
    }
}
