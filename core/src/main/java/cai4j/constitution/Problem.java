package cai4j.constitution;

/**
 * Something wrong with a constitution, found while compiling or linting.
 *
 * @param severity {@code ERROR} stops a compile; {@code WARNING} is reported by {@code --check}
 * @param line     1-based line in the source, 0 when the problem has no single place
 * @param message  one sentence
 */
public record Problem(Severity severity, String code, int line, String message) {
    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return (line > 0 ? "line " + line + ": " : "") + message + " [" + code + "]";
    }
}
