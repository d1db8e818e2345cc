package io.kamwarehouse.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deal team members and delivery milestones, derived deterministically from an opportunity. */
final class Deals {

    static final int LEAD = 0;
    static final int ASSIST = 1;
    static final int SOLUTION = 2;
    static final int DELIVERY = 3;
    static final String[] TEAM_ROLE = {"Lead", "Assist", "Solution", "Delivery"};
    static final String[] TEAM_ROLE_CN = {"主导", "协助", "方案", "交付"};

    /** One member: employee, role on the deal, day added. */
    record Member(int employee, int role, int addedDay) {
    }

    private Deals() {
    }

    static List<Member> members(final World w, final int a, final AccountPlan.Opp o, final int g) {
        final SplittableRandom r = Rand.rng(w.seed, Rand.tag("deal-team"), g);
        final List<Member> out = new ArrayList<>(4);
        final int created = Fmt.day(o.createdSec);
        final int close = Fmt.day(o.closeSec);
        final int last = Math.min(close, w.h1);
        out.add(new Member(o.owner, LEAD, created));
        final int span = Math.max(1, (last - created) / 3);
        if (r.nextDouble() < (o.type == AccountPlan.RENEWAL ? 0.35 : 0.62)) {
            final int day = Math.min(last, created + r.nextInt(span));
            add(out, w.pickNear(r, a, World.SC, day), SOLUTION, day);
        }
        if (r.nextDouble() < 0.30) {
            final int day = Math.min(last, created + r.nextInt(span));
            final int role = r.nextDouble() < 0.6 ? World.AM : World.CS;
            final int e = r.nextDouble() < 0.5
                    ? w.pickActive(r, w.byRegionRole[w.accRegion[a]][role], day)
                    : w.pickNear(r, a, role, day);
            add(out, e, ASSIST, day);
        }
        final boolean delivery = o.won && o.closedAtH1() && o.type != AccountPlan.RENEWAL
                ? r.nextDouble() < (o.addOn ? 0.2 : 0.75)
                : o.stageAtH1() == AccountPlan.NEGOTIATION && r.nextDouble() < 0.2;
        if (delivery) {
            final int day = Math.max(created, last - Rand.between(r, 0, 10));
            add(out, w.pickNear(r, a, World.PM, day), DELIVERY, day);
        }
        return out;
    }

    private static void add(final List<Member> out, final int e, final int role, final int day) {
        if (e < 0) {
            return;
        }
        for (final Member m : out) {
            if (m.employee() == e) {
                return;
            }
        }
        out.add(new Member(e, role, day));
    }

    /** Milestone rows (without id) for a won deal: name, pm (-1 none), planned, actual (NONE), status. */
    record Milestone(String name, int pm, int planned, int actual, String status) {
    }

    static List<Milestone> milestones(final World w, final int a, final AccountPlan.Opp o, final int g) {
        final List<Milestone> out = new ArrayList<>();
        if (!o.won || !o.closedAtH1()) {
            return out;
        }
        final SplittableRandom r = Rand.rng(w.seed, Rand.tag("milestones"), g);
        // a renewal rarely needs delivery work, an add-on now and then (services, training)
        if ((o.type == AccountPlan.RENEWAL || o.addOn) && r.nextDouble() >= (o.addOn ? 0.3 : 0.15)) {
            return out;
        }
        final int close = Fmt.day(o.closeSec);
        int pm = -1;
        for (final Member m : members(w, a, o, g)) {
            if (m.role() == DELIVERY) {
                pm = m.employee();
            }
        }
        if (pm < 0) {
            pm = w.pickNear(r, a, World.PM, close);
        }
        final boolean poorDelivery = pm >= 0 && (w.teamPoor[w.empTeam[pm]] || w.empPerf[pm] < 0.8);
        final int n = Rand.between(r, 2, 4);
        final int[] pick = n == 2 ? new int[] {0, 2} : n == 3 ? new int[] {0, 1, 2} : new int[] {0, 1, 2, 3};
        int planned = close + Rand.between(r, 10, 25);
        int previousActual = close;
        boolean blocked = false;
        final boolean cancelAll = r.nextDouble() < 0.03;
        for (int i = 0; i < pick.length; i++) {
            if (i > 0) {
                planned += Rand.between(r, 20, 70);
            }
            final String name = w.accEnglish[a] ? Names.MILESTONES_EN[pick[i]] : Names.MILESTONES[pick[i]];
            final boolean late = r.nextDouble() < (poorDelivery ? 0.45 : 0.2);
            final int delay = late ? Rand.between(r, 5, 60) : Rand.between(r, -7, 0);
            final int actual = Math.max(previousActual, planned + delay);
            final String status;
            int actualOut = World.NONE;
            if (cancelAll && i > 0) {
                status = "cancelled";
            } else if (!blocked && actual <= w.h1) {
                status = "done";
                actualOut = actual;
            } else if (!blocked && planned <= w.h1 + 45) {
                status = "in_progress";
                blocked = true;
            } else {
                status = "planned";
                blocked = true;
            }
            previousActual = actual;
            out.add(new Milestone(name, pm, planned, actualOut, status));
        }
        return out;
    }
}
