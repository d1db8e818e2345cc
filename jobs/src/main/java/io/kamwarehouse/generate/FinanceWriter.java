package io.kamwarehouse.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.SplittableRandom;

/** Writes the finance entities of the full drop. */
final class FinanceWriter {

    static final String[] PAYOUT_TYPES_CN = {"常规", "递延发放", "追回"};

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
        // the payroll ledger is what payroll paid on the bonus run's instructions: PayrollLedger writes it
        // from the warehouse's computed bonuses (kamw demo), so it is not invented here
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
}
