package dev.vienna.sdk.evidence;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A C2SP transparency-log checkpoint (https://c2sp.org/tlog-checkpoint): the body of a signed note naming a log's
 * Merkle tree head, one item a line,
 *
 * <pre>
 * &lt;origin&gt;
 * &lt;tree size, decimal, no leading zero&gt;
 * &lt;root hash, standard padded base64 of 32 bytes&gt;
 * [&lt;extension line&gt;...]
 * </pre>
 *
 * For Vienna the origin is a {@link ChainOrigin} and the tree is the {@link MerkleFrontier} of one audit chain. Read a
 * checkpoint only from the text of a note whose signatures {@link SignedNote#verify verified}. Immutable.
 */
public final class Checkpoint {

    private static final Pattern TREE_SIZE = Pattern.compile("0|[1-9][0-9]{0,18}");

    private final String origin;
    private final long size;
    private final byte[] rootHash;
    private final List<String> extensions;

    /**
     * @throws IllegalArgumentException if a part cannot stand in a checkpoint: an empty origin or extension line, a
     *     newline or control character in one, a negative size, a root hash that is not 32 bytes
     */
    public Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
        checkLine(origin, "origin");
        if (size < 0) {
            throw new IllegalArgumentException("tree size is negative: " + size);
        }
        if (rootHash == null || rootHash.length != TreeHasher.HASH_SIZE) {
            throw new IllegalArgumentException("a root hash is 32 bytes");
        }
        extensions.forEach(line -> checkLine(line, "extension line"));
        this.origin = origin;
        this.size = size;
        this.rootHash = rootHash.clone();
        this.extensions = List.copyOf(extensions);
    }

    public Checkpoint(String origin, long size, byte[] rootHash) {
        this(origin, size, rootHash, List.of());
    }

    private static void checkLine(String line, String what) {
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint's " + what + " is non-empty");
        }
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a checkpoint's " + what + " is one line");
        }
        String characters = NoteText.characterProblem(line);
        if (characters != null) {
            throw new IllegalArgumentException("the checkpoint's " + what + " has a " + characters);
        }
    }

    /**
     * Reads a checkpoint from a note text, strictly: at least three lines, none empty, each ending in a newline; a
     * canonical decimal size; a canonical base64 root hash of 32 bytes.
     *
     * @throws EvidenceFormatException with the reason otherwise
     */
    public static Checkpoint parse(String text) {
        if (text == null) {
            throw new EvidenceFormatException("no checkpoint text");
        }
        if (!text.endsWith("\n")) {
            throw new EvidenceFormatException("a checkpoint ends with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new EvidenceFormatException("a checkpoint has at least three lines: origin, tree size, root hash");
        }
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                throw new EvidenceFormatException("checkpoint line " + (i + 1) + " is empty");
            }
        }
        if (!TREE_SIZE.matcher(lines[1]).matches()) {
            throw new EvidenceFormatException("the tree size is not a decimal number without leading zeros");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new EvidenceFormatException("the tree size is larger than " + Long.MAX_VALUE);
        }
        byte[] rootHash = NoteText.decodeCanonicalBase64(lines[2]);
        if (rootHash == null) {
            throw new EvidenceFormatException("the root hash is not canonical standard base64");
        }
        if (rootHash.length != TreeHasher.HASH_SIZE) {
            throw new EvidenceFormatException("the root hash has " + rootHash.length + " bytes, not 32");
        }
        try {
            return new Checkpoint(lines[0], size, rootHash, Arrays.asList(lines).subList(3, lines.length));
        } catch (IllegalArgumentException e) {
            throw new EvidenceFormatException(e.getMessage());
        }
    }

    public String origin() {
        return origin;
    }

    public long size() {
        return size;
    }

    public byte[] rootHash() {
        return rootHash.clone();
    }

    public List<String> extensions() {
        return extensions;
    }

    /** Whether this checkpoint's root hash is {@code root}, compared in constant time. */
    public boolean hasRoot(byte[] root) {
        return root != null && MessageDigest.isEqual(rootHash, root);
    }

    /** The note text: origin, size, base64 root hash and extension lines, each ending in a newline. */
    public String toText() {
        List<String> lines = new ArrayList<>(
                List.of(origin, Long.toString(size), Base64.getEncoder().encodeToString(rootHash)));
        lines.addAll(extensions);
        return String.join("\n", lines) + "\n";
    }

    /** A signed note of this checkpoint, signed by {@code key} (whose name should be the origin). */
    public SignedNote sign(NoteSignerKey key) {
        return SignedNote.unsigned(toText()).signedBy(key);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint checkpoint
                && origin.equals(checkpoint.origin)
                && size == checkpoint.size
                && Arrays.equals(rootHash, checkpoint.rootHash)
                && extensions.equals(checkpoint.extensions);
    }

    @Override
    public int hashCode() {
        return ((origin.hashCode() * 31 + Long.hashCode(size)) * 31 + Arrays.hashCode(rootHash)) * 31
                + extensions.hashCode();
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + " @ " + size + " " + Base64.getEncoder().encodeToString(rootHash) + "]";
    }
}
