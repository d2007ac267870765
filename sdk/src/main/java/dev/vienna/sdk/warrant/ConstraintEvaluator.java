package dev.vienna.sdk.warrant;

import dev.vienna.sdk.canonical.ActionRequest;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Decides whether an action satisfies a warrant's {@code constraints} claim: named boolean expressions over the action
 * ({@code replicas_cap: params.replicas <= 50}), plus {@value WarrantLifetime#CONSTRAINT}, which is not an expression
 * and which warrant-service applies to {@code exp}. The expressions are CEL; their evaluator is the
 * {@code vienna-sdk-cel} module, found with {@link ServiceLoader}. Without it on the class path a warrant that carries
 * an expression fails closed ({@link #UNAVAILABLE}): an agent that cannot check a constraint does not run the action.
 */
@FunctionalInterface
public interface ConstraintEvaluator {

    /** The first constraint this action does not satisfy, described; empty when it satisfies all. Never throws. */
    Optional<String> violation(Map<String, String> constraints, ActionRequest request);

    /** Refuses every warrant that carries an expression: what a verifier does when it has no CEL evaluator. */
    ConstraintEvaluator UNAVAILABLE = (constraints, request) -> new TreeMap<>(constraints)
            .keySet().stream()
                    .filter(name -> !name.equals(WarrantLifetime.CONSTRAINT))
                    .findFirst()
                    .map(
                            name -> "constraint " + name
                                    + " cannot be evaluated here: no constraint evaluator (add vienna-sdk-cel to the class path)");

    /** The evaluator on the class path ({@code vienna-sdk-cel}), or {@link #UNAVAILABLE}. */
    static ConstraintEvaluator discover() {
        return ServiceLoader.load(ConstraintEvaluator.class, ConstraintEvaluator.class.getClassLoader())
                .findFirst()
                .orElse(UNAVAILABLE);
    }
}
