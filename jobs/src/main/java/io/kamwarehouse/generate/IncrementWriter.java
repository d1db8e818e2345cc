package io.kamwarehouse.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes increment drop {@code n}: only new and changed rows of the event day {@code historyEnd + n}.
 * What changes is derived from the seed and the full drop's id ranges (never from its files); changes
 * accumulate over days (day n replays the changes of days 1..n to know the current tier, owner, stage...).
 */
final class IncrementWriter {

    static final double ACCOUNT_CHANGE_RATE = 0.01;
    static final double EMPLOYEE_CHANGE_RATE = 0.015;
    static final double OPPORTUNITY_MOVE_RATE = 0.03;

    private final Drop drop;
    private final World w;
    private final int n;
    private final int eventDay;

    IncrementWriter(final Drop drop, final int n) {
        this.drop = drop;
        this.w = drop.w;
        this.n = n;
        this.eventDay = w.h1 + n;
    }

    private long timeOfDay(final String what, final long id) {
        return eventDay * Fmt.DAY_SECONDS + 8 * 3600 + (long) (Rand.unit(w.seed, Rand.tag(what + "-time"), id, n) * 11 * 3600);
    }

    void writeCrm() {
        accounts();
        employees();
        opportunities();
        final DailyEvents events = new DailyEvents(w);
        final EntitySink activities = drop.open(Specs.activities());
        events.activities(eventDay, activities);
        drop.finish(activities);
        final EntitySink tickets = drop.open(Specs.tickets());
        events.tickets(eventDay, (eventDay + 1L) * Fmt.DAY_SECONDS - 1, tickets);
        drop.finish(tickets);
    }

    void writeFinance() {
        invoicesAndPayments();
        final EntitySink fx = drop.open(Specs.fxRates());
        final int[] rates = FinanceWriter.fxWalk(w, eventDay);
        FinanceWriter.writeFx(fx, eventDay, rates[eventDay - FinanceWriter.fxStart(w)]);
        drop.finish(fx);
    }

    void writeSurvey() {
        final EntitySink nps = drop.open(Specs.npsResponses());
        new DailyEvents(w).nps(eventDay, nps);
        drop.finish(nps);
    }

    void accounts() {
        final EntitySink sink = drop.open(Specs.accounts(drop.ordinal));
        for (int a = 0; a < w.nAcc; a++) {
            int tier = w.accTier[a];
            int owner = w.accOwner[a];
            boolean today = false;
            for (int d = 1; d <= n; d++) {
                if (Rand.unit(w.seed, Rand.tag("acct-change"), a, d) >= ACCOUNT_CHANGE_RATE) {
                    continue;
                }
                today = d == n;
                if (Rand.unit(w.seed, Rand.tag("acct-change-kind"), a, d) < 0.6) {
                    tier = switch (tier) {
                        case World.TIER_S, World.TIER_B -> World.TIER_A;
                        default -> Rand.unit(w.seed, Rand.tag("acct-tier-dir"), a, d) < 0.5 ? World.TIER_S : World.TIER_B;
                    };
                } else {
                    final int[] pool = w.ownersByRegion[w.accRegion[a]].length > 1 ? w.ownersByRegion[w.accRegion[a]] : w.allOwners;
                    if (pool.length > 1) {
                        int idx = (int) (Rand.unit(w.seed, Rand.tag("acct-owner"), a, d) * pool.length);
                        if (pool[idx] == owner) {
                            idx = (idx + 1) % pool.length;
                        }
                        owner = pool[idx];
                    } else {
                        tier = tier == World.TIER_A ? World.TIER_B : World.TIER_A;
                    }
                }
            }
            if (today) {
                sink.write(CrmWriter.accountRow(w, a, tier, owner, timeOfDay("acct", a)));
            }
        }
        drop.finish(sink);
    }

    void employees() {
        final EntitySink sink = drop.open(Specs.employees(drop.ordinal));
        // sub-teams per region, for team moves
        final List<List<Integer>> subTeams = new ArrayList<>();
        for (int g = 0; g < w.nRegions; g++) {
            subTeams.add(new ArrayList<>());
        }
        for (int t = w.nRegions; t < w.nTeams; t++) {
            subTeams.get(w.teamRegion[t]).add(t);
        }
        for (int e = 0; e < w.nEmp; e++) {
            if (w.empLead[e] || w.empTerm[e] != World.NONE || w.empHire[e] > eventDay) {
                continue;
            }
            int team = w.empTeam[e];
            int role = w.empRole[e];
            boolean today = false;
            for (int d = 1; d <= n; d++) {
                if (Rand.unit(w.seed, Rand.tag("emp-change"), e, d) >= EMPLOYEE_CHANGE_RATE) {
                    continue;
                }
                today = d == n;
                final List<Integer> teams = subTeams.get(w.teamRegion[team]);
                if (Rand.unit(w.seed, Rand.tag("emp-change-kind"), e, d) < 0.6 && teams.size() > 1) {
                    int idx = (int) (Rand.unit(w.seed, Rand.tag("emp-team"), e, d) * teams.size());
                    if (teams.get(idx) == team) {
                        idx = (idx + 1) % teams.size();
                    }
                    team = teams.get(idx);
                } else {
                    role = switch (role) {
                        case World.SC, World.CS -> World.AM;
                        case World.AM -> World.CS;
                        case World.PM -> World.SC;
                        default -> World.CS;
                    };
                }
            }
            if (today) {
                sink.write(CrmWriter.employeeRow(w, e, role, team, w.teamManager[team], timeOfDay("emp", e)));
            }
        }
        drop.finish(sink);
    }

    private int nextStage(final int stage, final int g, final int d) {
        final double u = Rand.unit(w.seed, Rand.tag("opp-outcome"), g, d);
        if (stage < AccountPlan.NEGOTIATION) {
            return u < 0.85 ? stage + 1 : AccountPlan.LOST;
        }
        return u < 0.6 ? AccountPlan.WON : AccountPlan.LOST;
    }

    void opportunities() {
        final EntitySink opps = drop.open(Specs.opportunities(drop.ordinal));
        final EntitySink history = drop.open(Specs.stageHistory(drop.ordinal));
        for (int a = 0; a < w.nAcc; a++) {
            AccountPlan plan = null;
            for (int g = w.oppStart[a]; g < w.oppStart[a + 1]; g++) {
                if (w.oppEndDay[g] != World.NONE) {
                    continue;
                }
                int stage = w.oppStageAtH1[g];
                boolean today = false;
                for (int d = 1; d <= n && stage < AccountPlan.WON; d++) {
                    if (Rand.unit(w.seed, Rand.tag("opp-move"), g, d) < OPPORTUNITY_MOVE_RATE) {
                        stage = nextStage(stage, g, d);
                        today = d == n;
                    }
                }
                if (!today) {
                    continue;
                }
                if (plan == null) {
                    plan = AccountPlan.build(w, a);
                }
                final AccountPlan.Opp o = plan.opps.get(g - w.oppStart[a]);
                final long at = timeOfDay("opp", g);
                final boolean closed = stage >= AccountPlan.WON;
                final int closeDay = closed ? eventDay : Math.max(Fmt.day(o.closeSec), eventDay + 14);
                opps.write(CrmWriter.opportunityRow(w, a, o, g, stage, closeDay, at));
                history.write(CrmWriter.stageRow(w, o, g, stage, at, closeDay));
            }
        }
        drop.finish(opps);
        drop.finish(history);
    }

    void invoicesAndPayments() {
        final EntitySink invoices = drop.open(Specs.invoices(drop.ordinal));
        final EntitySink payments = drop.open(Specs.payments());
        for (int a = 0; a < w.nAcc; a++) {
            final AccountPlan plan = AccountPlan.build(w, a);
            for (final AccountPlan.Invoice inv : plan.invoices) {
                if (inv.voided || inv.settleDay != n) {
                    continue;
                }
                final long remaining = inv.amount - inv.paidAtH1;
                final String method = Rand.unit(w.seed, Rand.tag("settle-method"), w.invoiceStart[a] + inv.local) < 0.75
                        ? "bank_transfer" : "acceptance_bill";
                invoices.write(FinanceWriter.invoiceRow(w, a, inv, "paid"));
                payments.write(FinanceWriter.paymentRow(w, a, inv, inv.payments.size() + 1, eventDay, remaining, method));
            }
        }
        drop.finish(invoices);
        drop.finish(payments);
    }
}
