package dev.vienna.deploy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The database the local stack's SQL actions run on, when one is configured: {@value #URL_VARIABLE} (a PostgreSQL JDBC
 * URL), with {@code VIENNA_DATABASE_USER} and {@code VIENNA_DATABASE_PASSWORD}. The stack creates the shipped
 * {@code record_change} action's table if it is missing and hands executor-service the Quarkus datasource settings (in
 * its environment, never on its command line).
 */
public record LocalDatabase(String url, String user, String password) {

    public static final String URL_VARIABLE = "VIENNA_DATABASE_URL";

    /**
     * The change log the shipped {@code record_change} action appends to: one row per run, so a warrant that ran twice
     * would show as two rows of its warrant_id.
     */
    static final String CHANGE_LOG_DDL = "CREATE TABLE IF NOT EXISTS vienna_change_log ("
            + "id bigserial PRIMARY KEY, warrant_id text NOT NULL, agent_id text NOT NULL, service text NOT NULL,"
            + " summary text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())";

    /** PostgreSQL on this machine's loopback, database {@code test}, as the tests use it. */
    public static LocalDatabase localTest() {
        return new LocalDatabase("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
    }

    /** The database {@value #URL_VARIABLE} names, if any. */
    public static Optional<LocalDatabase> fromEnvironment() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new LocalDatabase(
                url,
                System.getenv().getOrDefault("VIENNA_DATABASE_USER", "postgres"),
                System.getenv().getOrDefault("VIENNA_DATABASE_PASSWORD", "")));
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Creates the change log table if it is missing. */
    void prepare() {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(CHANGE_LOG_DDL);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the database at " + url + ": " + e.getMessage(), e);
        }
    }

    /** How many change-log rows the warrant with this id wrote: how often its action ran. */
    public int changeLogRows(String warrantId) throws SQLException {
        try (Connection c = connect();
                var s = c.prepareStatement("SELECT count(*) FROM vienna_change_log WHERE warrant_id = ?")) {
            s.setString(1, warrantId);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    Map<String, String> executorEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", url);
        env.put("QUARKUS_DATASOURCE_USERNAME", user);
        env.put("QUARKUS_DATASOURCE_PASSWORD", password);
        return env;
    }

    @Override
    public String toString() {
        return "LocalDatabase[" + url + " as " + user + ", password hidden]";
    }
}
