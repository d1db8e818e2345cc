package io.kamwarehouse.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Writes the CRM entities of the full drop. */
final class CrmWriter {

    static final String[] DECISION_ROLES = {"decision_maker", "influencer", "user", "gatekeeper"};
    static final String[] DECISION_ROLES_CN = {"决策者", "影响者", "使用者", "把关者"};
    private static final String[] CONTRIBUTION_TYPES = {"article", "case_study", "template", "update"};
    private static final double[] KB_RATE_BY_ROLE = {4.5, 14.0, 8.5, 8.5, 2.5};

    private final Drop drop;
    private final World w;

    CrmWriter(final Drop drop) {
        this.drop = drop;
        this.w = drop.w;
    }

    void writeAll() {
        teams();
        employees();
        accounts();
        contacts();
        products();
        opportunities();
        activities();
        tickets();
        milestones();
        kbContributions();
        targets();
    }

    private static String bool(final boolean b) {
        return b ? "true" : "false";
    }

    void teams() {
        final EntitySink sink = drop.open(Specs.teams());
        for (int t = 0; t < w.nTeams; t++) {
            sink.write(new String[] {
                w.teamId[t], w.teamName[t], w.teamParent[t] < 0 ? null : w.teamId[w.teamParent[t]],
                World.TEAM_TYPE[w.teamType[t]], Names.REGIONS[w.teamRegion[t]], w.empId[w.teamManager[t]],
                Fmt.date(w.teamCreated[t]), Fmt.spaced(w.teamUpdated[t]),
            });
        }
        drop.finish(sink);
    }

    /** The employee row as of the full drop (role label language chosen per employee). */
    static String[] employeeRow(final World w, final int e, final int role, final int team, final int manager,
            final long updated) {
        final boolean chineseLabel = Rand.unit(w.seed, Rand.tag("role-label"), e) < 0.7;
        return new String[] {
            w.empId[e], w.empName[e], w.empEmail[e], chineseLabel ? World.ROLE_CN[role] : World.ROLE_EN[role],
            w.teamId[team], manager < 0 ? null : w.empId[manager], Fmt.date(w.empHire[e]),
            w.empTerm[e] == World.NONE ? null : Fmt.date(w.empTerm[e]), bool(w.empLead[e]), Fmt.spaced(updated),
        };
    }

    void employees() {
        final EntitySink sink = drop.open(Specs.employees(drop.ordinal));
        for (int e = 0; e < w.nEmp; e++) {
            sink.write(employeeRow(w, e, w.empRole[e], w.empTeam[e], w.empManager[e], w.empUpdated[e]));
        }
        drop.finish(sink);
    }

    /** The account row (tier, owner and update time given, so increments can change them). */
    static String[] accountRow(final World w, final int a, final int tier, final int owner, final long updated) {
        final boolean longLabel = Rand.unit(w.seed, Rand.tag("tier-label"), a) < 0.2;
        return new String[] {
            w.accId[a], w.accName[a], w.accIndustry[a], Names.REGIONS[w.accRegion[a]], w.accCity[a],
            longLabel ? World.TIER_CN[tier] + "客户" : World.TIER_CN[tier], w.empId[owner], w.empName[owner],
            Fmt.money(w.accRevenueWanCents[a]), Integer.toString(w.accEmployees[a]), Fmt.dateSlash(w.accCreated[a]),
            Fmt.slashed(updated),
        };
    }

    void accounts() {
        final EntitySink sink = drop.open(Specs.accounts(drop.ordinal));
        for (int a = 0; a < w.nAcc; a++) {
            sink.write(accountRow(w, a, w.accTier[a], w.accOwner[a], w.accUpdated[a]));
        }
        drop.finish(sink);
    }

    void contacts() {
        final EntitySink sink = drop.open(Specs.contacts(drop.ordinal));
        final String[] row = new String[10];
        for (int a = 0; a < w.nAcc; a++) {
            final SplittableRandom r = Rand.rng(w.seed, Rand.tag("contacts"), a);
            final boolean noDecisionMaker = w.accTier[a] == World.TIER_B ? r.nextDouble() < 0.35 : r.nextDouble() < 0.08;
            final String domain = w.accEnglish[a]
                    ? w.accShort[a].toLowerCase(java.util.Locale.ROOT).replace(" ", "") + ".com"
                    : "corp" + (a + 1) + ".com.cn";
            for (int c = w.contactStart[a]; c < w.contactStart[a + 1]; c++) {
                final int local = c - w.contactStart[a];
                final int role;
                if (local == 0 && !noDecisionMaker && w.accTier[a] != World.TIER_B) {
                    role = 0;
                } else {
                    role = Rand.weighted(r, new double[] {noDecisionMaker ? 0 : 0.16, 0.30, 0.39, 0.15});
                }
                final StringBuilder handle = new StringBuilder();
                final String name = w.accEnglish[a] && r.nextDouble() < 0.5 ? Names.englishName(r, handle)
                        : Names.chineseName(r, handle);
                final int created = w.contactCreated[c];
                final int updatedDay = created + r.nextInt(Math.max(1, w.h1 - created + 1));
                row[0] = World.contactId(c);
                row[1] = w.accId[a];
                row[2] = name;
                row[3] = Rand.pick(r, Names.TITLES[role]);
                row[4] = r.nextDouble() < 0.25 ? DECISION_ROLES_CN[role] : DECISION_ROLES[role];
                row[5] = r.nextDouble() < 0.9 ? handle + "@" + domain : null;
                row[6] = r.nextDouble() < 0.85 ? "1" + Rand.between(r, 3, 9) + Fmt.pad(r.nextInt(1_000_000_000), 9) : null;
                row[7] = bool(r.nextDouble() < 0.92);
                row[8] = Fmt.date(created);
                row[9] = Fmt.spaced(updatedDay * Fmt.DAY_SECONDS + Rand.between(r, 8 * 3600, 21 * 3600));
                sink.write(row);
            }
        }
        drop.finish(sink);
    }

    void products() {
        final EntitySink sink = drop.open(Specs.products());
        for (int p = 0; p < Names.PRODUCTS.length; p++) {
            sink.write(new String[] {
                World.productId(p), Names.PRODUCTS[p][0], Names.PRODUCTS[p][1],
                Fmt.money(Long.parseLong(Names.PRODUCTS[p][2])), "CNY", bool(p != 11),
            });
        }
        drop.finish(sink);
    }

    /** The opportunity row for a given stage and modification time (increments move stages). */
    static String[] opportunityRow(final World w, final int a, final AccountPlan.Opp o, final int g, final int stage,
            final int closeDay, final long lastModified) {
        final boolean closed = stage == AccountPlan.WON || stage == AccountPlan.LOST;
        final boolean blankAmount = stage == AccountPlan.PROSPECTING && Rand.unit(w.seed, Rand.tag("blank-amount"), g) < 0.1;
        return new String[] {
            World.opportunityId(g), w.accId[a], o.name, AccountPlan.STAGE_SF[stage], blankAmount ? null : Fmt.money(o.amount),
            w.accUsd[a] ? "USD" : "CNY", Integer.toString(AccountPlan.STAGE_PROBABILITY[stage]), World.productId(o.product),
            AccountPlan.TYPE_SF[o.type], o.leadSource, w.empId[o.owner], Fmt.salesforce(o.createdSec), Fmt.date(closeDay),
            bool(closed), bool(stage == AccountPlan.WON), Fmt.salesforce(lastModified),
        };
    }

    static String[] stageRow(final World w, final AccountPlan.Opp o, final int g, final int stage, final long at,
            final int closeDay) {
        return new String[] {
            World.opportunityId(g), AccountPlan.STAGE_SF[stage], Fmt.salesforce(at), Fmt.money(o.amount),
            Integer.toString(AccountPlan.STAGE_PROBABILITY[stage]), Fmt.date(closeDay),
        };
    }

    /**
     * The close date the owner expected when the deal entered its {@code i}-th stage: the actual
     * close for the closing change, else optimistic by up to 60% of the time that was still to run,
     * as deals slip; never sooner than a week after the change. The stage a deal is still open in at
     * the history's end is no exception: its estimate (the opportunity row's close date) may have
     * passed already, a deal that slipped and was not re-dated, as in a real pipeline.
     */
    static int expectedCloseDay(final World w, final AccountPlan.Opp o, final int g, final int i) {
        final int close = Fmt.day(o.closeSec);
        final int stage = o.stages[i];
        if (stage == AccountPlan.WON || stage == AccountPlan.LOST) {
            return close;
        }
        final int changed = Fmt.day(o.stageSecs[i]);
        final int slip = (int) Math.floor(Rand.unit(w.seed, Rand.tag("close-slip"), g, i) * 0.6 * (close - changed));
        return Math.max(changed + 7, close - slip);
    }

    /** Opportunities, their stage history and deal teams: one pass over the account plans. */
    void opportunities() {
        final EntitySink opps = drop.open(Specs.opportunities(drop.ordinal));
        final EntitySink history = drop.open(Specs.stageHistory(drop.ordinal));
        final EntitySink members = drop.open(Specs.teamMembers());
        final String[] memberRow = new String[4];
        for (int a = 0; a < w.nAcc; a++) {
            final AccountPlan plan = AccountPlan.build(w, a);
            for (final AccountPlan.Opp o : plan.opps) {
                final int g = w.oppStart[a] + o.local;
                final long lastModified = Math.min(w.h1EndSec, o.lastModifiedSec());
                opps.write(opportunityRow(w, a, o, g, o.stageAtH1(), expectedCloseDay(w, o, g, o.visible - 1), lastModified));
                for (int i = 0; i < o.visible; i++) {
                    history.write(stageRow(w, o, g, o.stages[i], o.stageSecs[i], expectedCloseDay(w, o, g, i)));
                }
                final boolean chinese = Rand.unit(w.seed, Rand.tag("member-label"), g) < 0.1;
                for (final Deals.Member m : Deals.members(w, a, o, g)) {
                    memberRow[0] = World.opportunityId(g);
                    memberRow[1] = w.empId[m.employee()];
                    memberRow[2] = chinese ? Deals.TEAM_ROLE_CN[m.role()] : Deals.TEAM_ROLE[m.role()];
                    memberRow[3] = Fmt.date(m.addedDay());
                    members.write(memberRow);
                }
            }
        }
        drop.finish(opps);
        drop.finish(history);
        drop.finish(members);
    }

    void activities() {
        final DailyEvents events = new DailyEvents(w);
        final EntitySink sink = drop.open(Specs.activities());
        for (int day = w.h0; day <= w.h1; day++) {
            events.activities(day, sink);
        }
        drop.finish(sink);
    }

    void tickets() {
        final DailyEvents events = new DailyEvents(w);
        final EntitySink sink = drop.open(Specs.tickets());
        for (int day = w.h0; day <= w.h1; day++) {
            events.tickets(day, w.h1EndSec, sink);
        }
        drop.finish(sink);
    }

    void milestones() {
        final EntitySink sink = drop.open(Specs.milestones());
        long n = 0;
        for (int a = 0; a < w.nAcc; a++) {
            final AccountPlan plan = AccountPlan.build(w, a);
            for (final AccountPlan.Opp o : plan.opps) {
                final int g = w.oppStart[a] + o.local;
                for (final Deals.Milestone m : Deals.milestones(w, a, o, g)) {
                    sink.write(new String[] {
                        "MS-" + Fmt.pad(++n, 7), World.opportunityId(g), w.accId[a], m.name(),
                        m.pm() < 0 ? null : w.empId[m.pm()], Fmt.date(m.planned()),
                        m.actual() == World.NONE ? null : Fmt.date(m.actual()), m.status(),
                    });
                }
            }
        }
        drop.finish(sink);
    }

    void kbContributions() {
        final EntitySink sink = drop.open(Specs.kbContributions());
        long n = 0;
        for (int e = 0; e < w.nEmp; e++) {
            final SplittableRandom r = Rand.rng(w.seed, Rand.tag("kb"), e);
            final int from = Math.max(w.empHire[e], w.h0);
            final int to = Math.min(w.empTerm[e], w.h1);
            if (from > to) {
                continue;
            }
            double rate = KB_RATE_BY_ROLE[w.empRole[e]];
            if (w.teamPoor[w.empTeam[e]]) {
                rate *= 0.3;
            }
            if (r.nextDouble() < 0.2) {
                rate *= 0.1;
            }
            final int count = Rand.poisson(r, rate * (to - from + 1) / 365.0);
            final int[] days = new int[count];
            for (int i = 0; i < count; i++) {
                days[i] = Rand.between(r, from, to);
            }
            java.util.Arrays.sort(days);
            for (final int day : days) {
                final int type = Rand.weighted(r, new double[] {0.35, 0.2, 0.2, 0.25});
                final String title = r.nextDouble() < 0.7 ? Rand.pick(r, Names.KB_TITLES_CN) : Rand.pick(r, Names.KB_TITLES_EN);
                sink.write(new String[] {
                    "KB-" + Fmt.pad(++n, 6), w.empId[e], Fmt.date(day), CONTRIBUTION_TYPES[type], title,
                    Long.toString((long) Math.exp(Rand.uniform(r, 1, 7.5))),
                });
            }
        }
        drop.finish(sink);
    }

    void targets() {
        final EntitySink sink = drop.open(Specs.targets());
        long amCount = 0;
        long csCount = 0;
        for (int e = 0; e < w.nEmp; e++) {
            if (w.empTerm[e] == World.NONE) {
                amCount += w.empRole[e] == World.AM ? 1 : 0;
                csCount += w.empRole[e] == World.CS ? 1 : 0;
            }
        }
        final int months = w.activeMonths();
        final double collectionsPerAm = w.totalCollectedCny / (double) months / Math.max(1, amCount);
        final double renewalsPerCs = w.totalRenewalWonCny / (double) months / Math.max(1, csCount) * 0.5;
        final int[] owns = accountsOwned();
        final double[][] bookings = bookingsRates(owns);
        final double renewalRate = w.totalRenewalDueCny() > 0 ? w.totalRenewalWonCny / w.totalRenewalDueCny() : 0;
        final String[] row = new String[5];
        for (int e = 0; e < w.nEmp; e++) {
            final int role = w.empRole[e];
            if (role == World.BO) {
                continue;
            }
            final SplittableRandom r = Rand.rng(w.seed, Rand.tag("targets"), e);
            final double factor = Rand.uniform(r, 0.8, 1.3);
            int month = World.monthStart(Math.max(w.empHire[e], w.h0));
            final int lastMonth = World.monthStart(Math.min(w.empTerm[e], w.h1));
            for (; month <= lastMonth; month = World.plusMonths(month, 1)) {
                final boolean ramping = month - w.empHire[e] < 183;
                final double ramp = ramping ? 0.5 : 1.0;
                row[0] = w.empId[e];
                row[1] = Fmt.month(month);
                // a lead who owns no account manages the team's book and is measured on the team's target
                if ((role == World.AM || role == World.SC) && !(w.empLead[e] && owns[e] == 0)) {
                    // the renewals due that month, at the company's renewal rate, misjudged as the rest of the year's plan
                    final int y = w.yearIndex(month);
                    final double target = bookings[e][y] * season(month)
                            + w.renewalDueCny[e][w.monthIndex(month)] * renewalRate * planningError(e, y);
                    if (target > 0) {
                        money(sink, row, "bookings", target);
                    }
                }
                if (role == World.AM) {
                    money(sink, row, "collections", collectionsPerAm * factor * ramp);
                    count(sink, row, "new_key_contacts", ramping ? Rand.between(r, 3, 6) : Rand.between(r, 1, 4));
                }
                if (role == World.CS) {
                    money(sink, row, "renewals", renewalsPerCs * factor * season(month));
                }
                final int[] activityTarget = {45, 30, 20, 40, 0};
                count(sink, row, "activities", Math.round(activityTarget[role] * Rand.uniform(r, 0.85, 1.2)));
            }
        }
        drop.finish(sink);
    }

    /**
     * Each account manager's and solution consultant's bookings target per year of the history, in
     * CNY cents, as sales planning sets it, in two parts. The renewals: a contract's end is known, so
     * each month expects the renewal deals of the person's book due then ({@link World#renewalDueCny}) at
     * the company's renewal rate. The rest (new business, expansions, add-ons): from the book the
     * person will work that year (the non-renewal bookings their accounts' plans credit to them,
     * {@link World#creditedCny} less {@link World#renewalCreditedCny}), spread over the months by
     * season. Both misjudged by one planning error of about 15% either way, so attainment spreads
     * around 100% (most people between 70% and 130%, a few outliers both ways), in a quarter too. A
     * person who owns accounts but whose book credits nothing but renewals in a year is set half the
     * median of the role's rest that year, as a newcomer is; one who owns none and books nothing has
     * no bookings target of their own, nor has a lead who owns none (measured on the team's target).
     *
     * <p>The rest is returned per unit of seasonal weight (a year's rest over the seasonal weights of
     * the person's months in it), so a month's is the rate times that month's weight.
     */
    private double[][] bookingsRates(final int[] owns) {
        final int years = w.creditedCny.length == 0 ? 0 : w.creditedCny[0].length;
        final double[][] out = new double[w.nEmp][years];
        for (final int role : new int[] {World.AM, World.SC}) {
            for (int y = 0; y < years; y++) {
                // a day in the year: the seasonal weight of a person's months in it
                final int day = (int) java.time.LocalDate.ofEpochDay(w.h0).plusYears(y).withDayOfYear(1).toEpochDay();
                final List<Double> rates = new ArrayList<>();
                for (int e = 0; e < w.nEmp; e++) {
                    final long rest = w.creditedCny[e][y] - w.renewalCreditedCny[e][y];
                    if (w.empRole[e] == role && rest > 0) {
                        out[e][y] = rest * planningError(e, y) / seasonMonths(e, day);
                        rates.add(out[e][y]);
                    }
                }
                java.util.Collections.sort(rates);
                // per unit of seasonal weight, so a person employed part of the year gets that part
                final double floor = rates.isEmpty() ? 100_000 * 100.0 : rates.get(rates.size() / 2) * 0.5;
                for (int e = 0; e < w.nEmp; e++) {
                    if (w.empRole[e] == role && w.creditedCny[e][y] - w.renewalCreditedCny[e][y] <= 0 && owns[e] > 0) {
                        out[e][y] = floor;
                    }
                }
            }
        }
        return out;
    }

    /** The accounts each employee owns. */
    private int[] accountsOwned() {
        final int[] owns = new int[w.nEmp];
        for (int a = 0; a < w.nAcc; a++) {
            owns[w.accOwner[a]]++;
        }
        return owns;
    }

    /** Sales planning's error for a person's year: a factor of about 15% either way. */
    private double planningError(final int e, final int y) {
        return Math.exp(0.15 * Rand.gaussian(Rand.rng(w.seed, Rand.tag("bookings-target"), e * 64L + y)));
    }

    /** The seasonal weight of a month: quarter ends close more, January and February less. */
    private static double season(final int month) {
        final int monthOfYear = java.time.LocalDate.ofEpochDay(month).getMonthValue();
        return monthOfYear % 3 == 0 ? 1.35 : (monthOfYear == 1 || monthOfYear == 2 ? 0.75 : 1.0);
    }

    /** The seasonal weights of employee {@code e}'s months in the history in {@code month}'s year: a year's target spreads over them. */
    private double seasonMonths(final int e, final int month) {
        final java.time.LocalDate d = java.time.LocalDate.ofEpochDay(month);
        final int first = World.monthStart(Math.max(Math.max(w.empHire[e], w.h0), (int) d.withDayOfYear(1).toEpochDay()));
        final int last = World.monthStart(Math.min(Math.min(w.empTerm[e], w.h1), (int) d.withDayOfYear(d.lengthOfYear()).toEpochDay()));
        double sum = 0;
        for (int m = first; m <= last; m = World.plusMonths(m, 1)) {
            sum += season(m);
        }
        return Math.max(sum, season(month));
    }

    private static void money(final EntitySink sink, final String[] row, final String metric, final double cny) {
        row[2] = metric;
        row[3] = Fmt.money(Rand.roundTo(Math.max(10_000 * 100.0, cny), 10_000 * 100L));
        row[4] = "CNY";
        sink.write(row);
    }

    private static void count(final EntitySink sink, final String[] row, final String metric, final long value) {
        row[2] = metric;
        row[3] = Fmt.money(value * 100);
        row[4] = null;
        sink.write(row);
    }
}
