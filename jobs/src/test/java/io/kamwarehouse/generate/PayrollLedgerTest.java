package io.kamwarehouse.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.testing.SharedSpark;

/** Payroll's ledger written from the computed bonuses: paid as computed, but for the exceptions it tells. */
class PayrollLedgerTest {

    @TempDir
    Path dir;

    private static void table(final Warehouse wh, final String name, final String query) {
        wh.spark().sql(query).write().format("delta").mode("overwrite").save(wh.tablePath(name));
    }

    @Test
    void everyDuePaymentIsPaidAsComputedOnPayDayButForTheExceptionsItTells() throws IOException {
        final RunContext ctx = SharedSpark.context(dir);
        final Warehouse wh = ctx.warehouse();
        table(wh, "dim_employee", "SELECT * FROM VALUES ('E1', '张伟', CAST(NULL AS DATE), true), ('E2', 'Emily Chen', DATE'2026-03-31', true),"
                + " ('E2', 'Emily Chen', CAST(NULL AS DATE), false) AS t(employee_id, employee_name, termination_date, is_current)");
        final StringBuilder rows = new StringBuilder();
        // two employees, four quarters of regular bonuses (paid the quarter after), deferred releases and a clawback;
        // the 2026-Q4 pay period starts after the as-of date (2026-09-30): not in the ledger; zero bonuses are not paid
        final String[][] events = {
            {"E1", "2025-Q4", "2026-Q1", "2026-01-01", "regular", "9000.00", "due"},
            {"E1", "2026-Q1", "2026-Q2", "2026-04-01", "regular", "8000.00", "due"},
            {"E1", "2026-Q2", "2026-Q3", "2026-07-01", "regular", "7000.00", "due"},
            {"E1", "2026-Q3", "2026-Q4", "2026-10-01", "regular", "6000.00", "scheduled"},
            {"E1", "2025-Q4", "2026-Q3", "2026-07-01", "deferred_release", "1200.00", "due"},
            {"E1", "2025-Q4", "2026-Q3", "2026-07-01", "deferred_release", "300.00", "due"},
            {"E2", "2025-Q4", "2026-Q1", "2026-01-01", "regular", "6500.00", "due"},
            {"E2", "2026-Q1", "2026-Q2", "2026-04-01", "regular", "0.00", "due"},
            {"E2", "2025-Q4", "2026-Q3", "2026-07-01", "clawback", "-800.00", "due"},
        };
        for (final String[] e : events) {
            rows.append(rows.length() == 0 ? "" : ", ").append(String.format("('%s', '%s', '%s', DATE'%s', '%s', %s, '%s')",
                    (Object[]) e));
        }
        table(wh, "fct_bonus", "SELECT employee_id, period, pay_period, pay_period_start, payout_type,"
                + " CAST(amount AS DECIMAL(18, 2)) AS payout_amount, status AS event_status, 'CNY' AS currency,"
                + " DATE'2026-09-30' AS as_of_date FROM VALUES " + rows + " AS t(employee_id, period, pay_period, pay_period_start,"
                + " payout_type, amount, status)");

        final PayrollLedger.Report report = PayrollLedger.write(wh, dir.resolve("landing/finance/2026-10-01"), 42L);
        final List<String> lines = new ArrayList<>(List.of(new String(Files.readAllBytes(report.file()), EntitySink.GBK).split("\r\n")));
        assertEquals("发放编号,工号,姓名,期间,发放类型,实发金额,币种,发放日期", lines.remove(0));
        assertEquals(report.lines(), lines.size());
        assertEquals(5, report.exceptions().size(), report.exceptions().toString());
        final String stories = String.join("\n", report.exceptions());
        assertTrue(stories.contains("missed deferred release: E1's release of"), stories);
        assertTrue(stories.contains("clawback not recovered: E2's clawback of 800.00 for 2025-Q4 (left on 2026-03-31)"), stories);
        // paid on the first working day from the 15th of the pay period's first month (2026-03-15 is a Sunday)
        assertEquals(LocalDate.of(2026, 3, 16), PayrollLedger.payDay(LocalDate.of(2026, 1, 1).plusMonths(2)));
        assertTrue(lines.stream().noneMatch(l -> l.contains(",2026-Q3,常规,6000.00")), "not paid before its pay day: " + lines);
        assertTrue(lines.stream().noneMatch(l -> l.contains(",0.00,")), "nothing paid where nothing was computed: " + lines);
        // every line not named by an exception is the computed payment, on its pay day
        final List<String> asComputed = List.of("E1,张伟,2025-Q4,常规,9000.00,CNY,2026/01/15", "E1,张伟,2026-Q1,常规,8000.00,CNY,2026/04/15",
                "E1,张伟,2026-Q2,常规,7000.00,CNY,2026/07/15", "E2,Emily Chen,2025-Q4,常规,6500.00,CNY,2026/01/15");
        long same = asComputed.stream().filter(c -> lines.stream().anyMatch(l -> l.endsWith(c))).count();
        // the late payment and the two adjustments each change one of these four regular lines
        assertEquals(1, same, "three of the four regular lines carry an exception: " + lines + "\n" + stories);
    }
}
