package cai4j;

/**
 * A problem with what the user gave us: a file, a flag, a key, a spec string. The message is one
 * sentence that names the problem and where it is; the command line turns it into exit code 2.
 */
public class InputError extends RuntimeException {
    public InputError(String message) {
        super(message);
    }

    public InputError(String message, Throwable cause) {
        super(message, cause);
    }
}
