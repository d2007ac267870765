package dev.vienna.platform;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Thrown by a resource to answer with a problem response; mapped by {@link ProblemResponses}. A problem the caller can
 * cure by retrying the same request (503) may say when, as a {@code Retry-After} header.
 */
public class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;
    private final Duration retryAfter;

    public ProblemException(int status, String title, String detail) {
        this(new Problem("about:blank", title, status, detail, null, null));
    }

    public ProblemException(int status, String title, String detail, List<Problem.FieldError> errors) {
        this(new Problem("about:blank", title, status, detail, null, errors.isEmpty() ? null : List.copyOf(errors)));
    }

    public ProblemException(Problem problem) {
        this(problem, null);
    }

    private ProblemException(Problem problem, Duration retryAfter) {
        super(problem.title() + ": " + problem.detail());
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    /** 503: the request may succeed when sent again after {@code retryAfter} (answered as {@code Retry-After}). */
    public static ProblemException unavailable(String title, String detail, Duration retryAfter) {
        return new ProblemException(Problem.of(503, title, detail), retryAfter);
    }

    public Problem problem() {
        return problem;
    }

    /** When the same request may be retried, if the problem says so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
