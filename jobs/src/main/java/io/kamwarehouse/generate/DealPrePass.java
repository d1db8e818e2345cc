package io.kamwarehouse.generate;

import static io.kamwarehouse.generate.World.NONE;

import java.util.Arrays;

/**
 * The deals of a {@link World}, from a pre-pass over every account's commercial plan
 * ({@link AccountPlan}): churn and customer-from dates, the id ranges of opportunities, contracts and
 * invoices per account, each opportunity's dates and stage at history end, and the totals won and
 * collected. The plans themselves are rebuilt by the writers when they write the rows.
 */
final class DealPrePass {

    private DealPrePass() {
    }

    static void run(final World w) {
        w.accChurn = new int[w.nAcc];
        w.accCustomerFrom = new int[w.nAcc];
        w.oppStart = new int[w.nAcc + 1];
        w.contractStart = new int[w.nAcc + 1];
        w.invoiceStart = new int[w.nAcc + 1];
        int[] created = new int[Math.max(16, w.nAcc * 12)];
        int[] end = new int[created.length];
        byte[] stage = new byte[created.length];
        int n = 0;
        w.creditedCny = new long[w.nEmp][w.yearIndex(w.h1) + 1];
        w.renewalCreditedCny = new long[w.nEmp][w.yearIndex(w.h1) + 1];
        w.renewalDueCny = new double[w.nEmp][w.monthIndex(w.h1) + 1];
        for (int a = 0; a < w.nAcc; a++) {
            final AccountPlan plan = AccountPlan.build(w, a);
            w.accChurn[a] = plan.churnDay;
            w.accCustomerFrom[a] = plan.customerFrom;
            w.oppStart[a + 1] = w.oppStart[a] + plan.opps.size();
            w.contractStart[a + 1] = w.contractStart[a] + plan.contracts.size();
            w.invoiceStart[a + 1] = w.invoiceStart[a] + plan.invoices.size();
            for (final AccountPlan.Opp o : plan.opps) {
                if (n == created.length) {
                    created = Arrays.copyOf(created, n * 2);
                    end = Arrays.copyOf(end, n * 2);
                    stage = Arrays.copyOf(stage, n * 2);
                }
                created[n] = Fmt.day(o.createdSec);
                end[n] = o.closedAtH1() ? Fmt.day(o.closeSec) : NONE;
                stage[n] = (byte) o.stageAtH1();
                n++;
                if (o.closedAtH1() && Fmt.day(o.closeSec) >= w.h0) {
                    final int close = Fmt.day(o.closeSec);
                    final long cny = w.toCny(o.amount, w.accUsd[a]);
                    final java.util.List<Deals.Member> members = o.won || o.type == AccountPlan.RENEWAL
                            ? Deals.members(w, a, o, w.oppStart[a] + o.local) : null;
                    if (o.won) {
                        w.wonCount++;
                        w.totalWonCny += cny;
                        credit(members, cny, w.creditedCny, w.yearIndex(close));
                        if (o.type == AccountPlan.RENEWAL) {
                            w.totalRenewalWonCny += cny;
                            credit(members, cny, w.renewalCreditedCny, w.yearIndex(close));
                        }
                    } else {
                        w.lostCount++;
                    }
                    if (o.type == AccountPlan.RENEWAL) {
                        final int month = w.monthIndex(close);
                        for (final Deals.Member m : members) {
                            w.renewalDueCny[m.employee()][month] += share(members, m) * cny;
                        }
                    }
                }
            }
            for (final AccountPlan.Invoice inv : plan.invoices) {
                for (final AccountPlan.Payment p : inv.payments) {
                    if (p.day >= w.h0) {
                        w.totalCollectedCny += w.toCny(p.amount, w.accUsd[a]);
                    }
                }
            }
        }
        w.nOpp = n;
        w.oppCreatedDay = Arrays.copyOf(created, n);
        w.oppEndDay = Arrays.copyOf(end, n);
        w.oppStageAtH1 = Arrays.copyOf(stage, n);
    }

    /** The lead's share of a won deal with other members on it (the plans give 60-70%). */
    static final double LEAD_SHARE = 0.65;

    private static void credit(final java.util.List<Deals.Member> members, final long cny, final long[][] to, final int year) {
        for (final Deals.Member m : members) {
            to[m.employee()][year] += Math.round(share(members, m) * cny);
        }
    }

    /** A member's share of a won deal's credit: all of it alone, else the lead {@link #LEAD_SHARE} and the others the rest. */
    static double share(final java.util.List<Deals.Member> members, final Deals.Member m) {
        if (members.size() == 1) {
            return 1.0;
        }
        return m.role() == Deals.LEAD ? LEAD_SHARE : (1 - LEAD_SHARE) / (members.size() - 1);
    }
}
