package io.kamwarehouse.runtime;

import org.apache.spark.sql.SparkSession;

/**
 * A test hook for crash tests: with {@code --conf kamw.fault.haltAt=POINT} the process stops dead
 * (as {@code kill -9} would: no cleanup, no finally block, no shutdown hook) right after the commit
 * that {@code POINT} names. The points are the step boundaries where a crash can fall:
 * {@code bronze:<entity>} (the batch's bronze rows committed, its quarantined rows staged), {@code quarantine} (the batches'
 * quarantined rows committed), {@code ingest-records} (the loaded files recorded, the run log not
 * yet), {@code silver:<table>} (the merge committed, its batches not yet recorded as merged) and
 * {@code build:<table>} (a table's job committed, its checks and run log row not yet: for an SCD2
 * dimension, its merge), {@code publish-stage:<table>} (a table's rows copied to the serving
 * database's staging table, not yet swapped in), {@code publish:<table>} (swapped in, the publish
 * log not yet written) and {@code bonus-close} (a pay period's closed run committed, the command
 * not yet ended).
 */
public final class Faults {

    /** Spark conf naming the point to halt at. */
    public static final String HALT_CONF = "kamw.fault.haltAt";
    /** The exit status of a halted process (as a process killed with SIGKILL reports it). */
    public static final int HALT_STATUS = 137;

    private Faults() {
    }

    /** Halts the process when {@value #HALT_CONF} names {@code point}. */
    public static void point(final SparkSession spark, final String point) {
        if (point.equals(spark.conf().get(HALT_CONF, ""))) {
            System.err.println("kamw: halting at " + point + " (" + HALT_CONF + ")");
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
