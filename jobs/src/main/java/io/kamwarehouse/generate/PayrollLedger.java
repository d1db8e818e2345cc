package io.kamwarehouse.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.spark.sql.Row;

import io.kamwarehouse.runtime.Warehouse;

/**
 * The sample's payroll ledger: what payroll paid on the bonus run's instructions (fct_bonus's due
 * payments, one line per employee, bonus period, pay period and payout type, paid on the first
 * working day from the 15th of the pay period's first month), with the few exceptions a real ledger
 * has, each a story finance can read off the reconciliation: a regular payment made a quarter late,
 * two manual adjustments (one up, one down), a deferred release payroll missed, and a clawback it
 * could not recover from a leaver. Written as the payroll system exports it
 * ({@code finance/<drop>/bonus_payouts.csv}: GBK, Chinese headers), so it goes through the same
 * contract, checks and quarantine as any extract. Lines whose pay day is after the as-of date are
 * not paid yet, and not written.
 */
public final class PayrollLedger {

    /** What the ledger holds: lines written, and each exception with its story. */
    public record Report(Path file, int lines, List<String> exceptions) {
    }

    private record Line(String employeeId, String name, String period, String payPeriod, LocalDate payPeriodStart,
            String payoutType, BigDecimal amount, String currency, LocalDate terminated) {
    }

    private PayrollLedger() {
    }

    /** Writes the ledger of the warehouse's fct_bonus into {@code dropDir}; null when there is no fct_bonus. */
    public static Report write(final Warehouse wh, final Path dropDir, final long seed) {
        if (!wh.exists("fct_bonus") || !wh.exists("dim_employee")) {
            return null;
        }
        final Map<String, String[]> people = new HashMap<>();
        for (final Row r : wh.read("dim_employee").where(col("is_current"))
                .select(col("employee_id"), col("employee_name"), col("termination_date").cast("string")).collectAsList()) {
            people.put(r.getString(0), new String[] {r.getString(1), r.getString(2)});
        }
        final List<Row> rows = wh.read("fct_bonus").where(col("event_status").equalTo("due")
                        .and(col("pay_period_start").leq(col("as_of_date"))).and(col("payout_amount").notEqual(0)))
                .groupBy(col("employee_id"), col("period"), col("pay_period"), col("pay_period_start"), col("payout_type"),
                        col("currency"), col("as_of_date"))
                .agg(sum(col("payout_amount")).as("amount"))
                .orderBy(col("pay_period_start"), col("employee_id"), col("payout_type"), col("period")).collectAsList();
        if (rows.isEmpty()) {
            return null;
        }
        final LocalDate asOf = rows.get(0).getDate(6).toLocalDate();
        final List<Line> lines = new ArrayList<>();
        for (final Row r : rows) {
            final String[] p = people.getOrDefault(r.getString(0), new String[] {r.getString(0), null});
            lines.add(new Line(r.getString(0), p[0], r.getString(1), r.getString(2), r.getDate(3).toLocalDate(), r.getString(4),
                    r.getDecimal(7), r.getString(5), p[1] == null ? null : LocalDate.parse(p[1])));
        }
        final SplittableRandom rnd = new SplittableRandom(seed ^ 0x5EED_BA11L);
        final List<String> stories = new ArrayList<>();
        final Map<Line, LocalDate> paidOn = new HashMap<>();
        final Map<Line, BigDecimal> paidAmount = new HashMap<>();
        for (final Line l : lines) {
            paidOn.put(l, payDay(l.payPeriodStart()));
            paidAmount.put(l, l.amount());
        }
        // a regular payment made a quarter late (a missed payroll cut-off)
        pick(rnd, lines, l -> l.payoutType().equals("regular") && !payDay(l.payPeriodStart().plusMonths(3)).isAfter(asOf))
                .ifPresent(l -> {
                    paidOn.put(l, payDay(l.payPeriodStart().plusMonths(3)));
                    stories.add("late payment: " + l.employeeId() + "'s regular bonus for " + l.period() + ", due in " + l.payPeriod()
                            + ", paid with the next quarter's payroll");
                });
        // manual adjustments, one up and one down
        pick(rnd, lines, l -> l.payoutType().equals("regular") && !paidOn.get(l).equals(payDay(l.payPeriodStart().plusMonths(3)))
                && l.amount().compareTo(new BigDecimal("5000")) > 0).ifPresent(l -> {
                    paidAmount.put(l, l.amount().add(new BigDecimal("2000.00")));
                    stories.add("manual adjustment: " + l.employeeId() + "'s regular bonus for " + l.period()
                            + " raised by 2,000.00 in payroll");
                });
        pick(rnd, lines, l -> l.payoutType().equals("regular") && paidAmount.get(l).equals(l.amount())
                && paidOn.get(l).equals(payDay(l.payPeriodStart())) && l.amount().compareTo(new BigDecimal("5000")) > 0)
                .ifPresent(l -> {
                    paidAmount.put(l, l.amount().subtract(new BigDecimal("1500.00")));
                    stories.add("manual adjustment: " + l.employeeId() + "'s regular bonus for " + l.period()
                            + " cut by 1,500.00 in payroll");
                });
        // a deferred release payroll missed
        pick(rnd, lines, l -> l.payoutType().equals("deferred_release")).ifPresent(l -> {
            paidOn.remove(l);
            stories.add("missed deferred release: " + l.employeeId() + "'s release of " + l.amount().toPlainString() + " for "
                    + l.period() + " not paid in " + l.payPeriod());
        });
        // a clawback that could not be recovered from a leaver
        pick(rnd, lines, l -> l.payoutType().equals("clawback") && l.terminated() != null).or(
                () -> pick(rnd, lines, l -> l.payoutType().equals("clawback"))).ifPresent(l -> {
                    paidOn.remove(l);
                    stories.add("clawback not recovered: " + l.employeeId() + "'s clawback of " + l.amount().negate().toPlainString()
                            + " for " + l.period() + (l.terminated() != null ? " (left on " + l.terminated() + ")" : "")
                            + " not deducted by payroll");
                });
        try {
            Files.createDirectories(dropDir);
            final Path file = dropDir.resolve("bonus_payouts.csv");
            final StringBuilder out = new StringBuilder();
            out.append(String.join(",", Specs.bonusPayouts().header)).append("\r\n");
            int n = 0;
            for (final Line l : lines) {
                final LocalDate day = paidOn.get(l);
                if (day == null || day.isAfter(asOf)) {
                    continue;
                }
                final StringBuilder row = new StringBuilder();
                for (final String v : new String[] {"PR-" + Fmt.pad(++n, 8), l.employeeId(), l.name(), l.period(),
                    FinanceWriter.PAYOUT_TYPES_CN[switch (l.payoutType()) {
                        case "regular" -> 0;
                        case "deferred_release" -> 1;
                        default -> 2;
                    }], paidAmount.get(l).setScale(2, java.math.RoundingMode.UNNECESSARY).toPlainString(), l.currency(),
                    day.toString().replace('-', '/')}) {
                    if (row.length() > 0) {
                        row.append(',');
                    }
                    Csv.appendField(row, v);
                }
                out.append(row).append("\r\n");
            }
            // written beside it under a hidden name, then renamed: a pipeline listing the drop meanwhile sees the whole file or none
            final Path partial = dropDir.resolve(".bonus_payouts.csv.partial");
            Files.write(partial, out.toString().getBytes(EntitySink.GBK));
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new Report(file, n, stories);
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the payroll ledger into " + dropDir, e);
        }
    }

    private static java.util.Optional<Line> pick(final SplittableRandom rnd, final List<Line> lines,
            final java.util.function.Predicate<Line> fits) {
        final List<Line> candidates = lines.stream().filter(fits).toList();
        return candidates.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(candidates.get(rnd.nextInt(candidates.size())));
    }

    /** Payroll's bonus day: the 15th of the pay period's first month, or the next working day. */
    static LocalDate payDay(final LocalDate payPeriodStart) {
        LocalDate d = payPeriodStart.withDayOfMonth(15);
        while (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
            d = d.plusDays(1);
        }
        return d;
    }
}
