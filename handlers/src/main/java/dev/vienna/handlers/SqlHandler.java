package dev.vienna.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Runs one operator-written SQL statement in its own transaction, with every agent value bound through a typed JDBC
 * setter (never concatenated), a statement timeout from the deadline (and, on PostgreSQL, {@code SET LOCAL
 * statement_timeout} as well), and a row cap. Any SQL error rolls the transaction back.
 */
final class SqlHandler extends BuiltInHandler {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_MAX_ROWS = 100;

    private static final Logger LOG = Logger.getLogger(SqlHandler.class);
    private static final Set<String> KEYS = Set.of("handler", "description", "args", "statement", "timeout", "maxRows");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final NamedStatement statement;
    private final int maxRows;
    private final DataSource dataSource;
    private final Set<Statement> running = ConcurrentHashMap.newKeySet();

    private SqlHandler(
            String action,
            Arguments arguments,
            Duration timeout,
            NamedStatement statement,
            int maxRows,
            DataSource dataSource) {
        super(HandlerKind.SQL, action, arguments, timeout, statement.binds());
        this.statement = statement;
        this.maxRows = maxRows;
        this.dataSource = dataSource;
    }

    /**
     * The handler, or null when {@code dataSource} is null (the action is then inactive; the file is still checked).
     */
    static SqlHandler configure(String action, ConfigNode node, DataSource dataSource) {
        node.allowKeys(KEYS);
        Arguments arguments = Arguments.parse(node);
        node.requiredText("statement");
        NamedStatement statement = NamedStatement.parse(node.child("statement"));
        arguments.requirePatterns(node.child("statement"), statement.binds());
        Duration timeout = node.duration("timeout", DEFAULT_TIMEOUT);
        int maxRows = node.positiveInt("maxRows", DEFAULT_MAX_ROWS, 10_000);
        return dataSource == null ? null : new SqlHandler(action, arguments, timeout, statement, maxRows, dataSource);
    }

    @Override
    ActionOutcome execute(ActionInput input, Map<Placeholder, Arguments.Value> values, Deadline deadline) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            return ActionOutcome.failed("could not get a database connection: " + describe(e), sqlState(e), null);
        }
        try (connection) {
            return inTransaction(connection, values, deadline);
        } catch (SQLException e) {
            return ActionOutcome.failed(describe(e), sqlState(e), null);
        }
    }

    private ActionOutcome inTransaction(
            Connection connection, Map<Placeholder, Arguments.Value> values, Deadline deadline) throws SQLException {
        connection.setAutoCommit(false);
        try {
            long millis = Math.max(1, deadline.remainingMillis());
            if ("PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName())) {
                try (Statement setTimeout = connection.createStatement()) {
                    setTimeout.execute("SET LOCAL statement_timeout = " + millis);
                }
            }
            String output;
            try (PreparedStatement prepared = connection.prepareStatement(statement.jdbcSql())) {
                running.add(prepared);
                try {
                    bind(prepared, statement.binds(), values);
                    prepared.setQueryTimeout((int) Math.max(1, (millis + 999) / 1000));
                    prepared.setMaxRows(maxRows + 1); // one more than kept, to tell whether there were more
                    output = prepared.execute() ? rows(prepared.getResultSet()) : updated(prepared.getUpdateCount());
                } finally {
                    running.remove(prepared);
                }
            }
            connection.commit();
            return ActionOutcome.succeeded(output);
        } catch (SQLException e) {
            rollback(connection);
            return ActionOutcome.failed(describe(e), sqlState(e), null);
        } catch (RuntimeException e) {
            rollback(connection);
            throw e;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                LOG.debugf("could not restore autocommit: %s", e.getMessage());
            }
        }
    }

    private static void bind(
            PreparedStatement prepared, List<Placeholder> binds, Map<Placeholder, Arguments.Value> values)
            throws SQLException {
        for (int i = 0; i < binds.size(); i++) {
            JsonNode value = values.get(binds.get(i)).json();
            int index = i + 1;
            if (value.isIntegralNumber()) {
                if (value.canConvertToLong()) {
                    prepared.setLong(index, value.longValue());
                } else {
                    prepared.setBigDecimal(index, new BigDecimal(value.bigIntegerValue()));
                }
            } else if (value.isNumber()) {
                prepared.setBigDecimal(index, value.decimalValue());
            } else if (value.isBoolean()) {
                prepared.setBoolean(index, value.booleanValue());
            } else {
                prepared.setString(index, value.asText());
            }
        }
    }

    private String rows(ResultSet resultSet) throws SQLException {
        try (resultSet) {
            ResultSetMetaData meta = resultSet.getMetaData();
            ArrayNode rows = NODES.arrayNode();
            boolean truncated = false;
            while (resultSet.next()) {
                if (rows.size() == maxRows) {
                    truncated = true;
                    break;
                }
                ObjectNode row = rows.addObject();
                for (int column = 1; column <= meta.getColumnCount(); column++) {
                    row.set(meta.getColumnLabel(column), value(resultSet, column, meta.getColumnTypeName(column)));
                }
            }
            ObjectNode output = Json.object();
            output.set("rows", rows);
            output.put("rowCount", rows.size());
            output.put("truncated", truncated);
            return Json.write(output);
        }
    }

    private static String updated(int rowsAffected) {
        return Json.write(Json.object().put("rowsAffected", rowsAffected));
    }

    private static JsonNode value(ResultSet resultSet, int column, String typeName) throws SQLException {
        Object value = resultSet.getObject(column);
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof BigDecimal decimal) {
            return NODES.numberNode(decimal);
        }
        if (value instanceof Double || value instanceof Float) {
            return NODES.numberNode(((Number) value).doubleValue());
        }
        if (value instanceof byte[] bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return NODES.textNode(
                    "timestamptz".equalsIgnoreCase(typeName)
                            ? resultSet.getObject(column, OffsetDateTime.class).toString()
                            : timestamp.toLocalDateTime().toString());
        }
        if (value instanceof java.sql.Date date) {
            return NODES.textNode(date.toLocalDate().toString());
        }
        if (value instanceof java.sql.Time time) {
            return NODES.textNode(time.toLocalTime().toString());
        }
        if ("json".equalsIgnoreCase(typeName) || "jsonb".equalsIgnoreCase(typeName)) {
            try {
                return Json.MAPPER.readTree(value.toString());
            } catch (IOException e) {
                return NODES.textNode(value.toString());
            }
        }
        return NODES.textNode(value.toString());
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warnf("rollback failed: %s", e.getMessage());
        }
    }

    private static String describe(SQLException e) {
        return "SQLState " + e.getSQLState() + ": " + e.getMessage();
    }

    private static String sqlState(SQLException e) {
        ObjectNode output = Json.object();
        output.put("sqlState", e.getSQLState());
        return Json.write(output);
    }

    /** Cancels the statements still running (the dispatcher is closing). */
    @Override
    void cancelRunning() {
        for (Statement statement : running) {
            try {
                statement.cancel();
            } catch (SQLException e) {
                LOG.debugf("could not cancel a statement: %s", e.getMessage());
            }
        }
    }
}
