package dev.vienna.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A held intent as the notifier remembers it (store {@value NotificationDeriver#PENDING_STORE}, changelogged, so the
 * expiring timer survives a restart), as JSON.
 *
 * @param recordId the audit record of its {@code IntentTiered}, from which the webhook id of its
 *     {@code approval.expiring} is derived
 * @param recordHash that record's chain hash
 * @param data the {@code approval.pending} data, the base of {@code approval.expiring}'s
 * @param deadlineMs when operators must have decided
 * @param leadMs how long before the deadline {@code approval.expiring} goes out
 * @param expiringSent whether it went out (once per intent)
 * @param decided whether it was decided (then no {@code approval.expiring})
 * @param forgetAtMs when the entry is deleted
 */
record PendingApproval(
        String recordId,
        String recordHash,
        ObjectNode data,
        long deadlineMs,
        long leadMs,
        boolean expiringSent,
        boolean decided,
        long forgetAtMs) {

    PendingApproval withExpiringSent() {
        return new PendingApproval(recordId, recordHash, data, deadlineMs, leadMs, true, decided, forgetAtMs);
    }

    PendingApproval decidedUntil(long forgetAt) {
        return new PendingApproval(recordId, recordHash, data, deadlineMs, leadMs, expiringSent, true, forgetAt);
    }

    String toJson() {
        try {
            return Notification.JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PendingApproval fromJson(String json) {
        try {
            return Notification.JSON.readValue(json, PendingApproval.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
