package dev.vienna.notifier;

import dev.vienna.events.IntentTiered;
import dev.vienna.events.Tier;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * What the derivation of notifications needs to know.
 *
 * @param expiringLead how long before a held intent's deadline {@code approval.expiring} is sent ...
 * @param expiringFraction ... or this share of its time to decide, when that is earlier (a short deadline)
 * @param defaultTtl the approval stage's time to decide per tier when the policy sets no {@code approvalTtl}: must be
 *     approval-service's {@code vienna.approval.ttl.*}
 * @param scanInterval how often the wall-clock punctuator looks for deadlines that are near
 * @param maxEventAge an audit record recorded longer ago than this is not notified (a new notifier reading the whole
 *     log, or one that was down for long, does not page people about the past)
 */
public record NotificationSettings(
        Duration expiringLead,
        double expiringFraction,
        Function<Tier, Duration> defaultTtl,
        Duration scanInterval,
        Duration maxEventAge) {

    /** The defaults of {@link NotifierConfig}. */
    public static NotificationSettings defaults() {
        return new NotificationSettings(
                Duration.ofMinutes(10),
                0.25,
                tier -> tier == Tier.T3 ? Duration.ofHours(4) : Duration.ofHours(1),
                Duration.ofSeconds(5),
                Duration.ofHours(24));
    }

    /** The settings of the service's configuration. */
    public static NotificationSettings of(NotifierConfig config) {
        return new NotificationSettings(
                config.expiring().lead(),
                config.expiring().fraction(),
                config.approvalTtl()::of,
                config.expiring().scanInterval(),
                config.maxEventAge());
    }

    /**
     * When operators must have decided, exactly as approval-service computes it ({@code ApprovalRules.deadlineOf}): the
     * policy decision's time plus the policy's {@code approvalTtl} (ISO-8601; an unreadable, zero or negative one falls
     * back) or the tier's default.
     */
    public Instant deadlineOf(IntentTiered tiered) {
        return tiered.getOccurredAt().plus(ttlOf(tiered));
    }

    /** The intent's time to decide. */
    public Duration ttlOf(IntentTiered tiered) {
        Duration ttl = defaultTtl.apply(tiered.getTier());
        if (tiered.getApprovalTtl() != null) {
            try {
                Duration asked = Duration.parse(tiered.getApprovalTtl());
                ttl = asked.isNegative() || asked.isZero() ? ttl : asked;
            } catch (DateTimeParseException e) {
                // as approval-service: an unreadable TTL falls back to the tier's default
            }
        }
        return ttl;
    }

    /** How long before the deadline {@code approval.expiring} goes out for an intent with {@code ttl} to decide. */
    public Duration leadFor(Duration ttl) {
        Duration share = Duration.ofMillis((long) (ttl.toMillis() * expiringFraction));
        return share.compareTo(expiringLead) < 0 ? share : expiringLead;
    }
}
