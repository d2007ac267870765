package dev.vienna.handlers;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An sql action's statement with named binds ({@code :resource}, {@code :params.replicas}, {@code :warrant}, ...)
 * rewritten to JDBC {@code ?} markers at load. A colon inside a single-quoted literal, a double-quoted identifier, a
 * dollar-quoted string or a comment is text, and {@code ::} is a cast. Values are only ever bound, never spliced in.
 */
final class NamedStatement {

    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$");
    private static final Pattern BIND = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final String jdbcSql;
    private final List<Placeholder> binds;

    private NamedStatement(String jdbcSql, List<Placeholder> binds) {
        this.jdbcSql = jdbcSql;
        this.binds = List.copyOf(binds);
    }

    static NamedStatement parse(ConfigNode node) {
        String sql = node.text();
        StringBuilder out = new StringBuilder();
        List<Placeholder> binds = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            int end;
            if (c == '\'' || c == '"') {
                end = closing(sql, i + 1, String.valueOf(c), node);
            } else if (sql.startsWith("--", i)) {
                int newline = sql.indexOf('\n', i);
                end = newline < 0 ? sql.length() : newline + 1;
            } else if (sql.startsWith("/*", i)) {
                end = closing(sql, i + 2, "*/", node);
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                end = closing(sql, i + tag.length(), tag, node);
            } else if (sql.startsWith("::", i) || sql.startsWith("??", i)) {
                end = i + 2;
            } else if (c == '?') {
                throw node.fail("holds a '?' (write named binds such as :resource or :params.NAME; ?? for the"
                        + " operator ?)");
            } else if (c == ':' && i + 1 < sql.length() && bindStart(sql.charAt(i + 1))) {
                Matcher name = BIND.matcher(sql).region(i + 1, sql.length());
                name.lookingAt();
                String bind = name.group();
                Placeholder placeholder = Placeholder.parse(bind)
                        .orElseThrow(() -> node.fail("unknown bind :" + bind
                                + " (use :resource, :params.NAME, :warrant, :intent, :agent or :action)"));
                binds.add(placeholder);
                out.append('?');
                i = name.end();
                continue;
            } else {
                end = i + 1;
            }
            out.append(sql, i, end);
            i = end;
        }
        return new NamedStatement(out.toString(), binds);
    }

    private static boolean bindStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static String dollarTag(String sql, int at) {
        Matcher tag = DOLLAR_TAG.matcher(sql).region(at, sql.length());
        return tag.lookingAt() ? tag.group() : null;
    }

    /** The index just past {@code close}, searching from {@code from}; fails when it never comes. */
    private static int closing(String sql, int from, String close, ConfigNode node) {
        int at = sql.indexOf(close, from);
        if (at < 0) {
            throw node.fail("unterminated " + close + " in the statement");
        }
        return at + close.length();
    }

    /** The statement with {@code ?} markers, as given to {@code prepareStatement}. */
    String jdbcSql() {
        return jdbcSql;
    }

    /** The value bound to each marker, in order. */
    List<Placeholder> binds() {
        return binds;
    }
}
