package io.kamwarehouse.jobs;

import java.time.LocalDate;

/**
 * How a table job runs.
 *
 * @param rebuild recompute the table from all of its inputs instead of merging what is new
 * @param from    with {@code to}, a backfill: a table built by period also recomputes every period
 *                from the one holding {@code from} to the one holding {@code to}; null otherwise
 * @param to      the backfill's last date; null when {@code from} is
 */
public record JobOptions(boolean rebuild, LocalDate from, LocalDate to) {

    /** Merge only what is new (the default). */
    public static final JobOptions INCREMENTAL = new JobOptions(false);
    /** Recompute from all of the inputs. */
    public static final JobOptions REBUILD = new JobOptions(true);

    public JobOptions {
        if ((from == null) != (to == null)) {
            throw new IllegalArgumentException("a backfill needs both its first and its last date");
        }
        if (from != null && to.isBefore(from)) {
            throw new IllegalArgumentException("a backfill's last date " + to + " is before its first " + from);
        }
    }

    public JobOptions(final boolean rebuild) {
        this(rebuild, null, null);
    }

    /** A backfill of the dates from {@code from} to {@code to}, both included. */
    public static JobOptions backfill(final LocalDate from, final LocalDate to) {
        return new JobOptions(false, from, to);
    }

    /** True for a backfill. */
    public boolean backfill() {
        return from != null;
    }
}
