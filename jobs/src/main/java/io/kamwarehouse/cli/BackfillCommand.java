package io.kamwarehouse.cli;

import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kamw backfill [TABLE...] --from D1 --to D2}: recomputes the periods of a date range in
 * tables built by period (every such table when none is named), then brings every table downstream
 * of them up to date, which recomputes the periods the backfill changed there. A named table
 * without a period declaration is rebuilt whole. A closed bonus pay period is not changed: its
 * close recorded the versions it was computed from, and reads them.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Recompute the periods from --from to --to of tables built by period (all of them when no TABLE is named), "
                + "then what they reach downstream.")
final class BackfillCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "TABLE", arity = "0..*", description = "Silver or gold tables to backfill (default: every table built by "
            + "period); a named table without a period is rebuilt whole.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--from", required = true, paramLabel = "yyyy-MM-dd",
            description = "First day of the range; the period that holds it is recomputed whole.")
    LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "yyyy-MM-dd",
            description = "Last day of the range, not before --from; the period that holds it is recomputed whole.")
    LocalDate to;

    @Option(names = "--date", paramLabel = "yyyy-MM-dd",
            description = "The as-of date of the builds (default: the day before the latest drop, as for any build).")
    LocalDate date;

    @Option(names = "--dry-run", description = "Print what would be recomputed, without starting Spark.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (to.isBefore(from)) {
            throw new KamwException("--to " + to + " is before --from " + from + "; give the range's first day, then its last");
        }
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), main.contracts());
        final Set<String> named = new LinkedHashSet<>();
        if (tables.isEmpty()) {
            specs.all().stream().filter(s -> s.period() != null).forEach(s -> named.add(s.name()));
        }
        for (final String t : tables) {
            if (specs.find(t).isEmpty() && main.contracts().byBronzeTable(t).isPresent()) {
                throw new KamwException(t + " is a bronze table, which a backfill does not recompute: name the silver or gold tables "
                        + "that read it (kamw run " + t + " loads its pending drops)");
            }
            if (specs.find(t).isEmpty()) {
                throw io.kamwarehouse.Names.unknown("table", t, specs.all().stream().map(TableSpec::name).toList(), "kamw tables");
            }
            named.add(t);
        }
        final List<TableSpec> plan = withDownstream(specs, named);
        if (date != null) {
            main.asOfDate(date);
        }
        if (dryRun) {
            System.out.println("backfill " + from + " to " + to + (date == null ? "" : " as of " + date) + ":");
            for (final TableSpec s : plan) {
                final String what = !named.contains(s.name()) ? "bring up to date (downstream)"
                        : s.period() != null ? "recompute the " + s.period().grain().text() + "s from " + s.period().grain().start(from)
                                + " to " + s.period().grain().start(to) + " (and any its inputs' changes reach)"
                        : "rebuild whole (no period declared)";
                System.out.println("  " + s.name() + ": " + what);
            }
            return 0;
        }
        final RunContext ctx = main.writingContext();
        final JobOptions backfill = JobOptions.backfill(from, to);
        final List<TableRunner.Built> built = new TableRunner(ctx).build(plan,
                s -> !named.contains(s.name()) ? JobOptions.INCREMENTAL : s.period() != null ? backfill : JobOptions.REBUILD);
        Summaries.printBuilt(System.out, built);
        return Summaries.exitCode(List.of(), built);
    }

    /** The named tables and every table downstream of them, in dependency order. */
    static List<TableSpec> withDownstream(final TableSpecCatalog specs, final Set<String> named) {
        final Set<String> keep = new LinkedHashSet<>(named);
        final Deque<String> todo = new ArrayDeque<>(named);
        while (!todo.isEmpty()) {
            final String t = todo.pop();
            for (final TableSpec s : specs.all()) {
                if (s.inputs().contains(t) && keep.add(s.name())) {
                    todo.push(s.name());
                }
            }
        }
        return specs.all().stream().filter(s -> keep.contains(s.name())).toList();
    }
}
