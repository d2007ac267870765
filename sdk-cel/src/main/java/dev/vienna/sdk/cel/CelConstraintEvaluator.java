package dev.vienna.sdk.cel;

import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.ConstraintEvaluator;
import java.util.Map;
import java.util.Optional;

/**
 * The sdk's {@link ConstraintEvaluator} for CEL constraint expressions ({@link WarrantConstraints}), registered in
 * {@code META-INF/services}: a {@code WarrantVerifier} built without an explicit evaluator uses it whenever this module
 * is on the class path.
 */
public final class CelConstraintEvaluator implements ConstraintEvaluator {

    @Override
    public Optional<String> violation(Map<String, String> constraints, ActionRequest request) {
        return WarrantConstraints.violation(constraints, request);
    }
}
