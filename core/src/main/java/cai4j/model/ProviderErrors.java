package cai4j.model;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns what a provider's server answered into a {@link ModelException} of the right class, with
 * one sentence that names the provider and what to fix. Shared by the HTTP providers so that a 401
 * reads the same whichever SDK saw it.
 *
 * @param who    how to name the server in a sentence ("OpenAI", "The server at http://localhost:8000/v1")
 * @param keyVar the environment variable the key came from
 * @param model  the model asked for
 * @param key    the key itself, only so that it can be cut out of any server text we repeat
 */
public record ProviderErrors(String who, String keyVar, String model, String key) {

    /** Classifies an HTTP error answer. {@code code}/{@code type} are the error body's fields, or "". */
    public ModelException http(int status, String code, String type, String serverMessage, Optional<Duration> retryAfter, Throwable cause) {
        String detail = scrub(serverMessage);
        String codes = (code + " " + type).toLowerCase(Locale.ROOT);
        if (codes.contains("insufficient_quota") || codes.contains("billing")) {
            return fin(status, who + " says the account behind " + keyVar + " has no quota or credit left (" + status + " insufficient_quota); add credit or raise the limit, then rerun.", cause);
        }
        return switch (status) {
            case 401 -> fin(status, who + " rejected the API key in " + keyVar + " (401); check the key.", cause);
            case 403 -> fin(status, who + " refused access to model '" + model + "' (403" + suffix(detail) + "); check that the key in " + keyVar + " may use it.", cause);
            case 404 -> fin(status, who + " does not know model '" + model + "' (404" + suffix(detail) + "); check the model name in the model spec.", cause);
            case 400, 413, 422 -> fin(status, who + " rejected the request as invalid (" + status + suffix(detail) + "); check the request parameters and the model name '" + model + "'.", cause);
            case 408, 409, 425, 429 -> new ModelException(ModelException.Kind.TRANSIENT, status,
                    who + (status == 429 ? " is rate limiting us (429)" : " asked to try again (" + status + ")") + suffix(detail) + ".", retryAfter.orElse(null), cause);
            default -> status >= 500
                    ? new ModelException(ModelException.Kind.TRANSIENT, status, who + " had a server error (" + status + suffix(detail) + ").", retryAfter.orElse(null), cause)
                    : fin(status, who + " refused the request (" + status + suffix(detail) + ").", cause);
        };
    }

    /** A call that got no complete answer: a timeout, a cut connection, a truncated body. */
    public ModelException noAnswer(String what, Throwable cause) {
        return new ModelException(ModelException.Kind.TRANSIENT, 0, who + " " + what + ".", null, cause);
    }

    /**
     * A call that could not reach the server at all: a refused connection or a host name that does
     * not resolve. Retrying either only makes the user wait, so it is final, and it names the URL
     * because the usual cause is a wrong base URL or a server that is not running.
     */
    public Optional<ModelException> unreachable(String url, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException) {
                return Optional.of(fin(0, "Cannot reach " + url + ": the host name does not resolve; check the base URL in the model spec.", e));
            }
            if (t instanceof java.net.ConnectException && !(t instanceof java.net.SocketTimeoutException)) {
                return Optional.of(fin(0, "Cannot reach " + url + ": the connection was refused; check that the server is running and the base URL in the model spec is right.", e));
            }
        }
        return Optional.empty();
    }

    private static ModelException fin(int status, String message, Throwable cause) {
        return new ModelException(ModelException.Kind.FINAL, status, message, null, cause);
    }

    private static String suffix(String detail) {
        return detail.isEmpty() ? "" : ": " + detail;
    }

    /** Server text shortened to one line and without the key, should a server have echoed it. */
    public String scrub(String text) {
        if (text == null) return "";
        String t = Redaction.redact(text.replaceAll("\\s+", " ").strip(), key == null ? List.of() : List.of(key));
        if (t.endsWith(".")) t = t.substring(0, t.length() - 1);
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }
}
