package dev.vienna.sdk.kafka.revocation;

import dev.vienna.events.RevocationScope;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.sdk.kafka.follow.TopicFollower;
import dev.vienna.sdk.warrant.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Keeps a {@link RevocationList} current from {@code warrant-revocations} (a {@link TopicFollower}: every partition
 * from the beginning, then as it grows, polling every 100 ms, so a revocation takes effect well within a second). A
 * verifier must not act before it has read the revocations there are, nor after it stopped reading them: callers make
 * {@link #caughtUp()} and {@link #healthy()} part of their readiness and refuse to verify otherwise.
 */
public final class RevocationListener implements AutoCloseable {

    private final RevocationList revocations = new RevocationList();
    private final TopicFollower<WarrantRevoked> follower;

    /** Starts following the topic; {@code kafka} holds the client settings (bootstrap servers, security). */
    public RevocationListener(Map<String, Object> kafka) {
        this.follower = new TopicFollower<>(
                kafka,
                Topics.WARRANT_REVOCATIONS,
                revoked -> apply(revoked, revocations),
                Clock.systemUTC(),
                Duration.ofSeconds(30));
    }

    /** Applies one revocation event to {@code list}: a warrant by id, or an agent's kill switch. */
    public static void apply(WarrantRevoked revoked, RevocationList list) {
        if (revoked.getScope() == RevocationScope.WARRANT && revoked.getWarrantId() != null) {
            list.revokeWarrant(revoked.getWarrantId());
        } else if (revoked.getScope() == RevocationScope.AGENT && revoked.getAgentId() != null) {
            list.revokeAgentUpTo(revoked.getAgentId(), revoked.getRevokedBefore());
        }
    }

    public RevocationList revocations() {
        return revocations;
    }

    /** True once every revocation that existed when following began has been read. */
    public boolean caughtUp() {
        return follower.caughtUp();
    }

    /** True while the follower runs and polls. */
    public boolean healthy() {
        return follower.healthy();
    }

    /** Waits until caught up or {@code timeout} passes; returns whether it caught up. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    @Override
    public void close() {
        follower.close();
    }
}
