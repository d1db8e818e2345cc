package io.kamwarehouse;

/**
 * An error the user can act on: bad argument, bad file, bad contract, failed check. Its message
 * names the problem and the fix; the CLI prints it on one line and exits non-zero without a
 * stack trace (stack traces only with {@code --verbose}).
 */
public class KamwException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code for a usage or input problem (bad argument, bad file, unknown name). */
    public static final int EXIT_INPUT = 2;
    /** Exit code for a job or data check that failed while running. */
    public static final int EXIT_FAILED = 3;

    private final int exitCode;

    public KamwException(final String message) {
        this(message, EXIT_INPUT, null);
    }

    public KamwException(final String message, final Throwable cause) {
        this(message, EXIT_INPUT, cause);
    }

    public KamwException(final String message, final int exitCode, final Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
