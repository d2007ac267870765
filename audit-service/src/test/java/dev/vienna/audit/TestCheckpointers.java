package dev.vienna.audit;

import dev.vienna.sdk.evidence.NoteSignerKey;
import java.time.Duration;

/** Checkpointers for topology tests: deployment {@value #DEPLOYMENT}, a fresh key each. */
final class TestCheckpointers {

    static final String DEPLOYMENT = "vienna.test";

    /** Checkpoints every {@code records} records or every {@code interval}. */
    static Checkpointer every(long records, Duration interval) {
        return new Checkpointer(DEPLOYMENT, NoteSignerKey.generate(DEPLOYMENT + "/audit"), records, interval);
    }

    /** The service's defaults: 1000 records or 5 s. */
    static Checkpointer defaults() {
        return every(1000, Duration.ofSeconds(5));
    }

    private TestCheckpointers() {}
}
