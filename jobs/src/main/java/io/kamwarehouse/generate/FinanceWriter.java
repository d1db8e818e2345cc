package io.kamwarehouse.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.SplittableRandom;

/** Writes the finance entities of the full drop. */
final class FinanceWriter {

    static final String[] PAYOUT_TYPES_CN = {"常规", "递延发放", "追回"};
    private static final long[] BONUS_BASE_CNY = {36_000, 24_000, 21_000, 18_000, 9_000};

    private final Drop drop;
    private final World w;

    FinanceWriter(final Drop drop) {
        this.drop = drop;
        this.w = drop.w;
    }

    void writeAll() {
        contractsInvoicesPayments();
        costs();
        fxRates();
        bonusPayouts();
    }

    static String currency(final World w, final int a) {
        return w.accUsd[a] ? "USD" : "CNY";
    }

    static String[] invoiceRow(final World w, final int a, final AccountPlan.Invoice inv, final String status) {
        final int cg = w.contractStart[a] + inv.contract.local;
        return new String[] {
            World.invoiceId(w.invoiceStart[a] + inv.local), World.contractId(cg), w.accId[a], Fmt.date(inv.invoiceDay),
            Fmt.date(inv.dueDay), Fmt.money(inv.amount), currency(w, a), status,
        };
    }

    static String[] paymentRow(final World w, final int a, final AccountPlan.Invoice inv, final int number,
            final int day, final long amount, final String method) {
        final int ig = w.invoiceStart[a] + inv.local;
        return new String[] {
            World.paymentId(ig, number), World.invoiceId(ig), w.accId[a], Fmt.date(day), Fmt.money(amount),
            currency(w, a), method,
        };
    }

    void contractsInvoicesPayments() {
        final EntitySink contracts = drop.open(Specs.contracts(drop.ordinal));
        final EntitySink invoices = drop.open(Specs.invoices(drop.ordinal));
        final EntitySink payments = drop.open(Specs.payments());
        for (int a = 0; a < w.nAcc; a++) {
            final AccountPlan plan = AccountPlan.build(w, a);
            final int cs = w.contractStart[a];
            for (final AccountPlan.Contract c : plan.contracts) {
                contracts.write(new String[] {
                    World.contractId(cs + c.local), w.accId[a], World.opportunityId(w.oppStart[a] + c.opp.local),
                    Fmt.date(c.signedDay), Fmt.date(c.startDay), Fmt.date(c.endDay), Fmt.money(c.annual), currency(w, a),
                    c.renewalOf < 0 ? null : World.contractId(cs + c.renewalOf), c.status(w.h1),
                });
            }
            for (final AccountPlan.Invoice inv : plan.invoices) {
                invoices.write(invoiceRow(w, a, inv, inv.statusAtH1()));
                int number = 0;
                for (final AccountPlan.Payment p : inv.payments) {
                    payments.write(paymentRow(w, a, inv, ++number, p.day, p.amount, p.method));
                }
            }
        }
        drop.finish(contracts);
        drop.finish(invoices);
        drop.finish(payments);
    }

    void costs() {
        final int firstMonth = World.monthStart(w.h0);
        final int lastMonth = World.monthStart(w.h1);
        final int months = (int) java.time.temporal.ChronoUnit.MONTHS.between(
                LocalDate.ofEpochDay(firstMonth), LocalDate.ofEpochDay(lastMonth)) + 1;
        final int[] monthDays = new int[months + 1];
        for (int m = 0; m <= months; m++) {
            monthDays[m] = World.plusMonths(firstMonth, m);
        }
        final int lines = Names.PRODUCT_LINES.length;
        try (CostsParquetWriter sink = new CostsParquetWriter(drop.dir(Specs.FINANCE).resolve("costs.parquet"),
                Rand.derive(w.seed, Rand.tag("defects"), Rand.tag("finance/costs"), drop.ordinal), drop.progress)) {
            for (int a = 0; a < w.nAcc; a++) {
                final AccountPlan plan = AccountPlan.build(w, a);
                if (plan.contracts.isEmpty()) {
                    continue;
                }
                final long[][] revenue = new long[months][lines];
                for (final AccountPlan.Contract c : plan.contracts) {
                    for (int m = 0; m < months; m++) {
                        if (monthDays[m] <= c.effectiveEnd && monthDays[m + 1] - 1 >= c.startDay) {
                            revenue[m][c.productLine] += c.annual / 12;
                        }
                    }
                }
                final SplittableRandom r = Rand.rng(w.seed, Rand.tag("costs"), a);
                final String cur = currency(w, a);
                for (int m = 0; m < months; m++) {
                    for (int line = 0; line < lines; line++) {
                        final long rev = revenue[m][line];
                        if (rev <= 0) {
                            continue;
                        }
                        final long cost = Math.round(rev * w.accCostRatio[a] * Rand.uniform(r, 0.85, 1.15));
                        sink.write(w.accId[a], Names.PRODUCT_LINES[line], monthDays[m], rev, cost, cur);
                    }
                }
            }
            sink.close();
            final EntityReport report = sink.report();
            drop.reports.add(report);
            drop.progress.progress("finance/costs: " + Fmt.count(report.rows()) + " rows written"
                    + (report.defectRows() > 0 ? " (" + report.defectRows() + " defective)" : ""));
        }
    }

    /** First day of the FX calendar: 18 months before history (early contracts and deals need rates). */
    static int fxStart(final World w) {
        return World.monthStart(w.h0 - 548);
    }

    /** USD->CNY rates (x 10^4) from the FX start through {@code lastDay}: a mean-reverting random walk. */
    static int[] fxWalk(final World w, final int lastDay) {
        final int start = fxStart(w);
        final int[] rates = new int[Math.max(1, lastDay - start + 1)];
        int rate = 71_800;
        for (int d = start; d <= lastDay; d++) {
            if (d > start && !World.weekend(d)) {
                final SplittableRandom r = Rand.rng(w.seed, Rand.tag("fx"), d);
                final double step = 80 * Rand.gaussian(r) + 0.01 * (72_000 - rate);
                rate = (int) Math.max(70_050, Math.min(73_950, Math.round(rate + step)));
            }
            rates[d - start] = rate;
        }
        return rates;
    }

    static void writeFx(final EntitySink sink, final int day, final int rate) {
        final String date = Fmt.date(day);
        sink.write(new String[] {date, "USD", "CNY", Fmt.fixed(rate, 4)});
        final BigDecimal inverse = BigDecimal.valueOf(10_000L).divide(BigDecimal.valueOf(rate), 8, RoundingMode.HALF_UP);
        sink.write(new String[] {date, "CNY", "USD", inverse.toPlainString()});
    }

    void fxRates() {
        final EntitySink sink = drop.open(Specs.fxRates());
        final int start = fxStart(w);
        final int[] rates = fxWalk(w, w.h1);
        for (int d = start; d <= w.h1; d++) {
            writeFx(sink, d, rates[d - start]);
        }
        drop.finish(sink);
    }

    /** Payroll date for a quarter's bonus: the 15th of the month after the quarter, moved off weekends. */
    static int payDay(final int quarterStartDay) {
        LocalDate d = LocalDate.ofEpochDay(quarterStartDay).plusMonths(3).withDayOfMonth(15);
        while (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
            d = d.plusDays(1);
        }
        return (int) d.toEpochDay();
    }

    void bonusPayouts() {
        final EntitySink sink = drop.open(Specs.bonusPayouts());
        int first = World.quarterStart(w.h0);
        if (first < w.h0) {
            first = World.plusMonths(first, 3);
        }
        final int quarters = countQuarters(first);
        long n = 0;
        // payroll slot t pays: regular of quarter t, deferred release of quarter t-2, clawbacks of quarter t-3
        for (int t = 0; t < quarters + 3; t++) {
            final int slotQuarter = World.plusMonths(first, 3 * t);
            final int paid = payDay(slotQuarter);
            if (paid > w.h1) {
                break;
            }
            for (int kind = 0; kind < 3; kind++) {
                final int j = t - (kind == 0 ? 0 : kind == 1 ? 2 : 3);
                if (j < 0 || j >= quarters) {
                    continue;
                }
                final int qs = World.plusMonths(first, 3 * j);
                final int qe = World.plusMonths(qs, 3) - 1;
                for (int e = 0; e < w.nEmp; e++) {
                    if (w.empHire[e] > qe - 30 || w.empTerm[e] <= qe) {
                        continue;
                    }
                    final SplittableRandom r = Rand.rng(w.seed, Rand.tag("bonus"), e, j);
                    final double base = BONUS_BASE_CNY[w.empRole[e]] * (w.empLead[e] ? 1.5 : 1.0);
                    final long total = Math.round(base * w.empPerf[e] * Rand.uniform(r, 0.7, 1.3)) * 100;
                    final long regular = total * 70 / 100;
                    final long deferred = total - regular;
                    final boolean missing = r.nextDouble() < 0.04;
                    final boolean released = r.nextDouble() < 0.88;
                    final boolean clawback = w.empRole[e] == World.AM && r.nextDouble() < 0.05;
                    final long clawAmount = -Math.round(regular * Rand.uniform(r, 0.2, 0.6) / 100.0) * 100;
                    final long noise = r.nextDouble() < 0.06 ? Rand.between(r, -50_000, 50_000) : 0;
                    long amount;
                    switch (kind) {
                        case 0 -> {
                            if (missing) {
                                continue;
                            }
                            amount = regular + noise;
                        }
                        case 1 -> {
                            if (!released || w.empTerm[e] <= paid) {
                                continue;
                            }
                            amount = deferred;
                        }
                        default -> {
                            if (!clawback || w.empTerm[e] <= paid) {
                                continue;
                            }
                            amount = clawAmount;
                        }
                    }
                    sink.write(new String[] {
                        "BP-" + Fmt.pad(++n, 8), w.empId[e], w.empName[e], World.quarterLabel(qs), PAYOUT_TYPES_CN[kind],
                        Fmt.money(amount), "CNY", Fmt.dateSlash(paid),
                    });
                }
            }
        }
        drop.finish(sink);
    }

    private int countQuarters(final int first) {
        int q = 0;
        while (World.plusMonths(first, 3 * (q + 1)) - 1 <= w.h1) {
            q++;
        }
        return q;
    }
}
