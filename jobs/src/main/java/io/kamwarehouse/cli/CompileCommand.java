package io.kamwarehouse.cli;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.runtime.WarehouseConfig;
import io.kamwarehouse.spec.SqlParams;
import io.kamwarehouse.spec.SqlText;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kamw compile TABLE}: a SQL table's query as a build runs it, its vars filled in (the
 * spec's defaults, {@code --conf kamw.var.NAME=...}, the reporting currency and the run date), read
 * from the specs alone (no Spark, no warehouse). Notes on what was left open go to standard error,
 * so standard output is the query alone.
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Print a SQL table's query with its vars filled in as a build runs it: the spec's defaults, "
                + "--conf kamw.var.NAME=VALUE, the reporting currency and --date as the run's as-of date. Reads only the specs.")
final class CompileCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "TABLE", description = "A silver or gold table built by a SQL query (see kamw tables).")
    String table;

    @Option(names = "--date", paramLabel = "yyyy-MM-dd", description = "The run's as-of date (${as_of_date}); without it the "
            + "var is left in the text, since a run without --date takes the day before the latest drop ingested.")
    LocalDate date;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), main.contracts());
        final List<String> known = new ArrayList<>();
        specs.all().forEach(s -> known.add(s.name()));
        table = io.kamwarehouse.Names.known("table", table, known, "kamw tables");
        final TableSpec s = specs.get(table);
        if (!(s.params() instanceof SqlParams p)) {
            throw new CommandLine.ParameterException(spec.commandLine(), table + " is built by a " + s.job()
                    + " job, which has no query to compile; 'kamw lineage " + table + "' shows what it reads");
        }
        final Map<String, String> conf = main.config().sparkConf();
        final String currency = WarehouseConfig.reportingCurrency(conf.get(WarehouseConfig.REPORTING_CURRENCY_CONF));
        final SqlText.BuiltIns builtIns = new SqlText.BuiltIns(currency, () -> date == null ? LocalDate.MIN : date);
        final Map<String, String> values = new LinkedHashMap<>(SqlText.resolve(p.vars(), conf, builtIns, p.query()));
        final java.util.Set<String> used = SqlText.varsUsed(p.query());
        if (used.contains(SqlText.AS_OF_DATE) && date == null) {
            values.put(SqlText.AS_OF_DATE, "${" + SqlText.AS_OF_DATE + "}");
            System.err.println("note: ${as_of_date} left open: give --date yyyy-MM-dd (a run without --date takes the day before "
                    + "the latest drop ingested)");
        }
        if (used.contains(SqlText.PERIODS_FROM)) {
            System.err.println("note: ${periods_from} is " + SqlText.WHOLE_TABLE_FROM + ", as a whole rebuild runs it; a build by "
                    + "period gives the first day of the earliest period it replaces");
        }
        System.out.println(SqlText.substitute(p.query(), values).strip());
        return 0;
    }
}
