package io.kamwarehouse.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Row;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.ingest.BronzeIngestor;
import io.kamwarehouse.metadata.RunLog;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw status}: tables, versions, row counts, last runs and quarantine counts. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every table with its Delta version, rows, last run and quarantined rows; then recent runs.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--csv", description = "Machine-readable: the table list as CSV with a header line.")
    boolean csv;

    @Option(names = "--runs", paramLabel = "N", description = "How many recent runs to list (default: ${DEFAULT-VALUE}).")
    int runs = 10;

    /**
     * What a table's last run says about it: {@code up to date} when it was skipped because
     * nothing it reads changed, {@code no input data} when it was skipped because an input does
     * not exist yet (an example source without its extracts), else the run's status.
     */
    static String state(final String status, final String message) {
        if (!"skipped".equals(status)) {
            return status;
        }
        if (message.contains("does not exist yet") || message.contains("has not been built yet")) {
            return "no input data";
        }
        if (message.contains("unchanged") || message.contains("no new batch") || message.contains("no change of its inputs reaches")
                || message.contains("already ingested")) {
            return "up to date";
        }
        return status;
    }

    /**
     * Who holds the warehouse lease: nobody, a command at work (with its last heartbeat and step),
     * or a run that was interrupted (its holder is gone; the next writer takes over and records it).
     */
    static String writer(final Warehouse wh) {
        final java.util.Optional<io.kamwarehouse.runtime.WarehouseLease.Holder> h =
                io.kamwarehouse.runtime.WarehouseLease.holder(wh.hadoopConf(), wh.root());
        if (h.isEmpty()) {
            return "none (no command is writing the warehouse)";
        }
        final io.kamwarehouse.runtime.WarehouseLease.Holder holder = h.get();
        final String step = holder.step().isEmpty() ? "" : "; last step: " + holder.step();
        final java.util.Optional<String> gone = io.kamwarehouse.runtime.WarehouseLease.gone(holder,
                io.kamwarehouse.runtime.WarehouseLease.timeout(wh.config().sparkConf()));
        if (gone.isPresent()) {
            return "interrupted: " + holder.describe() + " did not finish (" + gone.get() + ")" + step
                    + "; the next writing command takes over and records it";
        }
        return holder.describe() + ", heartbeat "
                + java.time.Duration.between(holder.heartbeat(), java.time.Instant.now()).toSeconds() + " s ago" + step;
    }

    @Override
    public Integer call() {
        final RunContext ctx = main.context();
        final Warehouse wh = ctx.warehouse();
        final List<String> tables = wh.listTables();
        final Map<String, Row> lastRun = new HashMap<>();
        if (tables.contains(RunLog.TABLE)) {
            for (final Row r : wh.read(RunLog.TABLE).where(col("output_table").isNotNull()).groupBy("output_table")
                    .agg(max_by(struct(col("ended_at"), col("status"), col("message")), col("ended_at")).as("last")).collectAsList()) {
                lastRun.put(r.getString(0), r.getStruct(1));
            }
        }
        final Map<String, Long> quarantined = new HashMap<>();
        if (tables.contains(BronzeIngestor.QUARANTINE)) {
            for (final Row r : wh.read(BronzeIngestor.QUARANTINE).groupBy("entity").count().collectAsList()) {
                ctx.contracts().all().stream().filter(c -> c.qualifiedName().equals(r.getString(0))).map(Contract::bronzeTable)
                        .findFirst().ifPresent(t -> quarantined.put(t, r.getLong(1)));
            }
        }
        final TablePrinter t = new TablePrinter(List.of("table", "layer", "version", "rows", "last_run_at", "last_status",
                "quarantined_rows"));
        for (final String table : tables) {
            final Row last = lastRun.get(table);
            // Delta's checksum file knows the rows; a count only where it does not.
            final long rows = wh.rowCountFromLog(table).orElseGet(() -> wh.read(table).count());
            t.add(List.of(table, Warehouse.layerOf(table), wh.version(table), rows,
                    last == null ? "" : String.valueOf(last.getTimestamp(0)).replaceFirst("\\.\\d+$", ""),
                    last == null ? "" : state(last.getString(1), last.isNullAt(2) ? "" : last.getString(2)),
                    quarantined.getOrDefault(table, 0L)));
        }
        if (csv) {
            t.print(System.out, true);
            return 0;
        }
        System.out.println("warehouse: " + wh.root());
        System.out.println("landing:   " + wh.config().landingRoot());
        System.out.println("writer:    " + writer(wh));
        System.out.println();
        if (t.size() == 0) {
            System.out.println("no tables yet: run 'kamw demo', or 'kamw ingest' after dropping extracts in the landing folder");
            return 0;
        }
        t.print(System.out, false);
        if (tables.contains(RunLog.TABLE)) {
            System.out.println();
            System.out.println("recent runs:");
            final TablePrinter r = new TablePrinter(List.of("ended_at", "job", "status", "rows_read", "rows_written",
                    "rows_quarantined", "message"));
            for (final Row row : wh.read(RunLog.TABLE).orderBy(desc("ended_at")).limit(runs)
                    .select("ended_at", "job", "status", "rows_read", "rows_written", "rows_quarantined", "message")
                    .collectAsList()) {
                final String msg = row.isNullAt(6) ? "" : row.getString(6);
                r.add(List.of(String.valueOf(row.getTimestamp(0)).replaceFirst("\\.\\d+$", ""), row.getString(1),
                        row.getString(2), row.getLong(3), row.getLong(4), row.getLong(5),
                        msg.length() > 100 ? msg.substring(0, 97) + "..." : msg));
            }
            r.print(System.out, false);
        }
        if (tables.contains(BronzeIngestor.QUARANTINE)) {
            System.out.println();
            System.out.println("quarantine by entity and rule:");
            final TablePrinter q = new TablePrinter(List.of("entity", "rule", "rows", "last_drop"));
            for (final Row row : wh.read(BronzeIngestor.QUARANTINE).groupBy("entity", "rule")
                    .agg(count("*").as("n"), max("_drop_date")).orderBy("entity", "rule").collectAsList()) {
                q.add(List.of(row.getString(0), row.getString(1), row.getLong(2), String.valueOf(row.get(3))));
            }
            q.print(System.out, false);
        }
        return 0;
    }
}
