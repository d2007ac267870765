package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.events.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * An audit log as a broker would store it: each partition's raw records in offset order, and the checkpoint topic's.
 * Tests build a valid one, tamper with the stored records, and verify it in memory or write it to a broker.
 */
final class StoredLog {

    final int partitions;
    final Map<Integer, List<RawRecord>> audit = new TreeMap<>();
    final List<RawRecord> checkpoints = new ArrayList<>();

    StoredLog(int partitions) {
        this.partitions = partitions;
    }

    /**
     * A valid log: chain c has {@code lengths[c]} records and a checkpoint at every {@code every} records (the last at
     * its newest multiple of {@code every}), on {@code partitions} partitions.
     */
    static StoredLog valid(int partitions, int every, int... lengths) {
        StoredLog log = new StoredLog(partitions);
        for (int chain = 0; chain < lengths.length; chain++) {
            List<AuditRecord> records = AuditFixtures.chain(chain, lengths[chain]);
            log.add(records);
            for (int size = every; size <= records.size(); size += every) {
                log.add(AuditFixtures.checkpoint(records, size));
            }
        }
        return log;
    }

    StoredLog add(List<AuditRecord> records) {
        List<RawRecord> stored = AuditFixtures.stored(records);
        stored.forEach(this::append);
        return this;
    }

    StoredLog add(AuditCheckpoint checkpoint) {
        appendCheckpoint(AuditFixtures.key(Integer.toString(checkpoint.getChain())), AuditFixtures.encode(checkpoint));
        return this;
    }

    /** Appends a record to its partition's end, at the next offset. */
    StoredLog append(RawRecord record) {
        List<RawRecord> partition = audit.computeIfAbsent(record.partition(), p -> new ArrayList<>());
        partition.add(new RawRecord(record.partition(), partition.size(), record.key(), record.value()));
        return this;
    }

    StoredLog appendCheckpoint(byte[] key, byte[] value) {
        checkpoints.add(new RawRecord(0, checkpoints.size(), key, value));
        return this;
    }

    /** Partition {@code partition}'s records, to change in place; offsets are renumbered on {@link #records()}. */
    List<RawRecord> partition(int partition) {
        return audit.computeIfAbsent(partition, p -> new ArrayList<>());
    }

    /** Replaces one stored value. */
    StoredLog rewrite(int partition, int index, UnaryOperator<byte[]> change) {
        RawRecord old = partition(partition).get(index);
        partition(partition).set(index, new RawRecord(partition, old.offset(), old.key(), change.apply(old.value())));
        return this;
    }

    /** Every audit record in partition order, offsets as a broker would give them. */
    List<RawRecord> records() {
        List<RawRecord> all = new ArrayList<>();
        audit.forEach((partition, records) -> {
            for (int i = 0; i < records.size(); i++) {
                RawRecord r = records.get(i);
                all.add(new RawRecord(partition, i, r.key(), r.value()));
            }
        });
        return all;
    }

    AuditVerification verify(AuditLogVerifier.Settings settings) {
        return AuditLogVerifier.verify(settings, checkpoints, records(), partitions);
    }

    static AuditLogVerifier.Settings settings() {
        return AuditLogVerifier.Settings.trusting(List.of(AuditFixtures.LOG_KEY.verifierKey()))
                .forDeployment(AuditFixtures.DEPLOYMENT);
    }
}
