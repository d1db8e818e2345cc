package io.kamwarehouse.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Row;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw docs}: the tables' documentation as one static HTML file, with their state in the warehouse. */
@Command(name = "docs", mixinStandardHelpOptions = true,
        description = {"Write the warehouse's documentation as a static site (one index.html, opened from the file, no server): "
                + "every table with its layer, domain, description, grain, keys, columns and their types, checks, query, a lineage "
                + "graph of what it is built from and into, and its version, build time, rows and last run in the warehouse."})
final class DocsCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder to write index.html into (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("kamw-docs");

    @Option(names = "--specs-only", description = "Leave the warehouse out: no versions, rows or runs, and no Spark.")
    boolean specsOnly;

    @Override
    public Integer call() throws java.io.IOException {
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), main.contracts());
        final ContractCatalog contracts = main.contracts();
        final Map<String, DocsSite.State> states = specsOnly ? Map.of() : states(specs, contracts);
        final Path index = new DocsSite(specs, contracts, states).write(out);
        System.out.println("wrote " + index.toAbsolutePath() + " (" + (specs.all().size() + contracts.all().size()) + " tables, "
                + states.size() + " built); open it in a browser: file://" + index.toAbsolutePath());
        return 0;
    }

    /** Each built table's version, build time, rows, columns and last run (of its build or load; kamw test's runs left out). */
    private Map<String, DocsSite.State> states(final TableSpecCatalog specs, final ContractCatalog contracts) {
        final String root = main.config().warehouseRoot();
        final Map<String, String[]> built = new LinkedHashMap<>();
        for (final String t : DocsSite.tables(specs, contracts)) {
            final String[] commit = TablesCommand.lastCommit(root + "/" + Warehouse.layerOf(t) + "/" + t);
            if (!commit[0].isEmpty()) {
                built.put(t, commit);
            }
        }
        if (built.isEmpty()) {
            return Map.of();
        }
        final RunContext ctx = main.context();
        final Warehouse wh = ctx.warehouse();
        final Map<String, Row> lastRuns = new LinkedHashMap<>();
        if (wh.exists("run_log")) {
            for (final Row r : wh.spark().sql("SELECT output_table, status, CAST(started_at AS STRING), message FROM ("
                    + "SELECT *, row_number() OVER (PARTITION BY output_table ORDER BY started_at DESC) AS n FROM delta.`"
                    + wh.tablePath("run_log") + "` WHERE output_table IS NOT NULL AND job NOT LIKE 'test %') WHERE n = 1").collectAsList()) {
                lastRuns.put(r.getString(0), r);
            }
        }
        final io.delta.kernel.engine.Engine engine = io.delta.kernel.defaults.engine.DefaultEngine.create(wh.hadoopConf());
        final Map<String, DocsSite.State> out = new LinkedHashMap<>();
        built.forEach((t, commit) -> {
            final long version = Long.parseLong(commit[0]);
            final Map<String, String> columns = new LinkedHashMap<>();
            try {
                for (final io.delta.kernel.types.StructField f : io.delta.kernel.Table.forPath(engine, wh.tablePath(t))
                        .getSnapshotAsOfVersion(engine, version).getSchema().fields()) {
                    columns.put(f.getName(), f.getDataType().toString().toLowerCase(java.util.Locale.ROOT));
                }
            } catch (final RuntimeException e) {
                // a log Kernel cannot read: the columns the specs and contracts describe are still listed
            }
            final java.util.OptionalLong rows = wh.rowCountFromLog(t, version);
            final Row run = lastRuns.get(t);
            out.put(t, new DocsSite.State(version, commit[1], rows.isPresent() ? rows.getAsLong() : null,
                    run == null ? null : run.getString(1), run == null ? null : run.getString(2), run == null ? null : run.getString(3),
                    columns));
        });
        return out;
    }
}
