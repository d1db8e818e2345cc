package io.kamwarehouse.runtime;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** Progress lines on standard error, each with the time elapsed since the command started. */
public final class Progress {

    private final PrintStream out;
    private final Instant start = Instant.now();
    private final boolean quiet;
    private long jobsSeen;
    private volatile java.util.function.Consumer<String> listener = m -> { };

    public Progress(final PrintStream out, final boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    /** A progress writer that prints nothing (tests). */
    public static Progress silent() {
        return new Progress(System.err, true);
    }

    /** Calls {@code l} with every message said from now on, quiet or not (the warehouse lease records the last one). */
    public void listen(final java.util.function.Consumer<String> l) {
        this.listener = l;
    }

    public synchronized void say(final String message) {
        listener.accept(message);
        if (!quiet) {
            final Duration d = Duration.between(start, Instant.now());
            String jobs = "";
            if (JobCounter.enabled()) {
                final long now = JobCounter.jobs();
                jobs = " {" + (now - jobsSeen) + " Spark jobs; cpu " + JobCounter.cpuMillis() / 1000 + " s}";
                jobsSeen = now;
            }
            out.printf("[%3d.%01ds] %s%s%n", d.toSeconds(), d.toMillisPart() / 100, message, jobs);
            out.flush();
        }
    }

    public Duration elapsed() {
        return Duration.between(start, Instant.now());
    }
}
