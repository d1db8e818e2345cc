package io.kamwarehouse.metadata;

/**
 * How a run ended: an ingested batch, a table build. {@link #text()} is what the run log's
 * {@code status} column holds (unchanged, so older run logs read the same); {@link #ok()} says
 * whether the run went as it should, so callers never read it from a message.
 */
public enum RunStatus {

    /** The job wrote its output. */
    SUCCEEDED("succeeded", true),
    /** There was nothing to do (input already processed, unchanged, or empty). */
    SKIPPED("skipped", true),
    /**
     * Not run because something it depends on failed or was refused in this run; it stays pending
     * for the next run. Logged as {@code skipped}.
     */
    BLOCKED("skipped", false),
    /** The job's input was refused whole (bad file): nothing written. */
    REJECTED("rejected", false),
    /** The job failed; nothing it would have written was committed. */
    FAILED("failed", false),
    /** A data check after the job failed; downstream jobs were not run. */
    CHECK_FAILED("check_failed", false),
    /**
     * The command stopped before it ended (killed, host lost): recorded by the next writer that
     * took over its warehouse lease.
     */
    INTERRUPTED("interrupted", false),
    /**
     * A writing command began (its first row in the run log; its outcome is a second row with the
     * same {@code run_id}, or {@code interrupted} when it never ended).
     */
    STARTED("started", false);


    private final String text;
    private final boolean ok;

    RunStatus(final String text, final boolean ok) {
        this.text = text;
        this.ok = ok;
    }

    /** The run log's {@code status}: {@code succeeded}, {@code skipped}, {@code rejected}, {@code failed}, {@code check_failed}. */
    public String text() {
        return text;
    }

    /** True when the run succeeded or had nothing to do. */
    public boolean ok() {
        return ok;
    }

    /** True when a job or a data check failed while running (the exit code {@code 3} of a command). */
    public boolean failed() {
        return this == FAILED || this == CHECK_FAILED;
    }

    /** The run log's text, so that messages read as before. */
    @Override
    public String toString() {
        return text;
    }
}
