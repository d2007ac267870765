package dev.vienna.platform;

import java.util.List;

/** Thrown by a resource to answer with a problem response; mapped by {@link ProblemResponses}. */
public class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    public ProblemException(int status, String title, String detail) {
        this(new Problem("about:blank", title, status, detail, null, null));
    }

    public ProblemException(int status, String title, String detail, List<Problem.FieldError> errors) {
        this(new Problem("about:blank", title, status, detail, null, errors.isEmpty() ? null : List.copyOf(errors)));
    }

    public ProblemException(Problem problem) {
        super(problem.title() + ": " + problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
