package io.kamwarehouse.ingest;

import static io.kamwarehouse.ingest.BronzeIngestor.FAULT_CONF;
import static io.kamwarehouse.ingest.BronzeIngestor.QUARANTINE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.contracts.Lineage;
import io.kamwarehouse.runtime.Warehouse;

/**
 * Writes a checked batch: its valid rows to the entity's bronze table with the lineage columns
 * (one Delta commit, replacing any rows of the same batch), its quarantined rows staged as Parquet
 * until {@link #flush()} commits the staged rows of all batches to {@code quarantine} at once.
 */
final class BronzeWriter {

    private final Warehouse warehouse;

    BronzeWriter(final Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /** Quarantined rows of this run's batches, staged as Parquet until {@link #flush()}. */
    private final List<String> stagedQuarantine = new ArrayList<>();
    private final java.util.Set<String> stagedEntities = new java.util.TreeSet<>();
    private final java.util.Set<String> stagedBatches = new java.util.TreeSet<>();
    private final String stagingDir = io.kamwarehouse.runtime.RunContext.newRunId();

    /**
     * Commits the quarantined rows of the batches loaded so far: one Delta commit for all batches,
     * replacing any rows of the same batches, so a retry after a crash never doubles them.
     */
    void flush() {
        if (!stagedQuarantine.isEmpty()) {
            final Dataset<Row> staged = warehouse.spark().read().parquet(stagedQuarantine.toArray(new String[0]));
            final String predicate = "entity IN (" + quoted(stagedEntities) + ") AND _batch_id IN (" + quoted(stagedBatches) + ")";
            io.kamwarehouse.Conflicts.retrying("quarantine", s -> { }, () ->
                    write(staged, warehouse.tablePath(QUARANTINE), predicate, "entity,rule,_drop_date,_batch_id", false, "entity"));
            deleteStaging();
            stagedQuarantine.clear();
            stagedEntities.clear();
            stagedBatches.clear();
        } else if (warehouse.exclusive()) {
            // nothing staged by this run: rows a killed run staged are cleared all the same
            deleteStaging();
        }
    }

    private static String quoted(final java.util.Collection<String> values) {
        return String.join(", ", values.stream().map(v -> "'" + v.replace("'", "''") + "'").toList());
    }

    private String stagingRoot() {
        return warehouse.root() + "/meta/_staging/quarantine/" + stagingDir;
    }

    /**
     * Deletes the staged rows once committed, with any a killed run left behind: a writer holds the
     * warehouse's lease, so no other run is staging now, and the batches of a killed run are loaded
     * again from their files.
     */
    private void deleteStaging() {
        try {
            // without the lease another run may be staging beside this one: only this run's rows are deleted
            final org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(warehouse.exclusive()
                    ? warehouse.root() + "/meta/_staging/quarantine" : stagingRoot());
            p.getFileSystem(warehouse.hadoopConf()).delete(p, true);
        } catch (final java.io.IOException e) {
            // Leftover staging files are harmless: they are never read again.
        }
    }

    void writeBronze(final Contract contract, final Dataset<Row> valid, final String batchId,
            final LocalDate dropDate, final Timestamp ingestedAt) {
        final List<Column> cols = new ArrayList<>();
        final List<Column> hashed = new ArrayList<>();
        for (final ContractColumn c : contract.columns()) {
            cols.add(col(c.name()));
            hashed.add(coalesce(col(c.name()).cast(DataTypes.StringType), lit("\u0000")));
        }
        Column rowHash = sha2(concat_ws("\u001f", hashed.toArray(new Column[0])), 256);
        final String fault = warehouse.spark().conf().get(FAULT_CONF, "");
        if (fault.startsWith(contract.qualifiedName() + ":")) {
            final long at = Long.parseLong(fault.substring(fault.indexOf(':') + 1));
            rowHash = when(col("_ordinal").geq(at), raise_error(lit("injected failure while writing " + contract.bronzeTable()))
                    .cast(DataTypes.StringType)).otherwise(rowHash);
        }
        cols.add(col(Lineage.SOURCE_FILE));
        cols.add(lit(java.sql.Date.valueOf(dropDate)).as(Lineage.DROP_DATE));
        cols.add(lit(batchId).as(Lineage.BATCH_ID));
        cols.add(lit(ingestedAt).as(Lineage.INGESTED_AT));
        cols.add(rowHash.as(Lineage.ROW_HASH));
        final Dataset<Row> out = valid.select(cols.toArray(new Column[0]));
        final String path = warehouse.tablePath(contract.bronzeTable());
        io.kamwarehouse.Conflicts.retrying("bronze " + contract.bronzeTable(), s -> { }, () -> {
            // a batch replaces its own rows, so writing it again after another run's commit leaves it once
            write(out, path, batchPredicate(batchId, dropDate), statsColumns(contract), true, null);
        });
    }

    void writeQuarantine(final Contract contract, final Dataset<Row> invalid, final String batchId,
            final LocalDate dropDate, final Timestamp ingestedAt) {
        final Dataset<Row> out = invalid.select(
                lit(contract.qualifiedName()).as("entity"),
                split(try_element_at(col(RowValidator.VIOLATIONS), lit(1)), ":").getItem(0).as("rule"),
                concat_ws("; ", col(RowValidator.VIOLATIONS)).as("reason"),
                col("_raw_record").as("raw_record"),
                col("_source_file"),
                lit(java.sql.Date.valueOf(dropDate)).as("_drop_date"),
                lit(batchId).as("_batch_id"),
                lit(ingestedAt).as("_ingested_at"));
        // Staged as plain Parquet (no Delta commit per batch); flush() commits all batches at once.
        final String path = stagingRoot() + "/" + batchId;
        out.write().mode(SaveMode.Overwrite).parquet(path);
        stagedQuarantine.add(path);
        stagedEntities.add(contract.qualifiedName());
        stagedBatches.add(batchId);
    }

    /** Rows of one batch: the drop date first, so files of other drops are skipped by their statistics. */
    private static String batchPredicate(final String batchId, final LocalDate dropDate) {
        return "_drop_date = DATE'" + dropDate + "' AND _batch_id = '" + batchId + "'";
    }

    private static String statsColumns(final Contract contract) {
        final List<String> cols = new ArrayList<>(contract.businessKey());
        cols.add("_drop_date");
        cols.add("_batch_id");
        return String.join(",", cols);
    }

    /**
     * Writes a frame, creating the table on first write with statistics limited to the columns
     * used for skipping (Delta's statistics on every column, long strings included, cost about a
     * third of the write).
     */
    private void write(final Dataset<Row> out, final String path, final String replaceWhere, final String statsColumns,
            final boolean mergeSchema, final String partitionColumn) {
        warehouse.writeWithStatsOn(path, List.of(statsColumns.split(",")), create -> {
            org.apache.spark.sql.DataFrameWriter<Row> w = out.write().format("delta")
                    .mode(create ? SaveMode.Append : SaveMode.Overwrite);
            if (!create) {
                w = w.option("replaceWhere", replaceWhere);
            }
            if (mergeSchema) {
                w = w.option("mergeSchema", "true");
            }
            if (create && partitionColumn != null) {
                w = w.partitionBy(partitionColumn);
            }
            w.save(path);
        });
    }
}
