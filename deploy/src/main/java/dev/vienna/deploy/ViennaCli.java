package dev.vienna.deploy;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.KafkaAccess;
import dev.vienna.events.Topics;
import dev.vienna.issuer.LocalOperatorIssuer;
import dev.vienna.sdk.evidence.NoteSignerKey;
import dev.vienna.sdk.kafka.audit.AuditLogReader;
import dev.vienna.sdk.secret.SecretFiles;
import dev.vienna.sdk.warrant.SignatureAlgorithm;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code ./vienna} command: {@code up} runs the local stack until Ctrl-C, {@code demo} runs it, shows one intent
 * per tier and stops, {@code bench} measures it, {@code audit verify} replays and verifies an audit log, {@code audit
 * timeline} prints one intent's records from it, {@code audit export} fetches an intent's evidence bundle and
 * {@code audit verify-bundle} checks one offline, {@code keys generate} adds a warrant key to a key directory and
 * {@code keys checkpoint} writes audit-service's checkpoint signing key. {@code policy test} loads a policy directory
 * and runs its test cases. {@code token} prints an operator's bearer token from the local issuer that the stack's
 * services trust. {@code agent} registers, lists, suspends and resumes agents at a running stack's intake-service with
 * such a token.
 */
public final class ViennaCli {

    private static final String USAGE = """
      usage: ./vienna up [--algorithm ED25519|HMAC_SHA256] [--listen 127.0.0.1] [--brokers 1|3] [--instances 1|2]
             ./vienna demo [--algorithm ED25519|HMAC_SHA256] [--console [--wait 15m]]
                 (--console: the T3 deploy waits for you to decide it in the console, signed in as alice and bob)
             ./vienna bench [--intents N] [--concurrency C] [--algorithm ED25519|HMAC_SHA256] [--json FILE]
                 [--no-pass-through]   (then drives the same load through a pass-through pipeline on the broker)
             ./vienna chaos [--intents N] [--rate R] [--brokers 3] [--instances 2] [--all-at-once]   (kills -9 every
                 service instance once and one broker under a mixed load, one by one or all first instances in one
                 moment; exit 1 on a lost or duplicated intent or a broken chain)
             ./vienna audit verify --bootstrap HOST:PORT --config CLIENT.properties [--keys FILE_OR_URL]
                 [--deployment NAME] [--require-checkpoints]   (every chain against its signed checkpoints;
                 --keys: audit-service's /v1/audit/keys JWK set or vkey lines, default the local stack's key)
             ./vienna audit timeline INTENT_ID --bootstrap HOST:PORT --config CLIENT.properties
             ./vienna audit export INTENT_ID [--audit URL] [--token TOKEN] [--wait 30s] > bundle.json
                 (the intent's evidence bundle from audit-service; by default the local stack's, with a token of the
                 local issuer; waits for the checkpoint that covers its newest record)
             ./vienna audit verify-bundle FILE [--keys JWKS_FILE_OR_URL] [--warrant-keys JWKS_FILE_OR_URL]
                 (checks an intent's evidence bundle offline; --keys: GET /v1/audit/keys of the log, or vkey lines;
                 without keys, the bundle's own: integrity, not origin. Exit 0 verified, 1 not)
             ./vienna keys generate DIR KEY_ID [--algorithm ED25519|HMAC_SHA256]
             ./vienna keys checkpoint FILE NAME      (audit-service's checkpoint key, NAME e.g. vienna.example.com/audit;
                 prints its public verifier key)
             ./vienna policy test [DIR]              (DIR defaults to policies)
             ./vienna token NAME --role ROLE[,ROLE...] [--tenants T[,T...]] [--ttl 1h]
                 roles: viewer, approver, auditor, security, admin; without --tenants, for every tenant
             ./vienna agent register AGENT_ID --owner PRINCIPAL[,PRINCIPAL...] [--tenant T]
                 [--kafka-config ADMIN.properties [--passback http|kafka]] [--intake URL]   (prints the API key
                 alone; --passback kafka gives the agent its Kafka feed of PASSBACK warrants)
             ./vienna agent list|suspend|resume [AGENT_ID] [--reason TEXT] [--intake URL]
      every command: --data DIR   keys, agents' secrets and run data (default .vienna)
      """;

    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args), System.out));
    }

    static int run(List<String> args, PrintStream out) throws Exception {
        if (args.isEmpty()) {
            out.print(USAGE);
            return 2;
        }
        Arguments a = new Arguments(args.subList(1, args.size()));
        ViennaStack.Options options = ViennaStack.Options.defaults(
                        Path.of(System.getProperty("vienna.root", ".")).toAbsolutePath(), out)
                .withAlgorithm(SignatureAlgorithm.valueOf(a.value("--algorithm", "ED25519")))
                .withListenHost(a.value("--listen", "127.0.0.1"))
                .withBrokers(count(a, "--brokers"))
                .withInstances(count(a, "--instances"));
        String dataDir = a.value("--data", null);
        if (dataDir != null) {
            options = options.withDataDir(Path.of(dataDir));
        }
        switch (args.get(0)) {
            case "up" -> {
                return up(options, out);
            }
            case "demo" -> {
                try (ViennaStack stack = ViennaStack.start(options)) {
                    Duration operatorsWait = a.has("--console") ? ttl(a.value("--wait", "15m")) : Duration.ZERO;
                    boolean ok = Demo.run(stack, out, Duration.ofSeconds(90), operatorsWait);
                    out.println(ok ? "demo: OK" : "demo: FAILED");
                    return ok ? 0 : 1;
                }
            }
            case "bench" -> {
                int intents = Integer.parseInt(a.value("--intents", "10000"));
                int concurrency = Integer.parseInt(a.value("--concurrency", "64"));
                Map<String, Object> settings = new java.util.LinkedHashMap<>();
                settings.put("intents", intents);
                settings.put("concurrency", concurrency);
                settings.put("algorithm", options.algorithm().name());
                settings.put("partitions", options.partitions());
                settings.put("serviceJvmOptions", options.jvmOptions());
                settings.put("cores", Runtime.getRuntime().availableProcessors());
                settings.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
                settings.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
                try (ViennaStack stack = ViennaStack.start(options)) {
                    out.printf(
                            "bench: warrants signed with %s; machine: %s cores, JDK %s; service JVMs: %s%n",
                            options.algorithm(), settings.get("cores"), settings.get("jdk"), options.jvmOptions());
                    Bench.run(
                            stack,
                            intents,
                            concurrency,
                            !a.has("--no-pass-through"),
                            Optional.ofNullable(a.value("--json", null)).map(Path::of),
                            settings,
                            out);
                    return 0;
                }
            }
            case "chaos" -> {
                ViennaStack.Options chaos = options.withJvmOptions(Chaos.JVM_OPTIONS);
                if (a.value("--brokers", null) == null) {
                    chaos = chaos.withBrokers(3);
                }
                if (a.value("--instances", null) == null) {
                    chaos = chaos.withInstances(2);
                }
                try (ViennaStack stack = ViennaStack.start(chaos)) {
                    stack.supervise(Duration.ofSeconds(1), Duration.ofSeconds(30));
                    Chaos.Report report = Chaos.run(
                            stack,
                            Integer.parseInt(a.value("--intents", "1000")),
                            Double.parseDouble(a.value("--rate", "20")),
                            stack.instances(),
                            a.has("--all-at-once") ? Chaos.Schedule.ALL_AT_ONCE : Chaos.Schedule.ONE_BY_ONE,
                            out);
                    return report.ok() ? 0 : 1;
                }
            }
            case "audit" -> {
                if (args.size() >= 3
                        && args.get(1).equals("export")
                        && !args.get(2).startsWith("--")) {
                    return export(args.get(2), new Arguments(args.subList(3, args.size())), options, out);
                }
                if (args.size() >= 2 && args.get(1).equals("verify-bundle")) {
                    return VerifyBundleCommand.run(args.subList(2, args.size()), out, USAGE);
                }
                if (args.size() >= 3 && args.get(1).equals("timeline")) {
                    return timeline(args.get(2), new Arguments(args.subList(3, args.size())).kafka(), out);
                }
                if (args.size() < 2 || !args.get(1).equals("verify")) {
                    out.print(USAGE);
                    return 2;
                }
                Arguments verify = new Arguments(args.subList(2, args.size()));
                return AuditVerify.run(
                        verify.kafka(),
                        Optional.ofNullable(verify.value("--keys", null)),
                        Optional.ofNullable(verify.value("--deployment", null)),
                        verify.has("--require-checkpoints"),
                        options.dataDir(),
                        out);
            }
            case "policy" -> {
                if (args.size() < 2 || args.size() > 3 || !args.get(1).equals("test")) {
                    out.print(USAGE);
                    return 2;
                }
                Path dir = args.size() == 3
                        ? Path.of(args.get(2))
                        : options.projectRoot().resolve("policies");
                return PolicyTests.run(dir, Clock.systemUTC(), out);
            }
            case "token" -> {
                if (args.size() < 2 || args.get(1).startsWith("--") || a.value("--role", null) == null) {
                    out.print(USAGE);
                    return 2;
                }
                List<String> roles = List.of(a.value("--role", "").split(","));
                String tenants = a.value("--tenants", null);
                LocalOperatorIssuer issuer = ViennaStack.operatorIssuer(options);
                out.println(issuer.token(
                        args.get(1),
                        roles,
                        issuer.issuer(),
                        LocalOperatorIssuer.AUDIENCE,
                        Instant.now(),
                        ttl(a.value("--ttl", "1h")),
                        tenants == null ? null : List.of(tenants.split(","))));
                return 0;
            }
            case "agent" -> {
                return agent(args.subList(1, args.size()), options, out);
            }
            case "keys" -> {
                if (args.size() == 4 && args.get(1).equals("checkpoint")) {
                    return checkpointKey(Path.of(args.get(2)), args.get(3), out);
                }
                if (args.size() < 4 || !args.get(1).equals("generate")) {
                    out.print(USAGE);
                    return 2;
                }
                Path dir = Path.of(args.get(2));
                if (WarrantKeyRing.load(Files.isDirectory(dir) ? dir : Files.createDirectories(dir), null)
                        .resolve(args.get(3))
                        .isPresent()) {
                    out.println("keys: " + dir + " already has a key " + args.get(3));
                    return 1;
                }
                WarrantKey key = WarrantKeyRing.generate(dir, args.get(3), options.algorithm());
                out.println("keys: generated " + key + " in " + dir);
                return 0;
            }
            default -> {
                out.print(USAGE);
                return 2;
            }
        }
    }

    /**
     * {@code agent register|list|suspend|resume}: the registry API of the stack's intake-service ({@code --intake},
     * default the local stack's), with a short-lived token of the local issuer (admin to register, security to suspend
     * or resume, viewer to list). A refusal prints its problem and exits 1.
     */
    private static int agent(List<String> args, ViennaStack.Options options, PrintStream out) throws Exception {
        Arguments a = new Arguments(args);
        String command = args.isEmpty() ? "" : args.get(0);
        boolean needsId = !command.equals("list");
        if (!List.of("register", "list", "suspend", "resume").contains(command)
                || (needsId && (args.size() < 2 || args.get(1).startsWith("--")))) {
            out.print(USAGE);
            return 2;
        }
        URI intake = URI.create(a.value("--intake", "http://localhost:" + options.basePort()));
        LocalAgents agents = new LocalAgents(
                intake, ViennaStack.operatorIssuer(options), options.dataDir().toAbsolutePath());
        try {
            switch (command) {
                case "register" -> {
                    String owners = a.value("--owner", null);
                    if (owners == null) {
                        out.print(USAGE);
                        return 2;
                    }
                    String kafkaConfig = a.value("--kafka-config", null);
                    String passback = a.value("--passback", "http");
                    if (!List.of("http", "kafka").contains(passback)
                            || (passback.equals("kafka") && kafkaConfig == null)) {
                        out.println("agent: --passback is http or kafka, and kafka needs --kafka-config");
                        return 2;
                    }
                    LocalAgents.Agent agent = agents.register(
                            args.get(1),
                            a.value("--tenant", ViennaStack.LOCAL_TENANT),
                            List.of(owners.split(",")),
                            kafkaConfig == null ? null : properties(Path.of(kafkaConfig)),
                            passback.equals("kafka"));
                    // the key alone on stdout, so KEY=$(./vienna agent register ...) works; it is kept too
                    out.println(agent.apiKey());
                    System.err.println("agent: registered " + agent.agentId() + " in tenant " + agent.tenantId()
                            + "; API key and signing key kept in "
                            + agents.apiKeyFile(agent.agentId()).getParent());
                }
                case "list" -> out.println(agents.list().toPrettyString());
                case "suspend" ->
                    out.println(
                            agents.suspend(args.get(1), a.required("--reason")).toPrettyString());
                case "resume" ->
                    out.println(agents.resume(args.get(1), a.value("--reason", "resumed"))
                            .toPrettyString());
                default -> throw new IllegalStateException(command);
            }
            return 0;
        } catch (LocalAgents.Refused e) {
            out.println("agent: refused: " + e.getMessage());
            return 1;
        }
    }

    /** A Kafka client properties file as client settings. */
    private static Map<String, Object> properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(file)) {
            properties.load(in);
        }
        Map<String, Object> config = new HashMap<>();
        properties.forEach((key, value) -> config.put(key.toString(), value));
        return config;
    }

    /** A count option of {@code up}, {@code demo} and {@code bench}: 1 by default, at least 1, at most 9. */
    private static int count(Arguments a, String name) {
        String text = a.value(name, "1");
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number from 1 to 9, not " + text);
        }
        if (n < 1 || n > 9) {
            throw new IllegalArgumentException(name + " must be from 1 to 9, not " + n);
        }
        return n;
    }

    /** A token lifetime: {@code 90s}, {@code 30m}, {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT1H}). */
    static Duration ttl(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("--ttl must look like 90s, 30m, 1h, 2d or PT1H, not " + text);
        };
    }

    /**
     * Prints intent {@code intentId}'s evidence bundle as audit-service serves it ({@code GET
     * /v1/intents/{id}/evidence}), waiting while it answers 503 (a record not checkpointed yet) up to {@code --wait}.
     */
    private static int export(String intentId, Arguments a, ViennaStack.Options options, PrintStream out)
            throws IOException, InterruptedException {
        URI audit =
                URI.create(a.value("--audit", "http://localhost:" + ViennaStack.portOf(options, "audit-service", 0)));
        String token = a.value("--token", null);
        if (token == null) {
            token = ViennaStack.operatorIssuer(options)
                    .token("vienna-audit-export", Duration.ofMinutes(5), List.of("auditor"));
        }
        HttpRequest request = HttpRequest.newBuilder(audit.resolve(
                        "/v1/intents/" + URLEncoder.encode(intentId, StandardCharsets.UTF_8) + "/evidence"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .build();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + ttl(a.value("--wait", "30s")).toNanos();
        while (true) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                out.println(response.body());
                return 0;
            }
            long retryAfter = response.headers().firstValueAsLong("Retry-After").orElse(1);
            if (response.statusCode() != 503 || System.nanoTime() + retryAfter * 1_000_000_000L > deadline) {
                System.err.println("audit: no evidence bundle for " + intentId + ": " + response.statusCode() + " "
                        + response.body());
                return 1;
            }
            Thread.sleep(retryAfter * 1000);
        }
    }

    /** Writes a new checkpoint signer key to {@code file} (owner-only; never over an existing one), prints its vkey. */
    private static int checkpointKey(Path file, String name, PrintStream out) {
        if (Files.exists(file)) {
            out.println(
                    "keys: " + file + " exists; a new checkpoint key would not verify the checkpoints signed so far");
            return 1;
        }
        NoteSignerKey key;
        try {
            key = NoteSignerKey.generate(name);
        } catch (IllegalArgumentException e) {
            out.println("keys: " + name + " cannot name a key: " + e.getMessage());
            return 2;
        }
        if (file.toAbsolutePath().getParent() != null) {
            SecretFiles.directory(file.toAbsolutePath().getParent());
        }
        SecretFiles.write(file, key.encoded() + "\n");
        out.println("keys: wrote checkpoint key " + name + " to " + file + "; its verifier key:");
        out.println(key.verifierKey().encoded());
        return 0;
    }

    /** Every audit record of one intent, in chain order: what an auditor sees, straight from the log. */
    private static int timeline(String intentId, Map<String, Object> kafka, PrintStream out) {
        // raw, so a tombstone or an undecodable record (which audit verify names) does not stop the timeline
        var decoder = Topics.AUDIT.valueSerde().deserializer();
        List<AuditRecord> records = new ArrayList<>();
        AuditLogReader.readRaw(kafka, Topics.AUDIT.name(), Duration.ofSeconds(60), raw -> {
            try {
                AuditRecord record = raw.value() == null ? null : decoder.deserialize(Topics.AUDIT.name(), raw.value());
                if (record != null && intentId.equals(record.getIntentId())) {
                    records.add(record);
                }
            } catch (RuntimeException e) {
                // not an audit record: not part of any intent's timeline
            }
        });
        records.sort(Comparator.comparingInt(AuditRecord::getChain).thenComparingLong(AuditRecord::getSequence));
        if (records.isEmpty()) {
            out.println("audit: no record of intent " + intentId);
            return 1;
        }
        records.forEach(r -> out.printf(
                "%s  %-18s %-16s %s%n", r.getOccurredAt(), r.getEventType(), r.getRecordId(), r.getSummary()));
        return 0;
    }

    private static int up(ViennaStack.Options options, PrintStream out) throws Exception {
        ViennaStack stack = ViennaStack.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("vienna: stopping");
            try {
                stack.close();
            } catch (Exception e) {
                out.println("vienna: error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }));
        out.printf(
                """
        vienna: the pipeline is up (Ctrl-C stops it)
          console:   %s  (sign in as alice, bob, carol, vera, audrey, tina, ...: README "The console")
          agent key: KEY=$(cat %s)
                     (or your own: KEY=$(./vienna agent register my-agent --owner me))
          submit:    curl -s -XPOST %s/v1/intents -H "Authorization: Bearer $KEY" \\
                       -H 'Content-Type: application/json' -d '{"action":"restart_service","resource":"api-gateway"}'
          lifecycle: curl -s -H "Authorization: Bearer $KEY" %s/v1/intents/<intentId>
          operator:  TOKEN=$(./vienna token alice --role approver)
          pending:   curl -s -H "Authorization: Bearer $TOKEN" %s/v1/approvals/pending
          audit:     ./vienna audit verify --bootstrap %s --config %s
        """,
                stack.consoleUri(),
                stack.apiKeyFile("demo-agent"),
                stack.uriOf("intake-service"),
                stack.uriOf("audit-service"),
                stack.uriOf("approval-service"),
                stack.bootstrapServers(),
                stack.credentialsFile(KafkaAccess.AUDITOR.principal()));
        // a child that dies is restarted with back-off, as Kubernetes restarts a Deployment's pod
        stack.supervise(Duration.ofSeconds(1), Duration.ofSeconds(30));
        stopped.await();
        return 0;
    }

    /** {@code --name value} pairs. */
    private record Arguments(List<String> args) {
        String value(String name, String fallback) {
            int i = args.indexOf(name);
            return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
        }

        /** Whether a flag (an option without a value) was given. */
        boolean has(String flag) {
            return args.contains(flag);
        }

        String required(String name) {
            String value = value(name, null);
            if (value == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            return value;
        }

        /**
         * Kafka client settings: {@code --bootstrap HOST:PORT} and {@code --config FILE}, a Kafka client properties
         * file with the principal's credentials (the local stack writes one per principal under its run's
         * {@code credentials/}).
         */
        Map<String, Object> kafka() throws IOException {
            String file = value("--config", null);
            Map<String, Object> config = file == null ? new HashMap<>() : properties(Path.of(file));
            config.put("bootstrap.servers", required("--bootstrap"));
            return config;
        }
    }

    private ViennaCli() {}
}
