package io.kamwarehouse.cli;

import io.kamwarehouse.cli.CliRun.Result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.gold.BonusFixture;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.testing.SharedSpark;

/**
 * {@code kamw bonus close / show / runs} on the bonus fixture: a closed run reads back its own numbers
 * after the payroll ledger changed and the tables were rebuilt; a closed period is not closed twice
 * unless reopened with a reason; bad periods are refused clearly.
 */
class BonusCloseTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;


    @BeforeAll
    static void warehouse() {
        ctx = SharedSpark.context(dir);
        BonusFixture.load(ctx);
    }

    private static Result kamw(final String... args) {
        return CliRun.kamw(dir, args);
    }

    private static String runId(final Result r) {
        final Matcher m = Pattern.compile("bonus run (BR-\\S+)").matcher(r.out());
        assertTrue(m.find(), r.out() + r.err());
        return m.group(1);
    }

    private static void assertRefused(final Result r, final String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
    }

    /** Before payroll's first ledger is loaded there is nothing to reconcile: the close says what is missing. */
    @Test
    void aPeriodIsNotClosedBeforePayrollsLedgerArrived(@TempDir final Path other) throws Exception {
        final RunContext c = SharedSpark.context(other);
        BonusFixture.load(c);
        for (final String t : java.util.List.of("stg_finance__bonus_payouts", "fct_bonus_reconciliation")) {
            final org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(c.warehouse().tablePath(t));
            p.getFileSystem(c.warehouse().hadoopConf()).delete(p, true);
            assertFalse(c.warehouse().exists(t), t);
        }
        final Result r = CliRun.kamw(other, "bonus", "close", "--period", "2026-Q3", "--by", "finance.lead");
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("cannot close: fct_bonus_reconciliation skipped: input stg_finance__bonus_payouts has not been "
                + "built yet"), r.err());
        assertTrue(r.err().contains("no finance bonus_payouts extract has been loaded yet (finance/<drop>/bonus_payouts*.csv or 奖金发放*.csv "
                + "in the landing folder): a period is closed against what payroll paid, so payroll's ledger must arrive first"), r.err());
        assertFalse(r.err().contains("run 'kamw pipeline' first"), "another pipeline would not help: " + r.err());
        assertFalse(c.warehouse().exists("bonus_runs"), "nothing closed");
    }

    @Test
    void aClosedRunIsReproducedAfterNewDataAndIsNotClosedTwice() {
        // pay period 2026-Q3: A's deferred 10,800 (paid 11,000), A's clawback -5,400 (not booked), C and F 0,
        // D's regular 8,190 (not paid), G's unexpected 500: computed 13,590.00, paid 11,500.00
        final Result closed = kamw("bonus", "close", "--period", "2026-Q3", "--by", "finance.lead");
        assertEquals(0, closed.code(), closed.out() + closed.err());
        final String first = runId(closed);
        assertTrue(closed.out().contains("computed 13,590.00  paid 11,500.00  difference 2,090.00"), closed.out());
        assertTrue(closed.out().contains("closed by finance.lead"), closed.out());
        assertTrue(closed.out().contains("plan 2026.1"), closed.out());
        assertTrue(closed.out().contains("lines 6 of 5 employees"), closed.out());

        assertRefused(kamw("bonus", "close", "--period", "2026-Q3"), "pay period 2026-Q3 is already closed by run " + first);

        // a dry run refuses what the close refuses, and otherwise says what it would close, writing nothing
        final String runsBefore = kamw("bonus", "runs", "--csv").out();
        assertRefused(kamw("bonus", "close", "--period", "2026-Q3", "--dry-run"), "pay period 2026-Q3 is already closed by run " + first);
        assertRefused(kamw("bonus", "close", "--period", "2026-Q4", "--dry-run"),
                "pay period 2026-Q4 ends on 2026-12-31, after the date the data covers (2026-09-30)");
        assertRefused(kamw("bonus", "close", "--period", "2025-Q2", "--dry-run"), "nothing to close in pay period 2025-Q2");
        final Result wouldReopen = kamw("bonus", "close", "--period", "2026-Q3", "--reopen", "--reason", "a check", "--dry-run");
        assertEquals(0, wouldReopen.code(), wouldReopen.out() + wouldReopen.err());
        assertTrue(wouldReopen.out().contains("would reopen pay period 2026-Q3 (run " + first + " marked superseded) and close it: "
                + "6 lines for 5 employees, computed 13590.00, paid 11500.00, difference 2090.00"), wouldReopen.out());
        assertEquals(runsBefore, kamw("bonus", "runs", "--csv").out(), "a dry run closes nothing");

        // payroll books D's regular bonus late; the tables are rebuilt from the new ledger
        BonusFixture.ledger(ctx, ", ('L7', 'D', '2026-Q2', 'regular', 8190.00, 'CNY', DATE'2026-08-20')");
        final Result rebuilt = kamw("run", "fct_bonus_reconciliation");
        assertEquals(0, rebuilt.code(), rebuilt.out() + rebuilt.err());
        final Result now = kamw("sql", "select sum(paid_amount) from fct_bonus_reconciliation where pay_period = '2026-Q3'", "--csv");
        assertTrue(now.out().contains("19690.00"), now.out());

        // the closed run still shows what was closed, read at its recorded versions
        final Result shown = kamw("bonus", "show", "--run", first);
        assertEquals(0, shown.code(), shown.out() + shown.err());
        assertTrue(shown.out().contains("computed 13590.00, paid 11500.00, difference 2090.00, as closed"), shown.out());
        assertTrue(shown.out().contains("missing_in_payroll"), shown.out());
        final Result csv = kamw("bonus", "show", "--run", first, "--csv");
        assertTrue(csv.out().contains("D,regular,8190.00,,8190.00,missing_in_payroll"), csv.out());

        // reopened with a reason: a new run with the new numbers; the first stays, superseded
        assertRefused(kamw("bonus", "close", "--period", "2026-Q3", "--reopen"), "--reopen needs --reason");
        final Result reopened = kamw("bonus", "close", "--period", "2026-Q3", "--reopen", "--reason", "payroll booked D late", "--by", "cfo");
        assertEquals(0, reopened.code(), reopened.out() + reopened.err());
        final String second = runId(reopened);
        assertTrue(reopened.out().contains("computed 13,590.00  paid 19,690.00  difference -6,100.00"), reopened.out());
        assertTrue(reopened.out().contains("supersedes " + first + "): payroll booked D late"), reopened.out());
        final Result runs = kamw("bonus", "runs", "--csv");
        assertTrue(runs.out().contains(first + ",2026-Q3,superseded,finance.lead,"), runs.out());
        assertTrue(runs.out().contains(second + ",2026-Q3,closed,cfo,"), runs.out());
        assertTrue(runs.out().contains(",payroll booked D late"), runs.out());
        assertTrue(kamw("bonus", "show", "--run", first).out().contains("computed 13590.00, paid 11500.00"));
    }

    /** A close takes the warehouse lease: while another command writes, it is refused and nothing is closed; reading goes on. */
    @Test
    void aCloseWaitsForNoOneElseWritingTheWarehouse() {
        final String before = kamw("bonus", "runs", "--csv").out();
        try (io.kamwarehouse.runtime.WarehouseLease held = io.kamwarehouse.runtime.WarehouseLease.acquire(
                new org.apache.hadoop.conf.Configuration(), "file:" + dir.toAbsolutePath(), "R-other-close",
                "kamw bonus close --period 2026-Q3", java.time.Duration.ZERO, java.time.Duration.ofMinutes(2), s -> { })) {
            final Result second = kamw("bonus", "close", "--period", "2026-Q3", "--wait", "1");
            assertEquals(75, second.code(), second.out() + second.err());
            assertTrue(second.err().contains("is in use by 'kamw bonus close --period 2026-Q3' (run R-other-close"), second.err());
            final Result runs = kamw("bonus", "runs", "--csv");
            assertEquals(0, runs.code(), runs.err());
            assertEquals(before, runs.out(), "nothing closed");
        }
    }

    @Test
    void badPeriodsAreRefusedClearly() {
        assertRefused(kamw("bonus", "close", "--period", "2026Q3"), "'2026Q3' is not a quarter: write the pay period as YYYY-Qn");
        assertRefused(kamw("bonus", "close", "--period", "2026-Q5"), "is not a quarter");
        assertRefused(kamw("bonus", "close", "--period", "2026-Q4"), "pay period 2026-Q4 ends on 2026-12-31, after the date the data covers (2026-09-30)");
        assertRefused(kamw("bonus", "close", "--period", "2025-Q2"), "nothing to close in pay period 2025-Q2");
        assertRefused(kamw("bonus", "show", "--run", "BR-nope"), "no bonus run 'BR-nope'");
    }
}
