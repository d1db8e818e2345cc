package io.kamwarehouse.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Row;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.bonus.BonusRuns;
import io.kamwarehouse.bonus.PayPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw bonus close | show | runs}: close a pay period's bonuses and read closed runs back. */
@Command(name = "bonus", mixinStandardHelpOptions = true,
        description = {"Close a pay period's bonuses (a reproducible bonus run) and read closed runs back.",
            "A pay period is the payroll quarter: it pays the regular bonuses of the quarter before, the deferred parts "
                + "released and the clawbacks that fell due then (fct_bonus.pay_period)."},
        subcommands = {BonusCommand.Close.class, BonusCommand.Show.class, BonusCommand.Runs.class})
final class BonusCommand implements Runnable {

    @ParentCommand
    Main main;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a subcommand is needed: close, show or runs (see kamw bonus --help)");
    }

    /** {@code kamw bonus close --period 2026-Q3}. */
    @Command(name = "close", mixinStandardHelpOptions = true,
            description = {"Build fct_bonus and fct_bonus_reconciliation when their inputs changed, and record an immutable bonus run of "
                + "the pay period: the Delta version of both and of every table they read, the plan versions and hashes, the totals "
                + "computed / paid / difference, who and when. A closed period is refused unless --reopen --reason is given; the "
                + "earlier run then stays, marked superseded."})
    static final class Close implements Callable<Integer> {

        @ParentCommand
        BonusCommand parent;

        @Option(names = "--period", required = true, paramLabel = "YYYY-Qn", description = "The pay period (payroll quarter) to close, e.g. 2026-Q3.")
        String period;

        @Option(names = "--by", paramLabel = "NAME", description = "Who closes it (default: the operating system user).")
        String by;

        @Option(names = "--reopen", description = "Close an already closed period again; the earlier run is marked superseded.")
        boolean reopen;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why a closed period is reopened (required with --reopen; recorded).")
        String reason;

        @Option(names = "--dry-run", description = "Check the close as it would be checked, on the bonus tables as they stand, and print what it would close; builds and writes nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            final PayPeriod p = PayPeriod.parse(period);
            if (reopen && (reason == null || reason.isBlank())) {
                throw new KamwException("--reopen needs --reason \"why the closed period is computed again\" (it is recorded with the run)");
            }
            if (dryRun) {
                String preview;
                try {
                    preview = new BonusRuns(parent.main.context()).preview(p, reopen, reason);
                } catch (final KamwException refused) {
                    throw refused;
                } catch (final RuntimeException | LinkageError unreadable) {
                    // the arguments are valid; where the warehouse cannot be read from here (a scheduler's s3a:// warehouse
                    // on a machine without its file system) the dry run says so instead of failing
                    preview = "bonus close: pay period " + p + (reopen ? ", reopened" : "") + ": the arguments are valid, but the "
                            + "warehouse " + parent.main.config().warehouseRoot() + " could not be read here ("
                            + io.kamwarehouse.ingest.IngestService.rootMessage(unreadable) + "), so what the close would find was "
                            + "not checked";
                }
                System.out.println(preview);
                return 0;
            }
            final String who = by != null && !by.isBlank() ? by.trim() : System.getProperty("user.name", "unknown");
            final BonusRuns runs = new BonusRuns(parent.main.writingContext());
            final BonusRuns.Run run = runs.close(p, who, reopen, reason);
            final PrintStream out = System.out;
            out.println((run.supersedesRunId() == null ? "closed" : "reopened and closed") + " pay period " + run.payPeriod()
                    + ": bonus run " + run.runId());
            printRun(out, run);
            return 0;
        }
    }

    /** {@code kamw bonus show --run ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a bonus run's totals and its lines per employee and payout type, read by Delta time travel at the versions it recorded.")
    static final class Show implements Callable<Integer> {

        @ParentCommand
        BonusCommand parent;

        @Option(names = "--run", required = true, paramLabel = "ID", description = "The run id (see kamw bonus runs).")
        String runId;

        @Option(names = "--csv", description = "Print the lines as CSV with a header line (no totals).")
        boolean csv;

        @Override
        public Integer call() {
            final BonusRuns runs = new BonusRuns(parent.main.context());
            final BonusRuns.Run run = runs.get(runId);
            final List<String> cols = List.of("employee_id", "payout_type", "computed_amount", "paid_amount", "difference_amount",
                    "status", "reason");
            final TablePrinter t = new TablePrinter(cols);
            BigDecimal computed = BigDecimal.ZERO.setScale(2);
            BigDecimal paid = BigDecimal.ZERO.setScale(2);
            BigDecimal difference = BigDecimal.ZERO.setScale(2);
            for (final Row r : runs.lines(run).collectAsList()) {
                final List<Object> cells = new ArrayList<>();
                for (final String c : cols) {
                    cells.add(r.getAs(c));
                }
                t.add(cells);
                computed = computed.add(orZero(r.getAs("computed_amount")));
                paid = paid.add(orZero(r.getAs("paid_amount")));
                difference = difference.add(r.getAs("difference_amount"));
            }
            if (csv) {
                t.print(System.out, true);
                return 0;
            }
            System.out.println("bonus run " + run.runId() + " of pay period " + run.payPeriod() + " (" + run.status()
                    + (run.supersededByRunId() == null ? "" : " by " + run.supersededByRunId()) + ")");
            printRun(System.out, run);
            System.out.println();
            t.print(System.out, false);
            final boolean same = computed.compareTo(run.computedTotal()) == 0 && paid.compareTo(run.paidTotal()) == 0
                    && difference.compareTo(run.differenceTotal()) == 0;
            System.out.println("(" + t.size() + " lines; read back at fct_bonus_reconciliation v" + run.reconciliationVersion()
                    + ": computed " + computed.toPlainString() + ", paid " + paid.toPlainString() + ", difference "
                    + difference.toPlainString() + (same ? ", as closed)" : ", which DIFFERS from the totals recorded at close)"));
            return same ? 0 : KamwException.EXIT_FAILED;
        }

        private static BigDecimal orZero(final BigDecimal v) {
            return v == null ? BigDecimal.ZERO : v;
        }
    }

    /** {@code kamw bonus runs}. */
    @Command(name = "runs", mixinStandardHelpOptions = true, description = "List the bonus runs, oldest first.")
    static final class Runs implements Callable<Integer> {

        @ParentCommand
        BonusCommand parent;

        @Option(names = "--csv", description = "Print CSV with a header line instead of an aligned table.")
        boolean csv;

        @Override
        public Integer call() {
            final List<BonusRuns.Run> all = new BonusRuns(parent.main.context()).all();
            final TablePrinter t = new TablePrinter(List.of("run_id", "pay_period", "status", "closed_by", "closed_at", "computed_total",
                    "paid_total", "difference_total", "lines", "plan_versions", "superseded_by_run_id", "reopen_reason"));
            for (final BonusRuns.Run r : all) {
                t.add(java.util.Arrays.asList(r.runId(), r.payPeriod(), r.status(), r.closedBy(), r.closedAt(), r.computedTotal(),
                        r.paidTotal(), r.differenceTotal(), r.lines(), r.planVersions(), r.supersededByRunId(), r.reopenReason()));
            }
            t.print(System.out, csv);
            if (!csv) {
                System.out.println("(" + all.size() + " run" + (all.size() == 1 ? "" : "s") + ")");
            }
            return 0;
        }
    }

    static void printRun(final PrintStream out, final BonusRuns.Run run) {
        out.println("  plan " + run.planVersions() + " (hash " + run.planHashes() + "), data as of " + run.asOfDate());
        out.println("  closed by " + run.closedBy() + " at " + run.closedAt()
                + (run.reopenReason() == null ? "" : "; reopened (supersedes " + run.supersedesRunId() + "): " + run.reopenReason()));
        out.println("  fct_bonus v" + run.bonusVersion() + ", fct_bonus_reconciliation v" + run.reconciliationVersion());
        final StringBuilder in = new StringBuilder();
        for (final Map.Entry<String, Long> e : run.inputVersions().entrySet()) {
            in.append(in.length() == 0 ? "" : ", ").append(e.getKey()).append(" v").append(e.getValue());
        }
        out.println("  inputs: " + in);
        out.println("  lines " + run.lines() + " of " + run.employees() + " employees: " + run.statusCounts());
        out.println("  computed " + String.format("%,.2f", run.computedTotal()) + "  paid " + String.format("%,.2f", run.paidTotal())
                + "  difference " + String.format("%,.2f", run.differenceTotal()));
    }
}
