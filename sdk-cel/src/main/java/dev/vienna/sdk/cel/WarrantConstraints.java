package dev.vienna.sdk.cel;

import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.WarrantLifetime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a warrant's {@code constraints} claim means. Each entry is a named condition the executed action must satisfy: a
 * boolean CEL expression over {@code params} (the action's params as a map), {@code action}, {@code resource} and
 * {@code agentId}, e.g. {@code replicas_cap: params.replicas <= 50} or {@code allowed_resources:
 * resource.matches('^deployment/api-.*$')}. One entry is not an expression: {@value WarrantLifetime#CONSTRAINT} (an
 * ISO-8601 duration, honoured by warrant-service when it sets {@code exp}). Policies are checked with {@link #problems}
 * when they load; verifiers call {@link #violation} before running an action (through {@link CelConstraintEvaluator},
 * which the sdk's {@code WarrantVerifier} finds on the class path). An expression that cannot be evaluated is a
 * violation (fail closed).
 */
public final class WarrantConstraints {

    private static final BooleanExpressions ENVIRONMENT = BooleanExpressions.declaring(Map.of(
            "params", MapType.create(SimpleType.STRING, SimpleType.DYN),
            "action", SimpleType.STRING,
            "resource", SimpleType.STRING,
            "agentId", SimpleType.STRING));

    private static final int CACHE_LIMIT = 4096;
    private static final Map<String, BooleanExpressions.Expression> COMPILED = new ConcurrentHashMap<>();

    /** Every problem with these constraints ("name: error"), empty when all are valid. */
    public static List<String> problems(Map<String, String> constraints) {
        List<String> problems = new ArrayList<>();
        new TreeMap<>(constraints).forEach((name, value) -> {
            try {
                if (name.equals(WarrantLifetime.CONSTRAINT)) {
                    WarrantLifetime.parse(value);
                } else {
                    compiled(value);
                }
            } catch (IllegalArgumentException e) {
                problems.add(name + ": " + e.getMessage());
            }
        });
        return problems;
    }

    /** The first constraint this action does not satisfy, described; empty when it satisfies all. */
    public static Optional<String> violation(Map<String, String> constraints, ActionRequest request) {
        if (constraints.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> params;
        try {
            params = CelValues.objectFromJson(request.paramsJson());
        } catch (IllegalArgumentException e) {
            return Optional.of("params are not a JSON object: " + e.getMessage());
        }
        return violation(constraints, request, params);
    }

    /** The same, with the request's params already read as a CEL map ({@link CelValues#objectFromJson}). */
    public static Optional<String> violation(
            Map<String, String> constraints, ActionRequest request, Map<String, Object> params) {
        if (constraints.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> variables = Map.of(
                "params",
                params,
                "action",
                request.action(),
                "resource",
                request.resource(),
                "agentId",
                request.agentId());
        for (var entry : (constraints.size() == 1 ? constraints : new TreeMap<>(constraints)).entrySet()) {
            if (entry.getKey().equals(WarrantLifetime.CONSTRAINT)) {
                continue;
            }
            try {
                if (!compiled(entry.getValue()).test(variables)) {
                    return Optional.of("constraint " + entry.getKey() + " (" + entry.getValue() + ") is not satisfied");
                }
            } catch (IllegalArgumentException | BooleanExpressions.EvaluationFailed e) {
                return Optional.of("constraint " + entry.getKey() + " (" + entry.getValue()
                        + ") could not be evaluated: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static BooleanExpressions.Expression compiled(String source) {
        BooleanExpressions.Expression expression = COMPILED.get(source);
        if (expression == null) {
            expression = ENVIRONMENT.compile(source);
            if (COMPILED.size() >= CACHE_LIMIT) {
                COMPILED.clear();
            }
            COMPILED.put(source, expression);
        }
        return expression;
    }

    private WarrantConstraints() {}
}
