package dev.vienna.handlers;

import static dev.vienna.handlers.Fixtures.catalog;
import static dev.vienna.handlers.Fixtures.handler;
import static dev.vienna.handlers.Fixtures.input;
import static dev.vienna.handlers.Fixtures.output;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.handlers.ActionOutcome.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SqlHandlerTest {

    private static DataSource database;
    private static String table;

    @BeforeAll
    static void createTable() {
        database = Postgres.dataSource();
        table = Postgres.uniqueTable("vienna_changes");
        Postgres.execute(
                database,
                "CREATE TABLE " + table + " (id serial PRIMARY KEY, warrant_id text NOT NULL, service text NOT NULL,"
                        + " replicas integer CHECK (replicas < 100), note text, UNIQUE (warrant_id, service))");
    }

    @AfterAll
    static void dropTable() {
        Postgres.execute(database, "DROP TABLE IF EXISTS " + table);
    }

    @BeforeEach
    void emptyTable() {
        Postgres.execute(database, "DELETE FROM " + table);
    }

    private static ActionCatalog catalogOf(String actions, DataSource dataSource) {
        return catalog("actions:\n" + actions.replace("TABLE", table), Map.of(), Optional.of(dataSource));
    }

    private static ActionInput inputFor(String action, String warrant, String resource, ObjectNode params) {
        return new ActionInput(
                warrant,
                "i-1",
                "agent-1",
                action,
                resource,
                params,
                Instant.now().plusSeconds(60));
    }

    @Test
    void shouldInsertWithEveryValueBound() {
        ActionCatalog catalog = catalogOf("""
                  record_change:
                    handler: sql
                    statement: "INSERT INTO TABLE (warrant_id, service, replicas) VALUES (:warrant, :resource, :params.replicas)"
                    args: { resource: "[a-z][a-z0-9-]{0,62}", params.replicas: "[0-9]{1,3}" }
                    timeout: 5s
                """, database);

        ActionOutcome outcome =
                handler(catalog, "record_change").run(input("record_change", "billing-api", "{\"replicas\": 7}"));

        assertThat(outcome.status()).as("%s", outcome).isEqualTo(Status.SUCCEEDED);
        assertThat(output(outcome)).isEqualTo(Fixtures.json("{\"rowsAffected\":1}"));
        assertThat(Postgres.count(
                        database,
                        "SELECT count(*) FROM " + table
                                + " WHERE warrant_id = 'w-1' AND service = 'billing-api' AND replicas = 7"))
                .isEqualTo(1);
    }

    @Test
    void shouldStoreAnInjectionAttemptVerbatimAsData() throws Exception {
        String attack = "x'); DROP TABLE " + table + "; --";
        ActionCatalog catalog = catalogOf("""
                  note:
                    handler: sql
                    statement: "INSERT INTO TABLE (warrant_id, service, note) VALUES (:warrant, :resource, :params.note)"
                    args: { resource: "(?s).*", params.note: "(?s).*" }
                """, database);
        ObjectNode params = Fixtures.JSON.createObjectNode().put("note", attack);

        ActionOutcome outcome = handler(catalog, "note").run(inputFor("note", "w-inject", "svc'--", params));

        assertThat(outcome.status()).as("%s", outcome).isEqualTo(Status.SUCCEEDED);
        try (Connection connection = database.getConnection();
                PreparedStatement query =
                        connection.prepareStatement("SELECT service, note FROM " + table + " WHERE warrant_id = ?")) {
            query.setString(1, "w-inject");
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).as("the row exists, so the table does").isTrue();
                assertThat(rows.getString("service")).isEqualTo("svc'--");
                assertThat(rows.getString("note")).isEqualTo(attack);
            }
        }
    }

    @Test
    void shouldReturnTheFirstRowsUpToTheCapAndSayTruncated() {
        for (int i = 1; i <= 5; i++) {
            Postgres.execute(
                    database,
                    "INSERT INTO " + table + " (warrant_id, service, replicas) VALUES ('w-" + i + "', 'svc', " + i
                            + ")");
        }
        ActionCatalog catalog = catalogOf("""
                  list_small:
                    handler: sql
                    statement: "SELECT warrant_id, replicas, replicas > 2 AS big FROM TABLE WHERE service = :resource ORDER BY replicas"
                    args: { resource: "[a-z]+" }
                    maxRows: 3
                  list_all:
                    handler: sql
                    statement: "SELECT warrant_id FROM TABLE WHERE service = :resource ORDER BY replicas"
                    args: { resource: "[a-z]+" }
                    maxRows: 5
                """, database);

        JsonNode small = output(handler(catalog, "list_small").run(input("list_small", "svc", "{}")));
        JsonNode all = output(handler(catalog, "list_all").run(input("list_all", "svc", "{}")));

        assertThat(small)
                .isEqualTo(Fixtures.json("{\"rows\":[{\"warrant_id\":\"w-1\",\"replicas\":1,\"big\":false},"
                        + "{\"warrant_id\":\"w-2\",\"replicas\":2,\"big\":false},"
                        + "{\"warrant_id\":\"w-3\",\"replicas\":3,\"big\":true}],\"rowCount\":3,\"truncated\":true}"));
        assertThat(all.get("rowCount").asInt()).isEqualTo(5);
        assertThat(all.get("truncated").asBoolean()).isFalse();
    }

    @Test
    void shouldTreatColonsInLiteralsAndCastsAsText() {
        ActionCatalog catalog = catalogOf("""
                  echo:
                    handler: sql
                    statement: "SELECT :resource::text AS r, ':nope' AS lit, \\":odd\\" FROM (SELECT 1 AS \\":odd\\") t -- :comment"
                    args: { resource: "[a-z]+" }
                """, database);

        ActionOutcome outcome = handler(catalog, "echo").run(input("echo", "abc", "{}"));

        assertThat(output(outcome))
                .isEqualTo(
                        Fixtures.json(
                                "{\"rows\":[{\"r\":\"abc\",\"lit\":\":nope\",\":odd\":1}],\"rowCount\":1,\"truncated\":false}"));
    }

    @Test
    void shouldFailFastWhenTheStatementOutrunsItsTimeout() {
        ActionCatalog catalog = catalogOf("""
                  sleepy:
                    handler: sql
                    statement: "SELECT pg_sleep(10)"
                    timeout: 500ms
                """, database);

        long started = System.nanoTime();
        ActionOutcome outcome = handler(catalog, "sleepy").run(input("sleepy", "x", "{}"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error()).startsWith("SQLState 57014: ");
        assertThat(output(outcome).get("sqlState").asText()).isEqualTo("57014");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void shouldRollBackEverythingWhenAStatementFails() throws Exception {
        try (Connection connection = database.getConnection()) {
            List<String> calls = new CopyOnWriteArrayList<>();
            DataSource poolOfOne = Postgres.singleConnection(connection, calls);
            ActionCatalog catalog = catalogOf("""
                      two_rows:
                        handler: sql
                        statement: "INSERT INTO TABLE (warrant_id, service, replicas) VALUES (:warrant, 'first', 1); INSERT INTO TABLE (warrant_id, service, replicas) VALUES (:warrant, 'second', :params.replicas)"
                        args: { params.replicas: "[0-9]+" }
                      count:
                        handler: sql
                        statement: "SELECT count(*) AS n FROM TABLE WHERE warrant_id = :warrant"
                    """, poolOfOne);

            ActionOutcome failed = handler(catalog, "two_rows").run(input("two_rows", "x", "{\"replicas\": 500}"));
            List<String> failedCalls = List.copyOf(calls);
            ActionOutcome counted = handler(catalog, "count").run(input("count", "x", "{}"));

            assertThat(failed.status()).isEqualTo(Status.FAILED);
            assertThat(failed.error()).startsWith("SQLState 23514: ");
            assertThat(failedCalls).containsExactly("setAutoCommit(false)", "rollback", "setAutoCommit(true)");
            assertThat(counted.status())
                    .as("the shared connection is usable: its transaction was rolled back, %s", counted)
                    .isEqualTo(Status.SUCCEEDED);
            assertThat(output(counted).get("rows").get(0).get("n").asLong()).isZero();
            assertThat(connection.getAutoCommit()).isTrue();
        }
        assertThat(Postgres.count(database, "SELECT count(*) FROM " + table)).isZero();
    }

    @Test
    void shouldCommitBothStatementsWhenBothSucceed() {
        ActionCatalog catalog = catalogOf("""
                  two_rows:
                    handler: sql
                    statement: "INSERT INTO TABLE (warrant_id, service, replicas) VALUES (:warrant, 'first', 1); INSERT INTO TABLE (warrant_id, service, replicas) VALUES (:warrant, 'second', :params.replicas)"
                    args: { params.replicas: "[0-9]+" }
                """, database);

        ActionOutcome outcome = handler(catalog, "two_rows").run(input("two_rows", "x", "{\"replicas\": 5}"));

        assertThat(outcome.status()).as("%s", outcome).isEqualTo(Status.SUCCEEDED);
        assertThat(Postgres.count(database, "SELECT count(*) FROM " + table + " WHERE warrant_id = 'w-1'"))
                .isEqualTo(2);
    }

    @Test
    void shouldFailNamingTheSqlStateOfAConstraintViolation() {
        Postgres.execute(
                database, "INSERT INTO " + table + " (warrant_id, service, replicas) VALUES ('w-1', 'svc', 1)");
        ActionCatalog catalog = catalogOf("""
                  record:
                    handler: sql
                    statement: "INSERT INTO TABLE (warrant_id, service) VALUES (:warrant, :resource)"
                    args: { resource: "[a-z]+" }
                """, database);

        ActionOutcome outcome = handler(catalog, "record").run(input("record", "svc", "{}"));

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error()).startsWith("SQLState 23505: ");
        assertThat(Postgres.count(database, "SELECT count(*) FROM " + table)).isEqualTo(1);
    }

    @Test
    void shouldRejectAMismatchedArgumentWithoutTouchingTheDatabase() {
        ActionCatalog catalog = catalogOf("""
                  record:
                    handler: sql
                    statement: "INSERT INTO TABLE (warrant_id, service) VALUES (:warrant, :resource)"
                    args: { resource: "[a-z]+" }
                """, database);

        ActionOutcome outcome = handler(catalog, "record").run(input("record", "svc'; DELETE FROM x; --", "{}"));

        assertThat(outcome.status()).isEqualTo(Status.REJECTED);
        assertThat(outcome.error()).isEqualTo("argument resource does not match its pattern");
        assertThat(Postgres.count(database, "SELECT count(*) FROM " + table)).isZero();
    }
}
