package dev.vienna.handlers;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * How long one action takes through each built-in handler, end to end on this machine: argument checks, the deadline,
 * and the work itself (shell {@code /bin/true}, an HTTP POST to a local HttpServer, an SQL insert into PostgreSQL, the
 * noop). Runs {@value #WARMUP} unmeasured and then {@value #RUNS} measured actions per handler, one at a time, and
 * prints the median and p99 in microseconds. {@code sql} opens a new connection per action (PGSimpleDataSource has no
 * pool); {@code sql*} reuses one connection, as a pooled data source would.
 *
 * <pre>./mvnw -o -q -pl handlers test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.vienna.handlers.HandlerOverhead</pre>
 */
public final class HandlerOverhead {

    private static final int WARMUP = 50;
    private static final int RUNS = 500;
    private static final String ACTIONS = """
            actions:
              noop: { handler: noop, args: { resource: "[a-z-]+" } }
              shell:
                handler: shell
                command: ["/bin/true", "{resource}"]
                args: { resource: "[a-z-]+" }
              http:
                handler: http
                method: POST
                baseUrl: "http://127.0.0.1:${PORT}/"
                path: "/hooks/{resource}"
                body: { service: "{resource}", replicas: "{params.replicas}" }
                args: { resource: "[a-z-]+", params.replicas: "[0-9]{1,3}" }
              sql:
                handler: sql
                statement: "INSERT INTO TABLE (warrant_id, service, replicas) VALUES (:warrant, :resource, :params.replicas)"
                args: { resource: "[a-z-]+", params.replicas: "[0-9]{1,3}" }
            """;

    private HandlerOverhead() {}

    public static void main(String[] args) throws Exception {
        DataSource database = Postgres.dataSource();
        String table = Postgres.uniqueTable("vienna_overhead");
        Postgres.execute(database, "CREATE TABLE " + table + " (warrant_id text, service text, replicas integer)");
        try (RecordingHttpServer server = new RecordingHttpServer();
                Connection connection = database.getConnection()) {
            Map<String, String> env = Map.of("PORT", String.valueOf(server.port()));
            ActionCatalog catalog = ActionCatalog.parse(
                    ACTIONS.replace("TABLE", table), "overhead.yaml", env::get, Optional.of(database));
            ActionCatalog reusing = ActionCatalog.parse(
                    ACTIONS.replace("TABLE", table),
                    "overhead.yaml",
                    env::get,
                    Optional.of(Postgres.singleConnection(connection, new ArrayList<>())));
            Map<String, long[]> results = new LinkedHashMap<>();
            for (String action : new String[] {"noop", "shell", "http", "sql"}) {
                results.put(action, measure(catalog.handlerFor(action).orElseThrow(), action));
                server.received().clear();
            }
            results.put("sql*", measure(reusing.handlerFor("sql").orElseThrow(), "sql"));
            System.out.printf("%-6s %8s %12s %12s%n", "kind", "runs", "median us", "p99 us");
            results.forEach((action, micros) -> System.out.printf(
                    "%-6s %8d %12d %12d%n", action, micros.length, percentile(micros, 50), percentile(micros, 99)));
        } finally {
            Postgres.execute(database, "DROP TABLE IF EXISTS " + table);
        }
    }

    private static long[] measure(ActionHandler handler, String action) {
        ActionInput input = new ActionInput(
                "w-bench",
                "i-bench",
                "agent-bench",
                action,
                "billing-api",
                Fixtures.json("{\"replicas\": 3}"),
                Instant.now().plusSeconds(3600));
        long[] micros = new long[RUNS];
        for (int i = -WARMUP; i < RUNS; i++) {
            long started = System.nanoTime();
            ActionOutcome outcome = handler.run(input);
            long took = (System.nanoTime() - started) / 1000;
            if (outcome.status() != ActionOutcome.Status.SUCCEEDED) {
                throw new IllegalStateException(action + ": " + outcome);
            }
            if (i >= 0) {
                micros[i] = took;
            }
        }
        return micros;
    }

    private static long percentile(long[] values, int percent) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
