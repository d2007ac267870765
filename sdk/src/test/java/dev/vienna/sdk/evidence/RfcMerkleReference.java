package dev.vienna.sdk.evidence;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 §2.1 written out as its recursive definitions (MTH, PATH, SUBPROOF) over leaf data, with a digest of its
 * own: slow, obviously right, independent of the code under test.
 */
final class RfcMerkleReference {

    private RfcMerkleReference() {}

    /** MTH(D[n]) of §2.1.1. */
    static byte[] mth(List<byte[]> data) {
        int n = data.size();
        if (n == 0) {
            return sha256(new byte[0]);
        }
        if (n == 1) {
            return sha256(new byte[] {0x00}, data.get(0));
        }
        int k = largestPowerOfTwoBelow(n);
        return sha256(new byte[] {0x01}, mth(data.subList(0, k)), mth(data.subList(k, n)));
    }

    /** PATH(m, D[n]) of §2.1.3.1. */
    static List<byte[]> path(int m, List<byte[]> data) {
        int n = data.size();
        List<byte[]> proof = new ArrayList<>();
        if (n == 1) {
            return proof;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            proof.addAll(path(m, data.subList(0, k)));
            proof.add(mth(data.subList(k, n)));
        } else {
            proof.addAll(path(m - k, data.subList(k, n)));
            proof.add(mth(data.subList(0, k)));
        }
        return proof;
    }

    /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of §2.1.4.1. */
    static List<byte[]> proof(int m, List<byte[]> data) {
        return subproof(m, data, true);
    }

    private static List<byte[]> subproof(int m, List<byte[]> data, boolean b) {
        int n = data.size();
        List<byte[]> proof = new ArrayList<>();
        if (m == n) {
            if (!b) {
                proof.add(mth(data));
            }
            return proof;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            proof.addAll(subproof(m, data.subList(0, k), b));
            proof.add(mth(data.subList(k, n)));
        } else {
            proof.addAll(subproof(m - k, data.subList(k, n), false));
            proof.add(mth(data.subList(0, k)));
        }
        return proof;
    }

    /** The largest power of two smaller than n (n > 1). */
    private static int largestPowerOfTwoBelow(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
