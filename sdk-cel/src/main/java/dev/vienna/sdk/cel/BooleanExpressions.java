package dev.vienna.sdk.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Boolean CEL expressions (Google's cel-java) over a fixed set of declared variables: compiled once (syntax and types
 * checked, result must be {@code bool}), evaluated many times. Evaluation fails closed: an error, or a result that is
 * not a boolean, is an {@link EvaluationFailed}, never {@code false} or {@code true} by accident. Used for policy rule
 * conditions and for warrant constraints. Instances are immutable and thread-safe.
 */
public final class BooleanExpressions {

    private final Cel cel;

    private BooleanExpressions(Cel cel) {
        this.cel = cel;
    }

    /** An environment declaring these variables (name to CEL type), with the standard macros. */
    public static BooleanExpressions declaring(Map<String, CelType> variables) {
        var builder = CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current()
                        .enableHeterogeneousNumericComparisons(true)
                        .build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setResultType(SimpleType.BOOL);
        variables.forEach(builder::addVar);
        return new BooleanExpressions(builder.build());
    }

    /** Compiles an expression, or throws {@link InvalidExpression} with CEL's message. */
    public Expression compile(String source) {
        if (source == null || source.isBlank()) {
            throw new InvalidExpression("empty expression");
        }
        CelValidationResult result = cel.compile(source);
        if (result.hasError()) {
            throw new InvalidExpression(result.getErrorString());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new Expression(source, ast, cel.createProgram(ast));
        } catch (Exception e) {
            throw new InvalidExpression(e.getMessage());
        }
    }

    /** A compiled expression. */
    public static final class Expression {
        private final String source;
        private final CelAbstractSyntaxTree ast;
        private final CelRuntime.Program program;

        private Expression(String source, CelAbstractSyntaxTree ast, CelRuntime.Program program) {
            this.source = source;
            this.ast = ast;
            this.program = program;
        }

        public String source() {
            return source;
        }

        /**
         * The field names the expression selects directly from a variable ({@code intent.action} gives {@code action}),
         * so a caller can reject a misspelt field before it fails at evaluation.
         */
        public Set<String> fieldsSelectedFrom(String variable) {
            Set<String> fields = new TreeSet<>();
            CelNavigableAst.fromAst(ast)
                    .getRoot()
                    .allNodes()
                    .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.SELECT)
                    .map(node -> node.expr().select())
                    .filter(select -> select.operand().getKind() == CelExpr.ExprKind.Kind.IDENT
                            && select.operand().ident().name().equals(variable))
                    .forEach(select -> fields.add(select.field()));
            return fields;
        }

        /** The expression's value for these variables; any error is {@link EvaluationFailed}. */
        public boolean test(Map<String, ?> variables) {
            Object value;
            try {
                value = program.eval(variables);
            } catch (CelEvaluationException | RuntimeException e) {
                throw new EvaluationFailed(e.getMessage());
            }
            if (value instanceof Boolean b) {
                return b;
            }
            throw new EvaluationFailed("the expression gave " + value + ", not a boolean");
        }

        @Override
        public String toString() {
            return source;
        }
    }

    /** An expression that does not parse or type-check. */
    public static final class InvalidExpression extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidExpression(String message) {
            super(message);
        }
    }

    /** An expression that could not be evaluated for the given variables. */
    public static final class EvaluationFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public EvaluationFailed(String message) {
            super(message, null, false, false);
        }
    }
}
