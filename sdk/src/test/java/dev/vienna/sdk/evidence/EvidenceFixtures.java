package dev.vienna.sdk.evidence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongFunction;

/** Leaves shaped like audit records' chain hashes, and small helpers the evidence tests share. */
final class EvidenceFixtures {

    private static final HexFormat HEX = HexFormat.of();

    private EvidenceFixtures() {}

    /** Leaf data of record i: 32 bytes standing for its chain hash. */
    static byte[] chainHash(long i) {
        return RfcMerkleReference.sha256(("audit record " + i).getBytes(StandardCharsets.UTF_8));
    }

    static List<byte[]> chainHashes(int count) {
        List<byte[]> data = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            data.add(chainHash(i));
        }
        return data;
    }

    /** Leaf hashes of {@link #chainHash(long)}, by index, as a store would serve them. */
    static LongFunction<byte[]> leafHashes(TreeHasher hasher) {
        return i -> hasher.leafHash(chainHash(i));
    }

    static MerkleFrontier frontierOf(int size, TreeHasher hasher) {
        MerkleFrontier frontier = MerkleFrontier.empty(hasher);
        for (int i = 0; i < size; i++) {
            frontier.append(hasher.leafHash(chainHash(i)));
        }
        return frontier;
    }

    static byte[] flipped(byte[] hash, int bit) {
        byte[] copy = hash.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
