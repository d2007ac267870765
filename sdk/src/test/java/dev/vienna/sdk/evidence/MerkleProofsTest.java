package dev.vienna.sdk.evidence;

import static dev.vienna.sdk.evidence.EvidenceFixtures.chainHash;
import static dev.vienna.sdk.evidence.EvidenceFixtures.chainHashes;
import static dev.vienna.sdk.evidence.EvidenceFixtures.flipped;
import static dev.vienna.sdk.evidence.EvidenceFixtures.frontierOf;
import static dev.vienna.sdk.evidence.EvidenceFixtures.leafHashes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleProofsTest {

    private static final int MAX_SIZE = 40;

    private final TreeHasher hasher = new TreeHasher();
    private final MerkleProofs proofs = new MerkleProofs(hasher);
    private final TreeNodes nodes = TreeNodes.fromLeaves(leafHashes(hasher), hasher);

    // ---- generation matches the RFC's definitions, and what is generated verifies ----

    @Test
    void shouldProveEveryLeafOfEveryTreeUpTo40() {
        for (int size = 1; size <= MAX_SIZE; size++) {
            byte[] root = frontierOf(size, hasher).root();
            for (int index = 0; index < size; index++) {
                // when
                List<byte[]> proof = proofs.inclusionProof(index, size, nodes);
                Verdict verdict = proofs.verifyInclusion(leaf(index), index, size, proof, root);
                // then
                assertThat(proof)
                        .as("PATH(%d, D[%d])", index, size)
                        .containsExactlyElementsOf(RfcMerkleReference.path(index, chainHashes(size)));
                assertThat(verdict.accepted())
                        .as("leaf %d of %d: %s", index, size, verdict.reason())
                        .isTrue();
            }
        }
    }

    @Test
    void shouldProveEveryPrefixOfEveryTreeUpTo40() {
        for (int size2 = 1; size2 <= MAX_SIZE; size2++) {
            byte[] root2 = frontierOf(size2, hasher).root();
            for (int size1 = 1; size1 <= size2; size1++) {
                byte[] root1 = frontierOf(size1, hasher).root();
                // when
                List<byte[]> proof = proofs.consistencyProof(size1, size2, nodes);
                Verdict verdict = proofs.verifyConsistency(size1, size2, root1, root2, proof);
                // then
                assertThat(proof)
                        .as("PROOF(%d, D[%d])", size1, size2)
                        .containsExactlyElementsOf(RfcMerkleReference.proof(size1, chainHashes(size2)));
                assertThat(verdict.accepted())
                        .as("%d -> %d: %s", size1, size2, verdict.reason())
                        .isTrue();
            }
        }
    }

    @Test
    void shouldGenerateTheSameProofsFromLeavesAlone() {
        // given
        long index = 13;
        long size = 29;
        // when
        List<byte[]> inclusion = proofs.inclusionProofFromLeaves(index, size, leafHashes(hasher));
        List<byte[]> consistency = proofs.consistencyProofFromLeaves(11, size, leafHashes(hasher));
        // then
        assertThat(inclusion).containsExactlyElementsOf(proofs.inclusionProof(index, size, nodes));
        assertThat(consistency).containsExactlyElementsOf(proofs.consistencyProof(11, size, nodes));
    }

    @Test
    void shouldReadFewNodesFromAStoreOfPerfectSubtrees() {
        // given a store that answers node reads directly, counting them
        int[] reads = {0};
        TreeNodes counted = (height, index) -> {
            reads[0]++;
            return nodes.node(height, index);
        };
        // when
        proofs.inclusionProof(1000, 1023, counted);
        // then: log2(1023) levels, plus the partial right subtree's pieces
        assertThat(reads[0]).isLessThanOrEqualTo(2 * 10);
    }

    @Test
    void shouldAcceptTheTrivialConsistencyCases() {
        byte[] root5 = frontierOf(5, hasher).root();
        assertThat(proofs.verifyConsistency(5, 5, root5, root5, List.of()).accepted())
                .isTrue();
        assertThat(proofs.verifyConsistency(0, 5, TreeHasher.emptyRoot(), root5, List.of())
                        .accepted())
                .isTrue();
        assertThat(proofs.consistencyProof(0, 5, nodes)).isEmpty();
        assertThat(proofs.consistencyProof(5, 5, nodes)).isEmpty();
    }

    @Test
    void shouldRefuseToGenerateProofsOutsideTheTree() {
        assertThatThrownBy(() -> proofs.inclusionProof(5, 5, nodes)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> proofs.inclusionProof(-1, 5, nodes)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> proofs.consistencyProof(6, 5, nodes)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> proofs.inclusionProof(0, 4, (height, index) -> new byte[3]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a 32-byte hash");
    }

    // ---- tampered inclusion proofs ----

    @Test
    void shouldRejectInclusionProofWithAFlippedBit() {
        for (int size = 2; size <= MAX_SIZE; size++) {
            byte[] root = frontierOf(size, hasher).root();
            for (int index = 0; index < size; index++) {
                List<byte[]> proof = proofs.inclusionProof(index, size, nodes);
                for (int element = 0; element < proof.size(); element++) {
                    // given
                    List<byte[]> tampered = new ArrayList<>(proof);
                    tampered.set(element, flipped(proof.get(element), (index * 7 + element) % 256));
                    // when
                    Verdict verdict = proofs.verifyInclusion(leaf(index), index, size, tampered, root);
                    // then
                    assertThat(verdict.accepted()).isFalse();
                    assertThat(verdict.reason()).contains("does not lead to the root");
                }
            }
        }
    }

    @Test
    void shouldRejectProofForAnotherLeaf() {
        // given
        List<byte[]> proof = proofs.inclusionProof(3, 10, nodes);
        byte[] root = frontierOf(10, hasher).root();
        // when
        Verdict verdict = proofs.verifyInclusion(leaf(4), 3, 10, proof, root);
        // then
        assertThat(verdict)
                .isEqualTo(
                        Verdict.refuse("the proof does not lead to the root: another leaf, index, tree size or root"));
    }

    @Test
    void shouldRejectInclusionProofAtAnotherIndex() {
        for (int size = 2; size <= MAX_SIZE; size++) {
            byte[] root = frontierOf(size, hasher).root();
            for (int index = 0; index < size; index++) {
                List<byte[]> proof = proofs.inclusionProof(index, size, nodes);
                for (int otherIndex = 0; otherIndex < size; otherIndex++) {
                    if (otherIndex != index) {
                        assertThat(proofs.verifyInclusion(leaf(index), otherIndex, size, proof, root)
                                        .accepted())
                                .as("leaf %d of %d claimed at %d", index, size, otherIndex)
                                .isFalse();
                    }
                }
            }
        }
    }

    /**
     * A proof binds the tree size only through the shape of the path (leaf 0's proof in a tree of 3 also leads to the
     * same root if called size 4), so size and root are checked together, as a checkpoint carries them.
     */
    @Test
    void shouldRejectInclusionProofAgainstACheckpointOfAnotherSize() {
        for (int size = 2; size <= MAX_SIZE; size++) {
            for (int index = 0; index < size; index++) {
                List<byte[]> proof = proofs.inclusionProof(index, size, nodes);
                for (int otherSize = index + 1; otherSize <= MAX_SIZE; otherSize++) {
                    if (otherSize != size) {
                        byte[] otherRoot = frontierOf(otherSize, hasher).root();
                        assertThat(proofs.verifyInclusion(leaf(index), index, otherSize, proof, otherRoot)
                                        .accepted())
                                .as("leaf %d of %d claimed in size %d", index, size, otherSize)
                                .isFalse();
                    }
                }
            }
        }
    }

    @Test
    void shouldRejectInclusionProofWithAnExtraOrMissingHash() {
        // given
        byte[] root = frontierOf(21, hasher).root();
        List<byte[]> proof = proofs.inclusionProof(6, 21, nodes);
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(root);
        List<byte[]> shorter = proof.subList(0, proof.size() - 1);
        // when
        Verdict withExtra = proofs.verifyInclusion(leaf(6), 6, 21, longer, root);
        Verdict withMissing = proofs.verifyInclusion(leaf(6), 6, 21, shorter, root);
        // then
        assertThat(withExtra.reason()).isEqualTo("the proof has 6 hashes; leaf 6 of a tree of size 21 needs 5");
        assertThat(withMissing.reason()).isEqualTo("the proof has 4 hashes; leaf 6 of a tree of size 21 needs 5");
    }

    @Test
    void shouldRejectHostileInclusionInputWithoutThrowing() {
        byte[] root = frontierOf(8, hasher).root();
        List<byte[]> proof = proofs.inclusionProof(2, 8, nodes);
        List<byte[]> withNull = new ArrayList<>(proof);
        withNull.set(1, null);
        List<byte[]> withShort = new ArrayList<>(proof);
        withShort.set(1, new byte[31]);
        List<byte[]> throwing = new ArrayList<>(proof) {
            @Override
            public byte[] get(int index) {
                throw new IllegalStateException("hostile list");
            }
        };

        assertRefused(proofs.verifyInclusion(leaf(2), 2, 8, null, root), "no proof");
        assertRefused(proofs.verifyInclusion(null, 2, 8, proof, root), "leaf hash is not 32 bytes");
        assertRefused(proofs.verifyInclusion(new byte[33], 2, 8, proof, root), "leaf hash is not 32 bytes");
        assertRefused(proofs.verifyInclusion(leaf(2), 2, 8, proof, null), "root is not 32 bytes");
        assertRefused(proofs.verifyInclusion(leaf(2), 2, 8, proof, new byte[0]), "root is not 32 bytes");
        assertRefused(proofs.verifyInclusion(leaf(2), 8, 8, proof, root), "not in a tree of size 8");
        assertRefused(proofs.verifyInclusion(leaf(2), -1, 8, proof, root), "not in a tree of size 8");
        assertRefused(proofs.verifyInclusion(leaf(2), 0, 0, List.of(), root), "has no leaves");
        assertRefused(proofs.verifyInclusion(leaf(2), 0, Long.MIN_VALUE, List.of(), root), "has no leaves");
        assertRefused(proofs.verifyInclusion(leaf(2), 2, 8, withNull, root), "proof hash 1 is not 32 bytes");
        assertRefused(proofs.verifyInclusion(leaf(2), 2, 8, withShort, root), "proof hash 1 is not 32 bytes");
        assertRefused(
                proofs.verifyInclusion(leaf(2), 2, 8, Collections.nCopies(65, root), root), "none needs more than 64");
        assertRefused(proofs.verifyInclusion(leaf(2), 2, 8, throwing, root), "could not be read");
        assertRefused(proofs.verifyInclusion(leaf(2), Long.MAX_VALUE - 1, Long.MAX_VALUE, proof, root), "needs 62");
    }

    // ---- tampered consistency proofs ----

    @Test
    void shouldRejectConsistencyProofWithAFlippedBit() {
        for (int size2 = 2; size2 <= MAX_SIZE; size2++) {
            byte[] root2 = frontierOf(size2, hasher).root();
            for (int size1 = 1; size1 < size2; size1++) {
                byte[] root1 = frontierOf(size1, hasher).root();
                List<byte[]> proof = proofs.consistencyProof(size1, size2, nodes);
                for (int element = 0; element < proof.size(); element++) {
                    // given
                    List<byte[]> tampered = new ArrayList<>(proof);
                    tampered.set(element, flipped(proof.get(element), (size1 + element) % 256));
                    // when
                    Verdict verdict = proofs.verifyConsistency(size1, size2, root1, root2, tampered);
                    // then
                    assertThat(verdict.accepted())
                            .as("%d -> %d, element %d flipped", size1, size2, element)
                            .isFalse();
                    assertThat(verdict.reason()).contains("does not lead to the");
                }
            }
        }
    }

    @Test
    void shouldRejectConsistencyProofWithSwappedOrWrongRootsOrSizes() {
        for (int size2 = 2; size2 <= MAX_SIZE; size2++) {
            byte[] root2 = frontierOf(size2, hasher).root();
            for (int size1 = 1; size1 < size2; size1++) {
                byte[] root1 = frontierOf(size1, hasher).root();
                List<byte[]> proof = proofs.consistencyProof(size1, size2, nodes);
                assertThat(proofs.verifyConsistency(size1, size2, root2, root1, proof)
                                .accepted())
                        .as("%d -> %d, roots swapped", size1, size2)
                        .isFalse();
                assertThat(proofs.verifyConsistency(size2, size1, root2, root1, proof)
                                .reason())
                        .contains("is larger than the second");
                assertThat(proofs.verifyConsistency(size1, size2, flipped(root1, 0), root2, proof)
                                .accepted())
                        .isFalse();
                assertThat(proofs.verifyConsistency(size1, size2, root1, flipped(root2, 255), proof)
                                .accepted())
                        .isFalse();
                for (int otherSize1 = 1; otherSize1 < size2; otherSize1++) {
                    if (otherSize1 != size1) {
                        assertThat(proofs.verifyConsistency(otherSize1, size2, root1, root2, proof)
                                        .accepted())
                                .as("%d -> %d claimed from %d", size1, size2, otherSize1)
                                .isFalse();
                    }
                }
            }
        }
    }

    @Test
    void shouldRejectConsistencyProofWithAnExtraOrMissingHash() {
        // given
        byte[] root1 = frontierOf(6, hasher).root();
        byte[] root2 = frontierOf(23, hasher).root();
        List<byte[]> proof = proofs.consistencyProof(6, 23, nodes);
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(0, root1);
        // when
        Verdict withExtra = proofs.verifyConsistency(6, 23, root1, root2, longer);
        Verdict withMissing = proofs.verifyConsistency(6, 23, root1, root2, proof.subList(1, proof.size()));
        Verdict empty = proofs.verifyConsistency(6, 23, root1, root2, List.of());
        // then
        assertThat(withExtra.reason()).startsWith("the proof has " + (proof.size() + 1) + " hashes");
        assertThat(withMissing.reason()).startsWith("the proof has " + (proof.size() - 1) + " hashes");
        assertThat(empty.accepted()).isFalse();
    }

    @Test
    void shouldRejectHostileConsistencyInputWithoutThrowing() {
        byte[] root4 = frontierOf(4, hasher).root();
        byte[] root9 = frontierOf(9, hasher).root();
        List<byte[]> proof = proofs.consistencyProof(4, 9, nodes);

        assertRefused(proofs.verifyConsistency(4, 9, root4, root9, null), "no proof");
        assertRefused(proofs.verifyConsistency(4, 9, null, root9, proof), "first root is not 32 bytes");
        assertRefused(proofs.verifyConsistency(4, 9, root4, Arrays.copyOf(root9, 40), proof), "second root");
        assertRefused(proofs.verifyConsistency(-1, 9, root4, root9, proof), "negative");
        assertRefused(proofs.verifyConsistency(9, 4, root9, root4, proof), "larger than the second");
        assertRefused(proofs.verifyConsistency(9, 9, root9, root9, proof), "need an empty proof");
        assertRefused(proofs.verifyConsistency(9, 9, root4, root9, List.of()), "different roots");
        assertRefused(proofs.verifyConsistency(0, 9, root4, root9, List.of()), "not the empty tree's hash");
        assertRefused(
                proofs.verifyConsistency(0, 9, TreeHasher.emptyRoot(), root9, proof), "from the empty tree the proof");
        assertRefused(proofs.verifyConsistency(4, 9, root4, root9, Collections.nCopies(1000, root4)), "more than 64");
        assertRefused(proofs.verifyConsistency(4, Long.MAX_VALUE, root4, root9, proof), "to size " + Long.MAX_VALUE);
    }

    private byte[] leaf(long index) {
        return hasher.leafHash(chainHash(index));
    }

    private static void assertRefused(Verdict verdict, String reason) {
        assertThat(verdict.accepted()).as(verdict.reason()).isFalse();
        assertThat(verdict.reason()).contains(reason);
    }
}
