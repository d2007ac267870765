package dev.vienna.notifier;

import dev.vienna.events.Tier;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** notifier-service settings ({@code vienna.notifier.*}; environment: {@code VIENNA_NOTIFIER_*}). */
@ConfigMapping(prefix = "vienna.notifier")
public interface NotifierConfig {

    /**
     * The operators' webhooks file (YAML; environment {@code VIENNA_WEBHOOKS_FILE}). Unset: the service runs and
     * delivers nothing. An invalid file stops it at start-up, naming the line or field.
     */
    Optional<Path> webhooksFile();

    /** Where the operators' console is: Slack messages link to {@code <console-url>/intents/<intentId>}. */
    @WithDefault("http://localhost:8088")
    URI consoleUrl();

    /** Audit records recorded longer ago than this are not notified (a new notifier does not page about the past). */
    @WithDefault("24h")
    Duration maxEventAge();

    /** When {@code approval.expiring} goes out ({@code vienna.notifier.expiring.*}). */
    Expiring expiring();

    interface Expiring {
        /** This long before a held intent's deadline ... */
        @WithDefault("10m")
        Duration lead();

        /** ... or this share of its time to decide before it, when that is earlier (a short deadline). */
        @WithDefault("0.25")
        double fraction();

        /** How often the wall-clock punctuator looks for deadlines that are near. */
        @WithDefault("5s")
        Duration scanInterval();
    }

    /**
     * approval-service's time to decide per tier when the policy sets none
     * ({@code vienna.notifier.approval-ttl.t0..t3}): keep it equal to {@code vienna.approval.ttl.*}, or deadlines in
     * notifications will be wrong.
     */
    ApprovalTtl approvalTtl();

    interface ApprovalTtl {
        @WithDefault("1h")
        Duration t0();

        @WithDefault("1h")
        Duration t1();

        @WithDefault("1h")
        Duration t2();

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

    /** How notifications are delivered ({@code vienna.notifier.delivery.*}). */
    Delivery delivery();

    interface Delivery {
        /** The wait before the first retry; doubled after each failed attempt ... */
        @WithDefault("1s")
        Duration initialBackoff();

        /** ... up to this (each wait jittered to between half and all of it). */
        @WithDefault("5m")
        Duration maxBackoff();

        /** An event not delivered this long after it was derived is given up and dead-lettered with the reason. */
        @WithDefault("24h")
        Duration maxAge();

        /** Time to connect to a receiver. */
        @WithDefault("2s")
        Duration connectTimeout();

        /** Time for a receiver's whole answer. */
        @WithDefault("5s")
        Duration requestTimeout();

        /** Requests in flight to one endpoint at most. */
        @WithDefault("4")
        int concurrency();

        /**
         * Events waiting for one endpoint (queued or between retries) at most; beyond it the oldest is given up (dead
         * letter), so a dead endpoint cannot take the service's memory.
         */
        @WithDefault("10000")
        int maxWaiting();

        /** The largest body sent; a larger one is given up (notifications are bounded far below it). */
        @WithDefault("65536")
        int maxBodyBytes();
    }
}
