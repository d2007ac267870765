package dev.vienna.approval;

import dev.vienna.events.Tier;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** approval-service settings ({@code vienna.approval.*}; environment: {@code VIENNA_APPROVAL_*}). */
@ConfigMapping(prefix = "vienna.approval")
public interface ApprovalConfig {

    /** How long operators have to decide, per tier, when the policy sets no {@code approvalTtl}. */
    Ttl ttl();

    /**
     * true: one DENY by an authorized approver denies the intent; false: it takes as many denials as approvals
     * required.
     */
    @WithDefault("true")
    boolean denyOnFirstDeny();

    /** How often the wall-clock punctuator expires overdue intents and forgets old decisions. */
    @WithDefault("5s")
    Duration punctuationInterval();

    /** How long a decided intent is remembered, so a late vote is answered 409 (not 404) and refused. */
    @WithDefault("168h")
    Duration decidedRetention();

    /** How long a vote request waits for the broker's acknowledgement before answering 503. */
    @WithDefault("10s")
    Duration publishTimeout();

    /** Per-tier approval deadlines ({@code vienna.approval.ttl.t0..t3}). */
    interface Ttl {
        /** T0 (only when the policy asks for approvals on a T0 intent). */
        @WithDefault("1h")
        Duration t0();

        /** T1 (only when the policy asks for approvals on a T1 intent). */
        @WithDefault("1h")
        Duration t1();

        /** T2. */
        @WithDefault("1h")
        Duration t2();

        /** T3. */
        @WithDefault("4h")
        Duration t3();

        default Duration of(Tier tier) {
            return switch (tier) {
                case T0 -> t0();
                case T1 -> t1();
                case T2 -> t2();
                case T3 -> t3();
            };
        }
    }
}
