package dev.vienna.handlers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The operators' actions file, loaded and validated: which actions exist, which built-in handler runs each and with
 * which fixed program, URL or statement, and the pattern every agent-chosen argument must match. Everything that can be
 * checked without running an action is checked here, so a bad file fails the start-up naming the key path of its first
 * problem.
 */
public final class ActionCatalog {

    /** Why an sql action is inactive when no data source is configured. */
    static final String NO_DATABASE = "needs a database; none is configured (quarkus.datasource.jdbc.url)";

    private static final Logger LOG = Logger.getLogger(ActionCatalog.class);
    private static final Pattern ACTION_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String source;
    private final Map<String, BuiltInHandler> handlers;
    private final Map<String, String> inactive;
    private final Map<String, Integer> concurrency;

    private ActionCatalog(
            String source,
            Map<String, BuiltInHandler> handlers,
            Map<String, String> inactive,
            Map<String, Integer> concurrency) {
        this.source = source;
        this.handlers = Collections.unmodifiableMap(handlers);
        this.inactive = Collections.unmodifiableMap(inactive);
        this.concurrency = Collections.unmodifiableMap(concurrency);
    }

    /**
     * Loads and validates the actions file. {@code env} resolves {@code ${VAR}} references (null for an unset
     * variable); {@code dataSource} is the JDBC data source for sql actions, empty when none is configured.
     *
     * @throws ActionConfigException naming the key path of the first problem
     */
    public static ActionCatalog load(Path file, Function<String, String> env, Optional<DataSource> dataSource) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new ActionConfigException(file.toString(), file.toString(), "cannot read the actions file: " + e);
        }
        return parse(yaml, file.toString(), env, dataSource);
    }

    /** As {@link #load}, from text; {@code sourceName} names it in logs. */
    public static ActionCatalog parse(
            String yaml, String sourceName, Function<String, String> env, Optional<DataSource> dataSource) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(dataSource, "dataSource");
        String source = sourceName == null ? "actions file" : sourceName;
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")";
            throw new ActionConfigException(source, source, "not valid YAML: " + e.getOriginalMessage() + where);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ActionConfigException(source, "actions", "required (the file is empty)");
        }
        ConfigNode root = ConfigNode.root(tree, source, env);
        root.allowKeys(Set.of("limits", "actions"));
        Map<String, Integer> concurrency = limits(root.child("limits"));
        Map<String, BuiltInHandler> handlers = new LinkedHashMap<>();
        Map<String, String> inactive = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> action :
                root.child("actions").requireObject().entries().entrySet()) {
            String name = action.getKey();
            ConfigNode node = action.getValue();
            if (!ACTION_NAME.matcher(name).matches()) {
                throw node.fail("not a valid action name (snake_case, starting with a letter, at most 64 characters)");
            }
            BuiltInHandler handler = configure(name, node.requireObject(), dataSource.orElse(null));
            if (handler == null) {
                inactive.put(name, NO_DATABASE);
            } else {
                handlers.put(name, handler);
            }
        }
        LOG.infof("loaded %d actions from %s: %s", handlers.size(), source, handlers.keySet());
        inactive.forEach((name, why) -> LOG.warnf("action %s is configured but not active: %s", name, why));
        return new ActionCatalog(source, handlers, inactive, concurrency);
    }

    private static BuiltInHandler configure(String name, ConfigNode node, DataSource dataSource) {
        String kindId = node.requiredText("handler");
        HandlerKind kind = HandlerKind.byId(kindId)
                .orElseThrow(() -> node.child("handler")
                        .fail("unknown handler kind '" + kindId + "' (one of " + HandlerKind.ids() + ")"));
        return switch (kind) {
            case NOOP -> NoopHandler.configure(name, node);
            case SHELL -> ShellHandler.configure(name, node);
            case HTTP -> HttpHandler.configure(name, node);
            case SQL -> SqlHandler.configure(name, node, dataSource);
        };
    }

    private static Map<String, Integer> limits(ConfigNode limits) {
        Map<HandlerKind, Integer> byKind = new EnumMap<>(HandlerKind.class);
        for (HandlerKind kind : HandlerKind.values()) {
            byKind.put(kind, kind.defaultConcurrency());
        }
        for (Map.Entry<String, ConfigNode> limit : limits.entries().entrySet()) {
            HandlerKind kind = HandlerKind.byId(limit.getKey())
                    .orElseThrow(
                            () -> limit.getValue().fail("unknown handler kind (one of " + HandlerKind.ids() + ")"));
            ConfigNode node = limit.getValue().allowKeys(Set.of("concurrency"));
            byKind.put(kind, node.positiveInt("concurrency", kind.defaultConcurrency(), 1024));
        }
        Map<String, Integer> concurrency = new LinkedHashMap<>();
        byKind.forEach((kind, max) -> concurrency.put(kind.id(), max));
        return concurrency;
    }

    /** The handler of an active action; empty for an unknown or inactive one. */
    public Optional<ActionHandler> handlerFor(String action) {
        return Optional.ofNullable(handlers.get(action));
    }

    /** Action name to why it is configured but not active (e.g. an sql action with no data source). */
    public Map<String, String> inactive() {
        return inactive;
    }

    /** The active action names, in file order. */
    public Set<String> actions() {
        return handlers.keySet();
    }

    /** Handler kind ({@code noop}, {@code shell}, {@code http}, {@code sql}) to its maximum of concurrent runs. */
    public Map<String, Integer> concurrency() {
        return concurrency;
    }

    Collection<BuiltInHandler> handlers() {
        return handlers.values();
    }

    BuiltInHandler builtIn(String action) {
        return handlers.get(action);
    }

    @Override
    public String toString() {
        return "ActionCatalog[" + source + ": " + handlers.keySet() + ", inactive " + inactive.keySet() + "]";
    }
}
