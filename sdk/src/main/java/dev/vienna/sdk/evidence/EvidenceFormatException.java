package dev.vienna.sdk.evidence;

/**
 * Evidence bytes or text that do not follow their format: a frontier, signed note, key or checkpoint that cannot be
 * parsed. The message says what was wrong; it never echoes secret key material. Parsers in this package throw only this
 * on malformed input, never an index or null-pointer exception.
 */
public final class EvidenceFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public EvidenceFormatException(String message) {
        super(message);
    }
}
