package cai4j.evals;

/** A model answer that stayed unusable after its one repair attempt; counted, never fatal. */
public final class GenerationError extends Exception {
    public GenerationError(String message) {
        super(message);
    }
}
