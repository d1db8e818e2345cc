package io.kamwarehouse.jobs;

import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.TableSpec;

/**
 * A job's access to its inputs: only the tables its spec lists, each read at one Delta version
 * (pinned on first use), so the run log can say exactly what the job read.
 */
public final class JobInputs {

    private final Warehouse warehouse;
    private final TableSpec spec;
    private final Map<String, Long> versions = new TreeMap<>();

    public JobInputs(final Warehouse warehouse, final TableSpec spec) {
        this.warehouse = warehouse;
        this.spec = spec;
    }

    private void allowed(final String table) {
        if (!spec.inputs().contains(table)) {
            throw new KamwException("the job of " + spec.name() + " reads " + table + ", which " + spec.origin()
                    + " does not list in its inputs " + spec.inputs() + "; add it there (a job reads only its declared inputs)");
        }
    }

    /** True when the input table has been written. */
    public boolean exists(final String table) {
        allowed(table);
        return warehouse.exists(table);
    }

    /** The version this job reads of an input (pinned on first call). */
    public long version(final String table) {
        allowed(table);
        return versions.computeIfAbsent(table, warehouse::version);
    }

    /** Reads an input at its pinned version. */
    public Dataset<Row> read(final String table) {
        final long v = version(table);
        if (v < 0) {
            throw new KamwException("input " + table + " of " + spec.name() + " does not exist yet; load or build it first");
        }
        return warehouse.readVersion(table, v);
    }

    /**
     * Rows of an input at its pinned version: from the checksum file Delta wrote with that version
     * (no Spark job), else counted.
     */
    public long rows(final String table) {
        final long v = version(table);
        final java.util.OptionalLong logged = v < 0 ? java.util.OptionalLong.empty() : warehouse.rowCountFromLog(table, v);
        return logged.isPresent() ? logged.getAsLong() : read(table).count();
    }

    /** The versions of the inputs read so far. */
    public Map<String, Long> versions() {
        return Map.copyOf(versions);
    }
}
