package dev.vienna.platform.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the native memory of every RocksDB state store of a service: one block cache of {@value #CACHE_BYTES} bytes,
 * which also holds the stores' index and filter blocks and is charged for their memtables through one write buffer
 * manager of {@value #WRITE_BUFFER_BYTES} bytes, shared by all stores of all tasks in the JVM. RocksDB's defaults give
 * each store its own 50 MB cache and up to three 16 MB memtables, so a service's memory grew with its stores and
 * partitions (audit-service, five stores: the most resident memory of the six); Vienna's stores are small and mostly
 * written, so a small shared budget costs no throughput (README, "Benchmark"). Set through
 * {@code kafka-streams.rocksdb.config.setter}.
 *
 * <p>The cache and the manager are the JVM's, made once and never closed: a store closing must not free what the others
 * still use (the pattern of Kafka Streams' memory management guide).
 */
public class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The one block cache of the JVM, memtables included. */
    static final long CACHE_BYTES = 16L * 1024 * 1024;

    /** Of the cache, what memtables may take before RocksDB flushes them. */
    static final long WRITE_BUFFER_BYTES = 8L * 1024 * 1024;

    private static final class Shared {
        static final Cache CACHE = new LRUCache(CACHE_BYTES, -1, false, 0.1);
        static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(WRITE_BUFFER_BYTES, CACHE);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(Shared.CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(Shared.WRITE_BUFFERS);
        options.setWriteBufferSize(2L * 1024 * 1024);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // the shared cache and manager outlive any one store
    }
}
