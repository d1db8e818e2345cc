package io.kamwarehouse.jobs;

/**
 * How a table job runs.
 *
 * @param rebuild recompute the table from all of its inputs instead of merging what is new
 */
public record JobOptions(boolean rebuild) {

    /** Merge only what is new (the default). */
    public static final JobOptions INCREMENTAL = new JobOptions(false);
    /** Recompute from all of the inputs. */
    public static final JobOptions REBUILD = new JobOptions(true);
}
