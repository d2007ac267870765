package dev.vienna.sdk.evidence;

import static dev.vienna.sdk.evidence.EvidenceFixtures.chainHash;
import static dev.vienna.sdk.evidence.EvidenceFixtures.chainHashes;
import static dev.vienna.sdk.evidence.EvidenceFixtures.frontierOf;
import static dev.vienna.sdk.evidence.EvidenceFixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleFrontierTest {

    /** RFC 6962's reference leaves and the roots of their first n (n = 0..8), as Certificate Transparency publishes. */
    private static final List<String> CT_LEAVES =
            List.of("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f");

    private static final List<String> CT_ROOTS = List.of(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    private final TreeHasher hasher = new TreeHasher();

    @Test
    void shouldMatchTheRfcDefinitionForEverySizeUpTo70() {
        // given
        MerkleFrontier frontier = MerkleFrontier.empty(hasher);
        for (int size = 0; size <= 70; size++) {
            // when
            byte[] root = frontier.root();
            // then
            assertThat(hex(root)).as("root of size %d", size).isEqualTo(hex(RfcMerkleReference.mth(chainHashes(size))));
            assertThat(frontier.size()).isEqualTo(size);
            frontier.append(hasher.leafHash(chainHash(size)));
        }
    }

    @Test
    void shouldMatchCertificateTransparencyReferenceRoots() {
        // given
        MerkleFrontier frontier = MerkleFrontier.empty(hasher);
        assertThat(hex(frontier.root())).isEqualTo(CT_ROOTS.get(0));
        for (int i = 0; i < CT_LEAVES.size(); i++) {
            // when
            frontier.append(hasher.leafHash(hex(CT_LEAVES.get(i))));
            // then
            assertThat(hex(frontier.root())).as("root of size %d", i + 1).isEqualTo(CT_ROOTS.get(i + 1));
        }
    }

    @Test
    void shouldHashAnAuditRecordsChainHashAsItsRawBytes() {
        // given
        byte[] recordHash = chainHash(7);
        // when
        byte[] fromHex = hasher.leafHashOfChainHash(hex(recordHash).toUpperCase());
        // then
        assertThat(fromHex).isEqualTo(RfcMerkleReference.sha256(new byte[] {0x00}, recordHash));
        assertThatThrownBy(() -> hasher.leafHashOfChainHash("abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(
                        () -> hasher.leafHashOfChainHash("g" + hex(recordHash).substring(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 0");
    }

    @Test
    void shouldKeepOneHashPerSetBitOfTheSize() {
        // given
        MerkleFrontier frontier = frontierOf(13, hasher); // 8 + 4 + 1
        // when
        List<byte[]> roots = frontier.subtreeRoots();
        // then
        assertThat(roots).hasSize(3);
        assertThat(roots.get(0))
                .isEqualTo(RfcMerkleReference.mth(chainHashes(13).subList(0, 8)));
        assertThat(roots.get(1))
                .isEqualTo(RfcMerkleReference.mth(chainHashes(13).subList(8, 12)));
        assertThat(roots.get(2))
                .isEqualTo(RfcMerkleReference.mth(chainHashes(13).subList(12, 13)));
    }

    @Test
    void shouldRoundTripThroughBytesAndGoOnAppending() {
        for (int size = 0; size <= 70; size++) {
            // given
            MerkleFrontier original = frontierOf(size, hasher);
            // when
            byte[] bytes = original.toBytes();
            MerkleFrontier restored = MerkleFrontier.fromBytes(bytes, hasher);
            // then
            assertThat(bytes).hasSize(9 + 32 * Integer.bitCount(size));
            assertThat(restored.size()).isEqualTo(size);
            assertThat(restored.root()).isEqualTo(original.root());
            restored.append(hasher.leafHash(chainHash(size)));
            assertThat(restored.root()).isEqualTo(RfcMerkleReference.mth(chainHashes(size + 1)));
        }
    }

    @Test
    void shouldLeaveTheOriginalAloneWhenACopyGrows() {
        // given
        MerkleFrontier original = frontierOf(5, hasher);
        byte[] rootBefore = original.root();
        // when
        MerkleFrontier copy = original.copy();
        copy.append(hasher.leafHash(chainHash(5)));
        // then
        assertThat(original.size()).isEqualTo(5);
        assertThat(original.root()).isEqualTo(rootBefore);
        assertThat(copy.root()).isEqualTo(RfcMerkleReference.mth(chainHashes(6)));
    }

    @Test
    void shouldRefuseMalformedBytesWithTheReason() {
        byte[] valid = frontierOf(5, hasher).toBytes(); // 9 + 2 hashes
        byte[] unknownFormat = valid.clone();
        unknownFormat[0] = 2;
        byte[] negativeSize = valid.clone();
        negativeSize[1] = (byte) 0x80;
        byte[] sizeWithMoreBits = valid.clone();
        ByteBuffer.wrap(sizeWithMoreBits, 1, 8).putLong(7);

        assertRefused(null, "missing");
        assertRefused(new byte[0], "at least 9 bytes");
        assertRefused(new byte[] {1, 0, 0}, "at least 9 bytes");
        assertRefused(unknownFormat, "unknown frontier format 2");
        assertRefused(negativeSize, "negative");
        assertRefused(sizeWithMoreBits, "tree size 7 has 105 bytes");
        assertRefused(Arrays.copyOf(valid, valid.length - 1), "this one 72");
        assertRefused(Arrays.copyOf(valid, valid.length + 32), "this one 105");
    }

    @Test
    void shouldRefuseRandomBytesOnlyWithAFormatException() {
        // given
        Random random = new Random(14);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] = 1;
            }
            // when
            try {
                MerkleFrontier frontier = MerkleFrontier.fromBytes(bytes, hasher);
                // then: whatever parses is self-consistent
                assertThat(frontier.toBytes()).isEqualTo(bytes);
            } catch (EvidenceFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void shouldRefuseALeafHashOfTheWrongLength() {
        MerkleFrontier frontier = MerkleFrontier.empty(hasher);
        assertThatThrownBy(() -> frontier.append(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> frontier.append(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(frontier.size()).isZero();
    }

    @Test
    void shouldComputeTheSameRootFromNodesAsFromTheFrontier() {
        // given
        MerkleProofs proofs = new MerkleProofs(hasher);
        TreeNodes nodes = TreeNodes.fromLeaves(EvidenceFixtures.leafHashes(hasher), hasher);
        for (int size = 0; size <= 40; size++) {
            // when
            byte[] root = proofs.root(size, nodes);
            // then
            assertThat(root)
                    .as("size %d", size)
                    .isEqualTo(frontierOf(size, hasher).root());
        }
    }

    private void assertRefused(byte[] bytes, String reason) {
        assertThatThrownBy(() -> MerkleFrontier.fromBytes(bytes, hasher))
                .isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining(reason);
    }
}
