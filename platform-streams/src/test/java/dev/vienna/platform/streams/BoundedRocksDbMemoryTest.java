package dev.vienna.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

/** Every RocksDB store of a service shares one bounded cache and write buffer budget. */
class BoundedRocksDbMemoryTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldGiveEveryStoreSmallMemtablesChargedToTheSharedBudget() {
        try (Options first = new Options();
                Options second = new Options()) {
            first.setTableFormatConfig(new BlockBasedTableConfig());
            second.setTableFormatConfig(new BlockBasedTableConfig());

            new BoundedRocksDbMemory().setConfig("a", first, Map.of());
            new BoundedRocksDbMemory().setConfig("b", second, Map.of());

            for (Options options : new Options[] {first, second}) {
                assertThat(options.writeBufferSize()).isEqualTo(2L * 1024 * 1024);
                assertThat(options.maxWriteBufferNumber()).isEqualTo(2);
                assertThat(((BlockBasedTableConfig) options.tableFormatConfig()).cacheIndexAndFilterBlocks())
                        .isTrue();
            }
        }
    }

    @Test
    void shouldKeepAPersistentStoreWorkingUnderTheBound() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("counts"), Serdes.String(), Serdes.Long()));
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(
                        () -> new Processor<String, String, Void, Void>() {
                            private KeyValueStore<String, Long> counts;

                            @Override
                            public void init(ProcessorContext<Void, Void> context) {
                                counts = context.getStateStore("counts");
                            }

                            @Override
                            public void process(Record<String, String> record) {
                                Long count = counts.get(record.key());
                                counts.put(record.key(), count == null ? 1 : count + 1);
                            }
                        },
                        "counts");
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "bounded-rocksdb-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), config)) {
            var in = driver.createInputTopic(
                    "in", Serdes.String().serializer(), Serdes.String().serializer());
            for (int i = 0; i < 2_000; i++) {
                in.pipeInput("key-" + (i % 500), "v");
            }
            KeyValueStore<String, Long> counts = driver.getKeyValueStore("counts");

            assertThat(counts.approximateNumEntries()).isPositive();
            assertThat(counts.get("key-0")).isEqualTo(4L);
            assertThat(counts.get("key-499")).isEqualTo(4L);
        }
    }
}
