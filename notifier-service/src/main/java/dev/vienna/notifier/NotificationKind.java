package dev.vienna.notifier;

import java.util.Arrays;
import java.util.Optional;

/** What a notification tells its receiver; {@link #type()} is the webhook's {@code type}. */
public enum NotificationKind {
    /** An intent now waits for operators' approvals. */
    APPROVAL_PENDING("approval.pending"),
    /** Operators decided a held intent, or its deadline passed (EXPIRED). Automatic T0/T1 decisions are not sent. */
    APPROVAL_DECIDED("approval.decided"),
    /** A held intent's deadline is near and it is still undecided; sent once per intent. */
    APPROVAL_EXPIRING("approval.expiring"),
    /** An execution was checked against its warrant and did not fit (verdict VIOLATION). */
    EXECUTION_VIOLATION("execution.violation"),
    /** An agent was suspended (the kill switch). */
    AGENT_SUSPENDED("agent.suspended");

    private final String type;

    NotificationKind(String type) {
        this.type = type;
    }

    /** The wire name, e.g. {@code approval.pending}. */
    public String type() {
        return type;
    }

    /** The kind named {@code type} on the wire, if any. */
    public static Optional<NotificationKind> ofType(String type) {
        return Arrays.stream(values()).filter(k -> k.type.equals(type)).findFirst();
    }
}
