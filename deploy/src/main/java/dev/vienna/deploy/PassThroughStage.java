package dev.vienna.deploy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One stage of the benchmark's pass-through pipeline, in a JVM of its own like the Vienna service it stands in for (see
 * {@link PassThrough}): it reads what the service reads and writes, for each record that triggers the service's work,
 * as many records of the measured sizes to the same topics as the service wrote per such record, with the same client
 * kind and processing guarantee, and does nothing else. Three kinds:
 *
 * <ul>
 *   <li>{@code http} (intake): an HTTP server whose {@code POST} writes the outputs (acknowledged by every in-sync
 *       replica, idempotent) and answers 202 with a new intent id, the record key, once the broker acknowledged;
 *   <li>{@code streams} (policy, approval, warrant, audit): a Kafka Streams application with the services' Streams
 *       settings (exactly-once, the same commit interval);
 *   <li>{@code consumer} (executor): a consumer group reading committed records, writing the outputs of each polled
 *       batch, waiting for their acknowledgement, then committing the batch's offsets.
 * </ul>
 *
 * Every stage also reads, and drops, the topics its service follows without acting on them (registries, claims). It
 * prints {@code pass-through <stage> ready} once it takes work. Its one argument is its settings file (written by
 * {@link PassThrough}).
 */
public final class PassThroughStage {

    /** One output: the topic, records written per triggering record, and the size of each record's value. */
    record Output(String topic, double perInput, int valueBytes) {
        static Output parse(String spec) {
            String[] parts = spec.split(":");
            return new Output(parts[0], Double.parseDouble(parts[1]), Integer.parseInt(parts[2]));
        }

        String spec() {
            return topic + ":" + perInput + ":" + valueBytes;
        }
    }

    /** Decides how many records each output gets per input, carrying fractions over to the next input. */
    static final class Fanout {
        private final List<Output> outputs;
        private final double[] credit;
        private final byte[][] values;

        Fanout(List<Output> outputs) {
            this.outputs = outputs;
            this.credit = new double[outputs.size()];
            this.values = outputs.stream().map(o -> new byte[o.valueBytes()]).toArray(byte[][]::new);
        }

        /** Calls {@code write(topic, value)} for each record one more input is worth. */
        void forEach(Writer write) {
            for (int i = 0; i < outputs.size(); i++) {
                credit[i] += outputs.get(i).perInput();
                for (; credit[i] >= 1 - 1e-9; credit[i] -= 1) {
                    write.write(outputs.get(i).topic(), values[i]);
                }
            }
        }

        interface Writer {
            void write(String topic, byte[] value);
        }
    }

    public static void main(String[] args) throws Exception {
        Properties settings = new Properties();
        try (var reader = Files.newBufferedReader(Path.of(args[0]))) {
            settings.load(reader);
        }
        String stage = settings.getProperty("stage");
        Properties client = prefixed(settings, "client.");
        List<Output> outputs =
                list(settings, "outputs").stream().map(Output::parse).toList();
        startFollower(client, list(settings, "follows"), stage);
        switch (settings.getProperty("kind")) {
            case "http" -> serveHttp(client, prefixed(settings, "producer."), outputs, settings, stage);
            case "streams" ->
                runStreams(client, prefixed(settings, "streams."), list(settings, "triggers"), outputs, stage);
            case "consumer" ->
                consume(client, prefixed(settings, "producer."), list(settings, "triggers"), outputs, stage);
            default -> throw new IllegalArgumentException("unknown stage kind " + settings.getProperty("kind"));
        }
    }

    private static void serveHttp(
            Properties client, Properties producerSettings, List<Output> outputs, Properties settings, String stage)
            throws IOException {
        KafkaProducer<byte[], byte[]> producer = producer(client, producerSettings);
        // the JDK server writes headers and body apart: without TCP_NODELAY each answer waits for a delayed ACK (40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(
                new InetSocketAddress("127.0.0.1", Integer.parseInt(settings.getProperty("port"))), 128);
        server.setExecutor(Executors.newFixedThreadPool(64));
        Fanout fanout = new Fanout(outputs);
        server.createContext("/v1/intents", exchange -> {
            try (exchange;
                    InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
                String intentId = UUID.randomUUID().toString();
                byte[] key = intentId.getBytes(StandardCharsets.UTF_8);
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                synchronized (fanout) {
                    fanout.forEach((topic, value) -> sent.add(producer.send(new ProducerRecord<>(topic, key, value))));
                }
                int status = 202;
                for (Future<RecordMetadata> ack : sent) {
                    try {
                        ack.get();
                    } catch (ExecutionException e) {
                        status = 503;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        status = 503;
                    }
                }
                byte[] response = ("{\"intentId\":\"" + intentId + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, response.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response);
                }
            }
        });
        server.start();
        System.out.println("pass-through " + stage + " ready");
    }

    private static void runStreams(
            Properties client, Properties streamsSettings, List<String> triggers, List<Output> outputs, String stage)
            throws InterruptedException {
        Properties config = new Properties();
        config.putAll(client);
        config.putAll(streamsSettings);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "pt-" + stage);
        StreamsBuilder builder = new StreamsBuilder();
        String header = "pt.topic";
        builder.stream(triggers, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new Processor<byte[], byte[], byte[], byte[]>() {
                    private final Fanout fanout = new Fanout(outputs);
                    private ProcessorContext<byte[], byte[]> context;

                    @Override
                    public void init(ProcessorContext<byte[], byte[]> context) {
                        this.context = context;
                    }

                    @Override
                    public void process(Record<byte[], byte[]> record) {
                        fanout.forEach((topic, value) -> {
                            Record<byte[], byte[]> out = record.withValue(value)
                                    .withHeaders(new org.apache.kafka.common.header.internals.RecordHeaders());
                            out.headers().add(header, topic.getBytes(StandardCharsets.UTF_8));
                            context.forward(out);
                        });
                    }
                })
                .to(
                        (key, value, context) ->
                                new String(context.headers().lastHeader(header).value(), StandardCharsets.UTF_8),
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        KafkaStreams streams = new KafkaStreams(builder.build(), config);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(10))));
        streams.start();
        running.await();
        System.out.println("pass-through " + stage + " ready");
    }

    private static void consume(
            Properties client, Properties producerSettings, List<String> triggers, List<Output> outputs, String stage) {
        KafkaProducer<byte[], byte[]> producer = producer(client, producerSettings);
        Properties config = new Properties();
        config.putAll(client);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "pt-" + stage);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Fanout fanout = new Fanout(outputs);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(triggers, new ConsumerRebalanceListener() {
                private boolean announced;

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!announced) {
                        announced = true;
                        System.out.println("pass-through " + stage + " ready");
                    }
                }
            });
            while (true) {
                var records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    fanout.forEach((topic, value) -> producer.send(new ProducerRecord<>(topic, record.key(), value)));
                }
                producer.flush();
                Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
                for (TopicPartition partition : records.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> part = records.records(partition);
                    offsets.put(
                            partition,
                            new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
                }
                consumer.commitAsync(offsets, null);
            }
        }
    }

    /** Reads the followed topics from their end and drops every record, as the services' followers read them. */
    private static void startFollower(Properties client, List<String> topics, String stage) {
        if (topics.isEmpty()) {
            return;
        }
        Thread follower = new Thread(
                () -> {
                    try (KafkaConsumer<byte[], byte[]> consumer =
                            new KafkaConsumer<>(client, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                        List<TopicPartition> partitions = new ArrayList<>();
                        for (String topic : topics) {
                            consumer.partitionsFor(topic)
                                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                        }
                        consumer.assign(partitions);
                        consumer.seekToEnd(partitions);
                        while (true) {
                            consumer.poll(Duration.ofMillis(100));
                        }
                    }
                },
                stage + "-follower");
        follower.setDaemon(true);
        follower.start();
    }

    private static KafkaProducer<byte[], byte[]> producer(Properties client, Properties producerSettings) {
        Properties config = new Properties();
        config.putAll(client);
        config.putAll(producerSettings);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Properties prefixed(Properties settings, String prefix) {
        Properties selected = new Properties();
        settings.stringPropertyNames().stream()
                .filter(name -> name.startsWith(prefix))
                .forEach(name -> selected.put(name.substring(prefix.length()), settings.getProperty(name)));
        return selected;
    }

    private static List<String> list(Properties settings, String name) {
        String value = settings.getProperty(name, "").trim();
        return value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
    }

    private PassThroughStage() {}
}
