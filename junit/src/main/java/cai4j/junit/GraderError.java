package cai4j.junit;

/**
 * The judge could not grade an answer (it could not be reached, or its answer could not be used):
 * reported as an error of the test, never as a pass or a failure, since nothing is known about the answer.
 */
public final class GraderError extends RuntimeException {
    public GraderError(String message) {
        super(message);
    }

    public GraderError(String message, Throwable cause) {
        super(message, cause);
    }
}
