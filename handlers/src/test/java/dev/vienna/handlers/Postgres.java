package dev.vienna.handlers;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The real PostgreSQL of this machine and CI (127.0.0.1:5432, trust auth, database {@code test}). Not reachable means
 * the tests fail: there is no skipping.
 */
final class Postgres {

    private Postgres() {}

    /** A data source for user {@code postgres}, or else the OS user; fails naming both attempts. */
    static PGSimpleDataSource dataSource() {
        List<String> problems = new ArrayList<>();
        for (String user : new String[] {"postgres", System.getProperty("user.name")}) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setServerNames(new String[] {"127.0.0.1"});
            dataSource.setPortNumbers(new int[] {5432});
            dataSource.setDatabaseName("test");
            dataSource.setUser(user);
            dataSource.setConnectTimeout(5);
            try (Connection connection = dataSource.getConnection()) {
                if (connection.isValid(5)) {
                    return dataSource;
                }
            } catch (SQLException e) {
                problems.add(user + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432/test is not reachable (start it with"
                + " pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): " + problems);
    }

    /** A table name no other test class or run uses. */
    static String uniqueTable(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection();
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static long count(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection();
                var statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * A data source that hands out the same one connection every time, like a pool of one, and ignores close(): a
     * transaction left open or aborted by one action shows in the next. The names of the transaction calls made on it
     * ({@code setAutoCommit(false)}, {@code commit}, {@code rollback}, ...) are appended to {@code calls}.
     */
    static DataSource singleConnection(Connection connection, List<String> calls) {
        Connection shared = (Connection) Proxy.newProxyInstance(
                Postgres.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    if (List.of("commit", "rollback", "setAutoCommit").contains(method.getName())) {
                        calls.add(method.getName() + (args == null ? "" : "(" + args[0] + ")"));
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        PGSimpleDataSource base = new PGSimpleDataSource();
        return (DataSource) Proxy.newProxyInstance(
                Postgres.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return shared;
                    }
                    return method.invoke(base, args);
                });
    }
}
