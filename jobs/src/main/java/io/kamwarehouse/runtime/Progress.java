package io.kamwarehouse.runtime;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** Progress lines on standard error, each with the time elapsed since the command started. */
public final class Progress {

    private final PrintStream out;
    private final Instant start = Instant.now();
    private final boolean quiet;

    public Progress(final PrintStream out, final boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    /** A progress writer that prints nothing (tests). */
    public static Progress silent() {
        return new Progress(System.err, true);
    }

    public void say(final String message) {
        if (!quiet) {
            final Duration d = Duration.between(start, Instant.now());
            out.printf("[%3d.%01ds] %s%n", d.toSeconds(), d.toMillisPart() / 100, message);
            out.flush();
        }
    }

    public Duration elapsed() {
        return Duration.between(start, Instant.now());
    }
}
