package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/** Bonuses, their deferred parts and payment events, and the reconciliation with payroll, on {@link BonusFixture}. */
class BonusTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;

    @BeforeAll
    static void warehouse() {
        ctx = SharedSpark.context(dir);
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        BonusFixture.load(ctx, specs);
        FactFixture.run(ctx, specs, "fct_bonus", Map.of());
        FactFixture.run(ctx, specs, "fct_bonus_reconciliation", Map.of());
    }

    private static Map<String, Row> payouts() {
        final Map<String, Row> out = new TreeMap<>();
        ctx.warehouse().read("fct_bonus").collectAsList().forEach(r -> out.put(r.getAs("payout_id"), r));
        return out;
    }

    private static String event(final Row r) {
        return r.getAs("payout_type") + " " + r.getAs("payout_amount") + " due " + r.getAs("due_date") + " paid in " + r.getAs("pay_period")
                + " (" + r.getAs("event_status") + ")";
    }

    private static BigDecimal money(final String s) {
        return new BigDecimal(s);
    }

    @Test
    void targetTimesTheCurveFactorSplitIntoRegularAndDeferred() {
        final Map<String, Row> p = payouts();
        final Row a = p.get("A|2026-Q1|regular");
        // team lead: 36,000 x 1.5; score 77.50 lies between 70 (0.9) and 85 (1.1): 0.9 + 7.5 x 0.2 / 15 = 1.0
        assertEquals(money("54000.00"), a.getAs("target_bonus_amount"));
        assertEquals(money("1.000000"), a.getAs("payout_factor"));
        assertEquals(money("54000.00"), a.getAs("computed_amount"));
        assertEquals(money("16200.00"), a.getAs("deferred_amount"));
        assertEquals("regular 37800.00 due 2026-03-31 paid in 2026-Q2 (due)", event(a));
        // 24,000 x (0.5 + 0.03 x 0.4 / 20 = 0.5006) = 12,014.40; 30% = 3,604.32 deferred
        final Row b = p.get("B|2026-Q1|regular");
        assertEquals(money("0.500600"), b.getAs("payout_factor"));
        assertEquals(money("12014.40"), b.getAs("computed_amount"));
        assertEquals("regular 8410.08 due 2026-03-31 paid in 2026-Q2 (due)", event(b));
        // under the first point: nothing; above the last: its factor (9,000 x 1.3); no score: nothing
        assertEquals(money("0.00"), p.get("C|2026-Q2|regular").getAs("computed_amount"));
        assertEquals(money("11700.00"), p.get("D|2026-Q2|regular").getAs("computed_amount"));
        assertEquals("regular 8190.00 due 2026-06-30 paid in 2026-Q3 (due)", event(p.get("D|2026-Q2|regular")));
        assertEquals(money("0.00"), p.get("F|2026-Q2|regular").getAs("computed_amount"));
        // month rows of the scorecard do not pay; C and F have no deferred part
        assertEquals(11, p.size(), p.keySet().toString());
    }

    @Test
    void theDeferredPartFollowsTheDeals() {
        final Map<String, Row> p = payouts();
        // A's 16,200 by credit 60,000 : 30,000 (D6 closed in Q2 is not Q1's)
        assertEquals(money("10800.00"), p.get("A|2026-Q1|deferred|D1").getAs("allocated_amount"));
        assertEquals("deferred_release 10800.00 due 2026-05-20 paid in 2026-Q3 (due)", event(p.get("A|2026-Q1|deferred|D1")));
        // D2's account churned in June, before D2 was collected (10,000 of 50,000): forfeited
        assertEquals("clawback -5400.00 due 2026-06-01 paid in 2026-Q3 (due)", event(p.get("A|2026-Q1|deferred|D2")));
        // B's 3,604.32 by 100 : 100 : 50 is 1,441.728 + 1,441.728 + 720.864: floors 1,441.72 + 1,441.72 + 720.86
        // leave 2 cents, to the largest remainders (D3, D4): every cent allocated
        assertEquals(money("1441.73"), p.get("B|2026-Q1|deferred|D3").getAs("allocated_amount"));
        assertEquals(money("1441.73"), p.get("B|2026-Q1|deferred|D4").getAs("allocated_amount"));
        assertEquals(money("720.86"), p.get("B|2026-Q1|deferred|D5").getAs("allocated_amount"));
        // never collected: released at the latest date, the end of the second quarter after Q1
        assertEquals("deferred_release 720.86 due 2026-09-30 paid in 2026-Q4 (due)", event(p.get("B|2026-Q1|deferred|D5")));
        // D has no deal: one unallocated part, expected at the end of 2026 (after the as-of date)
        assertEquals("deferred_release 3510.00 due 2026-12-31 paid in 2027-Q1 (scheduled)", event(p.get("D|2026-Q2|deferred|unallocated")));
        // for each employee and quarter, the allocated amounts add up to the computed bonus
        final Map<String, BigDecimal> sums = new TreeMap<>();
        final Map<String, BigDecimal> computed = new TreeMap<>();
        for (final Row r : p.values()) {
            final String k = r.getAs("employee_id") + " " + r.getAs("period");
            sums.merge(k, r.getAs("allocated_amount"), BigDecimal::add);
            computed.put(k, r.getAs("computed_amount"));
        }
        assertEquals(computed, sums);
    }

    @Test
    void reconciliationStatusesAndTotalsToTheCent() {
        final Map<String, String> lines = new TreeMap<>();
        BigDecimal computed = BigDecimal.ZERO;
        BigDecimal paid = BigDecimal.ZERO;
        BigDecimal difference = BigDecimal.ZERO;
        for (final Row r : ctx.warehouse().read("fct_bonus_reconciliation").collectAsList()) {
            lines.put(r.getAs("pay_period") + " " + r.getAs("employee_id") + " " + r.getAs("payout_type"),
                    r.getAs("status") + " " + r.getAs("computed_amount") + " - " + r.getAs("paid_amount") + " = " + r.getAs("difference_amount"));
            computed = computed.add(r.getAs("computed_amount") == null ? BigDecimal.ZERO : r.getAs("computed_amount"));
            paid = paid.add(r.getAs("paid_amount") == null ? BigDecimal.ZERO : r.getAs("paid_amount"));
            difference = difference.add(r.getAs("difference_amount"));
        }
        final Map<String, String> expected = new TreeMap<>(Map.of(
                "2026-Q2 A regular", "matched 37800.00 - 37800.00 = 0.00",
                "2026-Q2 B regular", "under_paid 8410.08 - 8400.00 = 10.08",
                "2026-Q3 A deferred_release", "over_paid 10800.00 - 11000.00 = -200.00",
                "2026-Q3 A clawback", "missing_in_payroll -5400.00 - null = -5400.00",
                "2026-Q3 C regular", "matched 0.00 - null = 0.00",
                "2026-Q3 D regular", "missing_in_payroll 8190.00 - null = 8190.00",
                "2026-Q3 F regular", "matched 0.00 - null = 0.00",
                "2026-Q3 G regular", "unexpected_in_payroll null - 500.00 = -500.00"));
        assertEquals(expected, lines);
        // 59,800.08 computed - 57,700.00 paid = 2,100.08
        assertEquals(money("59800.08"), computed);
        assertEquals(money("57700.00"), paid);
        assertEquals(money("2100.08"), difference);
        assertEquals(computed.subtract(paid), difference);
        final Row g = ctx.warehouse().read("fct_bonus_reconciliation").filter("employee_id = 'G'").first();
        assertEquals("payroll paid 500.00 as regular for bonus quarter 2026-Q2 (L4) but nothing of that type is computed due in 2026-Q3",
                g.getAs("reason"));
    }
}
