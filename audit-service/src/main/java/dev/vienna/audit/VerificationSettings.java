package dev.vienna.audit;

import java.time.Duration;
import java.util.Set;

/**
 * How {@link ExecutionVerifier} judges and when: the grace after a warrant's expiry, the clock skew allowed around its
 * validity, the executors entitled to DIRECT reports, the punctuator's interval and how long decided warrants are kept.
 */
public record VerificationSettings(
        Duration grace, Duration clockSkew, Set<String> executorIds, Duration scanInterval, Duration retention) {

    public VerificationSettings {
        if (grace.isNegative() || clockSkew.isNegative() || retention.isNegative()) {
            throw new IllegalArgumentException("grace, clock skew and retention must not be negative");
        }
        if (scanInterval.isNegative() || scanInterval.isZero()) {
            throw new IllegalArgumentException("the scan interval must be positive");
        }
        executorIds = Set.copyOf(executorIds);
    }

    /** The defaults of {@link AuditConfig.Verification} (AuditServiceTest checks that they are the same). */
    public static VerificationSettings defaults() {
        return new VerificationSettings(
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Set.of("executor-service"),
                Duration.ofSeconds(5),
                Duration.ofDays(7));
    }

    public static VerificationSettings of(AuditConfig.Verification config) {
        return new VerificationSettings(
                config.grace(),
                config.clockSkew(),
                Set.copyOf(config.executorIds()),
                config.scanInterval(),
                config.retention());
    }
}
