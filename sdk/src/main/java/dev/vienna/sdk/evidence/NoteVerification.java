package dev.vienna.sdk.evidence;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What checking a note's signatures against known keys found, signature by signature. Per the signed-note spec, a note
 * is {@link #trusted()} when at least one signature from a known key verifies and none from a known key fails;
 * signatures from unknown keys are ignored (a later witness or a rotated key), but listed.
 *
 * @param verified signatures from known keys that verified
 * @param unknownKey signatures whose key name and ID match no known key
 * @param invalid signatures from known keys that did not verify
 */
public record NoteVerification(
        List<NoteSignature> verified, List<NoteSignature> unknownKey, List<NoteSignature> invalid) {

    public NoteVerification {
        verified = List.copyOf(verified);
        unknownKey = List.copyOf(unknownKey);
        invalid = List.copyOf(invalid);
    }

    /** Whether the note's text may be used: a known key's signature verified and none failed. */
    public boolean trusted() {
        return !verified.isEmpty() && invalid.isEmpty();
    }

    /** Whether {@code key} is among the keys whose signature verified (a checkpoint's log key, a witness). */
    public boolean verifiedBy(NoteVerifierKey key) {
        return verified.stream().anyMatch(key::matches);
    }

    /** Why the note is trusted or not, naming keys by name and ID. */
    public String reason() {
        if (!invalid.isEmpty()) {
            return "signature does not verify: " + names(invalid);
        }
        if (verified.isEmpty()) {
            return "no signature from a known key"
                    + (unknownKey.isEmpty() ? "" : "; unknown keys: " + names(unknownKey));
        }
        return "verified by " + names(verified);
    }

    private static String names(List<NoteSignature> signatures) {
        return signatures.stream().map(NoteSignature::toString).collect(Collectors.joining(", "));
    }
}
