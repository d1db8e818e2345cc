package io.kamwarehouse.bench;

import java.util.Locale;

/**
 * One measured step of a benchmark run.
 *
 * @param phase       {@code full}, {@code increment} or {@code baseline}
 * @param stage       what kind of work: {@code generate}, {@code ingest}, {@code silver}, {@code gold},
 *                    {@code spark_copy}, {@code duckdb_copy}, {@code spark_aggregate}, {@code duckdb_aggregate}...
 * @param step        the entity or table, or {@code *} for a whole stage
 * @param seconds     wall time
 * @param rowsIn      rows read (-1 when not known)
 * @param rowsOut     rows written (-1 when not known)
 * @param peakRssMib  the process's peak resident memory during the step (-1 when not measured per step)
 * @param peakHeapMib the JVM heap's peak during the step (-1 when not measured per step)
 * @param status      the step's outcome ({@code succeeded}, {@code skipped}, {@code failed}...)
 * @param note        what else is worth knowing (the job's own time vs its checks, for instance)
 */
public record Measure(String phase, String stage, String step, double seconds, long rowsIn, long rowsOut, long peakRssMib,
        long peakHeapMib, String status, String note) {

    public static final String WHOLE_STAGE = "*";

    /** Rows per second over the larger of rows in and out (0 when nothing was counted or no time passed). */
    public double rowsPerSecond() {
        final long rows = Math.max(rowsIn, rowsOut);
        return rows <= 0 || seconds <= 0 ? 0 : rows / seconds;
    }

    boolean wholeStage() {
        return WHOLE_STAGE.equals(step);
    }


    static String fmt(final double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }
}
