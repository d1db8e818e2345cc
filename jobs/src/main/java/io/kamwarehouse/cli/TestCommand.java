package io.kamwarehouse.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.pipeline.CheckResults;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.pipeline.Selector;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.CheckResult;
import io.kamwarehouse.spec.DataChecks;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kamw test [SELECTOR...]}: the data checks of the selected tables on their current
 * versions, without building anything, as {@code dbt test} runs a project's tests. Every outcome,
 * passed or failed, goes to {@code check_results} (with sample rows of a failed check) and each
 * table's test to {@code run_log}; a failed error check exits 3, warnings do not.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run the data checks of the selected tables (their specs' checks) on the tables as they are, without building "
                + "them; print each table's outcome and each failed check with its count and sample rows; keep every result in "
                + "check_results. Exit 3 when an error check fails.")
final class TestCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "SELECTOR", arity = "0..*", description = "The tables to test, as pipeline --select takes them "
            + "(TABLE, TABLE+, +TABLE, layer:gold, domain:bonus, schedule:daily, kind:example); default: every table with checks.")
    List<String> select = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "SELECTOR", arity = "1..*", description = "Leave out what these selectors select.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--rows", paramLabel = "N", description = "Failing rows kept per failed check in check_results, as JSON "
            + "(default: ${DEFAULT-VALUE}; 0 keeps none).")
    int rowsKept = 5;

    /** Sample rows printed per failed check. */
    private static final int ROWS_PRINTED = 3;

    @Override
    public Integer call() {
        if (rowsKept < 0) {
            throw new KamwException("--rows " + rowsKept + " is negative; give 0 to keep no failing rows");
        }
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), main.contracts());
        final Set<String> picked = new Selector(specs, main.contracts()).select(select, exclude);
        final List<TableSpec> tested = specs.all().stream().filter(s -> picked.contains(s.name()) && !s.checks().isEmpty()).toList();
        if (tested.isEmpty()) {
            throw new KamwException("the selection has no table with checks (bronze tables are checked by their contracts as "
                    + "drops are ingested; kamw tables lists the others)");
        }
        final RunContext ctx = main.writingContext();
        final Warehouse wh = ctx.warehouse();
        final List<RunRecord> records = new ArrayList<>();
        final List<Row> results = new ArrayList<>();
        final List<String> notBuilt = new ArrayList<>();
        int passed = 0;
        int errors = 0;
        int warnings = 0;
        try {
            int i = 0;
            for (final TableSpec spec : tested) {
                i++;
                final String at = "[" + i + "/" + tested.size() + "] test " + spec.name();
                if (!wh.exists(spec.name())) {
                    notBuilt.add(spec.name());
                    System.out.println(at + ": not built yet");
                    continue;
                }
                final Instant start = Instant.now();
                final long version = wh.version(spec.name());
                final List<CheckResult> checks = DataChecks.run(wh, spec);
                final Map<String, List<String>> samples = new LinkedHashMap<>();
                final List<CheckResult> failed = checks.stream().filter(c -> !c.passed()).toList();
                for (final CheckResult c : failed) {
                    samples.put(c.name(), rowsKept == 0 ? List.of() : DataChecks.failingRows(wh, spec, c.name(),
                            wh.readVersion(spec.name(), version), rowsKept).select(to_json(struct(col("*"))))
                            .as(Encoders.STRING()).collectAsList());
                }
                final long ok = checks.size() - failed.size();
                final long err = failed.stream().filter(CheckResult::blocking).count();
                passed += (int) ok;
                errors += (int) err;
                warnings += failed.size() - (int) err;
                System.out.println(at + " v" + version + ": " + ok + "/" + checks.size() + " passed"
                        + (err > 0 ? ", " + err + " error" + (err == 1 ? "" : "s") : "")
                        + (failed.size() > err ? ", " + (failed.size() - err) + " warning" + (failed.size() - err == 1 ? "" : "s") : ""));
                for (final CheckResult c : failed) {
                    System.out.println("  " + c.severity().label() + " " + c.name() + " on " + spec.name() + ": " + c.detail());
                    samples.get(c.name()).stream().limit(ROWS_PRINTED).forEach(r -> System.out.println("    " + r));
                }
                final Instant end = Instant.now();
                final RunRecord rec = new RunRecord(RunContext.newRunId(), ctx.pipelineRunId(), "test " + spec.name(),
                        "table=" + spec.name() + " checks=" + checks.size(), Timestamp.from(start), Timestamp.from(end),
                        err > 0 ? RunStatus.CHECK_FAILED : RunStatus.SUCCEEDED, Map.of(spec.name(), version), spec.name(), version,
                        wh.rowCountFromLog(spec.name(), version).orElse(0L), 0, 0,
                        failed.isEmpty() ? checks.size() + " checks passed" : DataChecks.summary(failed));
                records.add(rec);
                results.addAll(CheckResults.rows(rec.runId(), ctx.pipelineRunId(), "test", spec.name(), version, checks, samples,
                        rec.endedAt()));
            }
        } finally {
            ctx.runLog().append(records);
            wh.appendRows(CheckResults.TABLE, results, CheckResults.SCHEMA);
        }
        System.out.println("tested " + records.size() + " table" + (records.size() == 1 ? "" : "s") + ": " + passed + " checks passed, "
                + errors + " failed (error), " + warnings + " failed (warn)"
                + (notBuilt.isEmpty() ? "" : "; not built yet: " + String.join(", ", notBuilt))
                + "; results in check_results (run " + ctx.pipelineRunId() + ")");
        return errors > 0 ? KamwException.EXIT_FAILED : 0;
    }
}
