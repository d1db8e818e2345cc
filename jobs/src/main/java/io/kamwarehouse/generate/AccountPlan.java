package io.kamwarehouse.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The commercial life of one account, replayed deterministically from the seed and the account index:
 * its opportunities (with stage timelines), the contracts they won (renewal chains, expansions, churn,
 * early terminations, reactivations), invoices and payments. Writers of opportunities, stage history,
 * team members, milestones, contracts, invoices, payments and costs all replay the same plan, one
 * account at a time, so no child rows are ever held for more than one account.
 */
final class AccountPlan {

    static final int NEW_BUSINESS = 0;
    static final int EXPANSION = 1;
    static final int RENEWAL = 2;
    static final String[] TYPE_SF = {"New Business", "Existing Customer - Upgrade", "Existing Customer - Renewal"};

    static final int PROSPECTING = 0;
    static final int NEGOTIATION = 4;
    static final int WON = 5;
    static final int LOST = 6;
    static final String[] STAGE_SF = {"Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
        "Negotiation/Review", "Closed Won", "Closed Lost"};
    static final int[] STAGE_PROBABILITY = {10, 10, 20, 75, 90, 100, 0};

    static final String[] PAYMENT_METHODS = {"bank_transfer", "acceptance_bill", "cheque", "other"};
    private static final double[] PAYMENT_METHOD_WEIGHTS = {0.68, 0.22, 0.05, 0.05};
    private static final double[] EXPANSION_RATE = {1.1, 0.8, 0.5};
    private static final double[] LOST_PER_YEAR = {2.9, 2.25, 1.65};
    /**
     * Small add-on deals a customer places during a contract (more licences, services, training): a
     * year's mean by tier, their share of the contract's annual value, and how many are won. They keep
     * an account manager's bookings coming every quarter between the large renewals.
     */
    private static final double[] ADD_ONS_PER_YEAR = {6.0, 5.0, 4.0};
    private static final double ADD_ON_WIN_RATE = 0.4;
    private static final double[] PRODUCT_WEIGHTS = {10, 4, 5, 6, 4, 3, 5, 6, 2, 6, 3, 2};

    static final class Opp {
        int local;
        int type;
        long createdSec;
        long closeSec;
        boolean won;
        int[] stages;
        long[] stageSecs;
        int visible;
        int owner;
        int product;
        long amount;
        String leadSource;
        String name;
        Contract contract;
        /** A small add-on order during a contract (an expansion by type): delivered by a project manager less often. */
        boolean addOn;

        boolean closedAtH1() {
            final int last = stages[stages.length - 1];
            return visible == stages.length && (last == WON || last == LOST);
        }

        int stageAtH1() {
            return stages[visible - 1];
        }

        long lastModifiedSec() {
            return stageSecs[visible - 1] + 60L * ((local * 37 + 11) % 180);
        }
    }

    static final class Contract {
        int local;
        Opp opp;
        int signedDay;
        int startDay;
        int endDay;
        int effectiveEnd;
        boolean terminated;
        long annual;
        int renewalOf = -1;
        int productLine;
        /** Won by an add-on deal (billed from the add-ons' own random stream). */
        boolean addOn;
        final List<Invoice> invoices = new ArrayList<>();

        String status(final int asOf) {
            if (terminated && effectiveEnd <= asOf) {
                return "terminated";
            }
            return endDay < asOf ? "expired" : "active";
        }
    }

    static final class Invoice {
        int local;
        Contract contract;
        int invoiceDay;
        int dueDay;
        long amount;
        boolean voided;
        final List<Payment> payments = new ArrayList<>();
        long paidAtH1;
        /** Increment day on which the outstanding balance is settled (0 = never). */
        int settleDay;

        String statusAtH1() {
            if (voided) {
                return "void";
            }
            if (paidAtH1 >= amount) {
                return "paid";
            }
            return paidAtH1 > 0 ? "partially_paid" : "issued";
        }
    }

    static final class Payment {
        int day;
        long amount;
        String method;
    }

    final int account;
    final List<Opp> opps = new ArrayList<>();
    final List<Contract> contracts = new ArrayList<>();
    final List<Invoice> invoices = new ArrayList<>();
    int churnDay = World.NONE;
    int customerFrom = World.NONE;

    private AccountPlan(final int account) {
        this.account = account;
    }

    static int productLineOf(final int product) {
        final String line = Names.PRODUCTS[product][1];
        for (int i = 0; i < Names.PRODUCT_LINES.length; i++) {
            if (Names.PRODUCT_LINES[i].equals(line)) {
                return i;
            }
        }
        throw new IllegalStateException(line);
    }

    static AccountPlan build(final World w, final int a) {
        final AccountPlan plan = new AccountPlan(a);
        final SplittableRandom r = Rand.rng(w.seed, Rand.tag("plan"), a);
        final int h0 = w.h0;
        final int h1 = w.h1;
        final int created = w.accCreated[a];
        final int tier = w.accTier[a];
        final boolean existing = created < h0 - 180;
        final boolean poor = w.teamPoor[w.empTeam[w.accOwner[a]]];
        final long unit = w.accUsd[a] ? 10_000L : 100_000L;
        final int mainProduct = Rand.weighted(r, PRODUCT_WEIGHTS);
        boolean prospectOnly = false;
        int start;
        if (existing) {
            start = Math.max(created + 60, h0 - Rand.between(r, 0, 364));
        } else {
            start = created + Rand.between(r, 30, 200);
            prospectOnly = r.nextDouble() < 0.12;
        }

        if (!prospectOnly) {
            int renewalOf = -1;
            long annual = w.accBaseAnnual[a];
            int type = existing ? RENEWAL : NEW_BUSINESS;
            for (int guard = 0; guard < 40; guard++) {
                final int term = new int[] {12, 24, 36}[Rand.weighted(r, new double[] {0.8, 0.15, 0.05})];
                int oc = type == NEW_BUSINESS ? start - Rand.between(r, 60, 160) : start - Rand.between(r, 40, 100);
                int cl = start - Rand.between(r, 0, 25);
                oc = Math.max(oc, created);
                cl = Math.max(cl, oc + 14);
                start = Math.max(start, cl);
                final int end = World.plusMonths(start, term) - 1;
                if (oc > h1) {
                    break;
                }
                final Opp o = plan.newOpp(w, r, type, oc, cl, annual * term / 12, mainProduct, 4, true, poor);
                if (!o.closedAtH1()) {
                    break; // deal in progress at history end
                }
                final Contract c = signed(o, cl, start, end, end, false, annual, mainProduct);
                c.renewalOf = renewalOf;
                plan.contracts.add(c);
                plan.customerFrom = Math.min(plan.customerFrom, start);
                plan.churnDay = World.NONE; // a new contract ends any earlier churn (reactivation)

                // expansions during the contract
                for (int ys = start; ys < end - 120; ys += 365) {
                    if (r.nextDouble() >= EXPANSION_RATE[tier]) {
                        continue;
                    }
                    final int ec = Rand.between(r, ys + 30, Math.min(ys + 330, end - 120));
                    if (ec > h1 - 3) {
                        continue;
                    }
                    final int product = (mainProduct + 1 + r.nextInt(Names.PRODUCTS.length - 1)) % Names.PRODUCTS.length;
                    final boolean won = r.nextDouble() < 0.6;
                    final int ecl = ec + Rand.between(r, 25, 90);
                    final long expAnnual = Rand.roundTo(annual * Rand.uniform(r, 0.1, 0.35), unit);
                    final int expStart = ecl + Rand.between(r, 5, 25);
                    final boolean fits = expStart <= end - 30;
                    final int reached = won && fits ? 4 : Rand.weighted(r, new double[] {0.25, 0.25, 0.2, 0.2, 0.1});
                    final long months = Math.max(1, Math.round((end - expStart + 1) / 30.44));
                    final Opp eo = plan.newOpp(w, r, EXPANSION, ec, ecl, expAnnual * months / 12, product, reached,
                            won && fits, poor);
                    if (won && fits && eo.closedAtH1()) {
                        plan.contracts.add(signed(eo, ecl, expStart, end, end, false, expAnnual, product));
                    }
                }

                if (r.nextDouble() < w.accRenew[a]) {
                    renewalOf = plan.contracts.indexOf(c);
                    annual = Rand.roundTo(annual * Rand.uniform(r, 0.93, 1.22), unit);
                    start = end + 1;
                    type = RENEWAL;
                    continue;
                }
                // not renewed: churn at the end (or earlier, on termination)
                int churn = end;
                if (r.nextDouble() < 0.15 && end - start > 150) {
                    churn = Rand.between(r, start + 90, end - 30);
                    c.terminated = true;
                    c.effectiveEnd = churn;
                    for (final Contract other : plan.contracts) {
                        if (other != c && other.endDay == end && other.effectiveEnd > churn) {
                            other.effectiveEnd = Math.max(other.startDay, churn);
                            other.terminated = true;
                        }
                    }
                }
                if (r.nextDouble() < 0.7) {
                    final int roc = churn - Rand.between(r, 40, 100);
                    final int rcl = Math.max(roc + 14, churn - Rand.between(r, 0, 30));
                    if (roc <= h1 && roc >= created) {
                        plan.newOpp(w, r, RENEWAL, roc, rcl, annual, mainProduct,
                                Rand.weighted(r, new double[] {0.1, 0.2, 0.25, 0.25, 0.2}), false, poor);
                    }
                }
                plan.churnDay = churn;
                if (r.nextDouble() < 0.08) {
                    start = churn + Rand.between(r, 150, 420);
                    renewalOf = -1;
                    type = NEW_BUSINESS;
                    annual = Rand.roundTo(w.accBaseAnnual[a] * Rand.uniform(r, 0.5, 0.9), unit);
                    continue;
                }
                break;
            }
        } else {
            final int oc = Math.min(h1, created + Rand.between(r, 0, 60));
            final int cl = oc + Rand.between(r, 60, 200);
            plan.newOpp(w, r, NEW_BUSINESS, oc, cl, Rand.roundTo(w.accBaseAnnual[a] * Rand.uniform(r, 0.5, 1.2), unit),
                    mainProduct, Rand.weighted(r, new double[] {0.3, 0.3, 0.2, 0.15, 0.05}), false, poor);
        }

        // add-ons during each contract, from a random stream of their own: the rest of the plan is as without them
        final SplittableRandom ra = Rand.rng(w.seed, Rand.tag("plan-add-ons"), a);
        plan.addOns(w, ra, tier, unit, mainProduct, poor);

        // lost and still-open deals: cross-sell attempts and new-business pursuits
        final int windowStart = Math.max(created, h0 - 120);
        if (windowStart < h1 - 20) {
            final int n = Rand.poisson(r, LOST_PER_YEAR[tier] * (h1 - windowStart) / 365.0);
            for (int i = 0; i < n; i++) {
                final int oc = Rand.between(r, windowStart, h1 - 5);
                final int cl = oc + Rand.between(r, 20, 160);
                final boolean customer = plan.customerFrom <= oc && oc <= plan.churnDay;
                final int product = r.nextInt(Names.PRODUCTS.length);
                final long amount = Rand.roundTo(w.accBaseAnnual[a] * Rand.uniform(r, 0.15, 1.2), unit);
                plan.newOpp(w, r, customer ? EXPANSION : NEW_BUSINESS, oc, cl, amount, product,
                        Rand.weighted(r, new double[] {0.3, 0.25, 0.2, 0.15, 0.1}), false, poor);
            }
        }

        // order: opportunities by creation, contracts by start; then local indices, invoices, payments
        final List<Opp> sorted = new ArrayList<>(plan.opps);
        sorted.sort(Comparator.comparingLong((Opp o) -> o.createdSec).thenComparingInt(o -> o.local));
        plan.opps.clear();
        plan.opps.addAll(sorted);
        for (int i = 0; i < plan.opps.size(); i++) {
            plan.opps.get(i).local = i;
        }
        final List<Contract> chain = new ArrayList<>(plan.contracts);
        final List<Contract> byStart = new ArrayList<>(chain);
        byStart.sort(Comparator.comparingInt((Contract c) -> c.startDay).thenComparingInt(c -> c.signedDay)
                .thenComparingInt(chain::indexOf));
        final int[] newIndex = new int[chain.size()];
        for (int i = 0; i < byStart.size(); i++) {
            newIndex[chain.indexOf(byStart.get(i))] = i;
        }
        for (final Contract c : byStart) {
            if (c.renewalOf >= 0) {
                c.renewalOf = newIndex[c.renewalOf];
            }
        }
        plan.contracts.clear();
        plan.contracts.addAll(byStart);
        for (int i = 0; i < plan.contracts.size(); i++) {
            plan.contracts.get(i).local = i;
        }
        for (final Contract c : plan.contracts) {
            plan.bill(w, c.addOn ? ra : r, c);
        }
        return plan;
    }

    /**
     * The add-on deals of each contract that is not itself an expansion or add-on: a Poisson number
     * a year (by tier) from 20 days after its start to 45 days before its end, each 14 to 60 days
     * from creation to close, 4% to 15% of the contract's annual value a year for the contract's
     * remaining months; a won one that starts in time is a contract ending with the one it adds to
     * (terminated with it).
     */
    private void addOns(final World w, final SplittableRandom ra, final int tier, final long unit, final int mainProduct,
            final boolean poor) {
        final List<Contract> base = new ArrayList<>();
        for (final Contract c : contracts) {
            if (c.opp.type != EXPANSION) {
                base.add(c);
            }
        }
        for (final Contract c : base) {
            final int from = Math.max(c.startDay + 20, w.h0 - 120);
            final int to = Math.min(c.effectiveEnd - 45, w.h1 - 3);
            if (to <= from) {
                continue;
            }
            final int n = Rand.poisson(ra, ADD_ONS_PER_YEAR[tier] * (to - from) / 365.0);
            for (int i = 0; i < n; i++) {
                final int oc = Rand.between(ra, from, to);
                final int cl = oc + Rand.between(ra, 14, 60);
                final boolean won = ra.nextDouble() < ADD_ON_WIN_RATE;
                final int product = (mainProduct + 1 + ra.nextInt(Names.PRODUCTS.length - 1)) % Names.PRODUCTS.length;
                final long annual = Rand.roundTo(c.annual * Rand.uniform(ra, 0.04, 0.15), unit);
                final int start = cl + Rand.between(ra, 5, 20);
                final boolean fits = start <= c.effectiveEnd - 30;
                final long months = Math.max(1, Math.round((c.endDay - start + 1) / 30.44));
                final int reached = won && fits ? NEGOTIATION : Rand.weighted(ra, new double[] {0.2, 0.2, 0.25, 0.25, 0.1});
                final Opp o = newOpp(w, ra, EXPANSION, oc, cl, annual * months / 12, product, reached, won && fits, poor);
                o.addOn = true;
                if (won && fits && o.closedAtH1()) {
                    final Contract x = signed(o, cl, start, c.endDay, c.effectiveEnd, c.terminated, annual, product);
                    x.addOn = true;
                    contracts.add(x);
                }
            }
        }
    }

    /** The contract a won deal signs: a base or renewal contract, or an expansion or add-on ending with the one it adds to. */
    private static Contract signed(final Opp o, final int signedDay, final int startDay, final int endDay, final int effectiveEnd,
            final boolean terminated, final long annual, final int product) {
        final Contract x = new Contract();
        x.opp = o;
        o.contract = x;
        x.signedDay = signedDay;
        x.startDay = startDay;
        x.endDay = endDay;
        x.effectiveEnd = effectiveEnd;
        x.terminated = terminated;
        x.annual = annual;
        x.productLine = productLineOf(product);
        return x;
    }

    private Opp newOpp(final World w, final SplittableRandom r, final int type, final int createdDay, final int closeDay,
            final long amount, final int product, final int reached, final boolean won, final boolean poor) {
        final Opp o = new Opp();
        o.local = opps.size();
        o.type = type;
        o.won = won;
        o.createdSec = createdDay * Fmt.DAY_SECONDS + Rand.between(r, 8 * 3600, 18 * 3600);
        o.closeSec = Math.max(o.createdSec + 3600, closeDay * Fmt.DAY_SECONDS + Rand.between(r, 9 * 3600, 19 * 3600));
        o.product = product;
        o.amount = amount;
        o.owner = w.opportunityOwner(r, account, createdDay);
        o.leadSource = switch (type) {
            case RENEWAL -> "Existing Customer";
            case EXPANSION -> r.nextDouble() < 0.7 ? "Existing Customer" : "Partner Referral";
            default -> Rand.pick(r, Names.LEAD_SOURCES_NEW);
        };
        final boolean en = w.accEnglish[account];
        final String year = Integer.toString(java.time.LocalDate.ofEpochDay(closeDay).getYear());
        final String suffix = switch (type) {
            case RENEWAL -> en ? "Renewal " + year : "续约 " + year;
            case EXPANSION -> en ? "Upgrade" : "增购";
            default -> en ? "New" : "新签";
        };
        o.name = w.accShort[account] + " - " + Names.PRODUCTS[product][0] + " " + suffix;
        // stage timeline
        final int[] path = new int[7];
        int n = 0;
        path[n++] = PROSPECTING;
        final int top = won ? NEGOTIATION : reached;
        for (int s = 1; s <= top; s++) {
            if ((s == 1 || s == 2) && s < top && r.nextDouble() < (poor ? 0.3 : 0.12)) {
                continue; // skipped a stage of the process
            }
            path[n++] = s;
        }
        path[n++] = won ? WON : LOST;
        o.stages = java.util.Arrays.copyOf(path, n);
        o.stageSecs = new long[n];
        o.stageSecs[0] = o.createdSec;
        o.stageSecs[n - 1] = o.closeSec;
        final double[] fractions = new double[n - 2];
        for (int i = 0; i < fractions.length; i++) {
            fractions[i] = Rand.uniform(r, 0.05, 0.95);
        }
        java.util.Arrays.sort(fractions);
        for (int i = 0; i < fractions.length; i++) {
            o.stageSecs[i + 1] = o.createdSec + Math.round((o.closeSec - o.createdSec) * fractions[i]);
        }
        for (int i = 1; i < n; i++) {
            if (o.stageSecs[i] <= o.stageSecs[i - 1]) {
                o.stageSecs[i] = o.stageSecs[i - 1] + 60;
            }
        }
        int visible = 0;
        while (visible < n && o.stageSecs[visible] <= w.h1EndSec) {
            visible++;
        }
        o.visible = Math.max(1, visible);
        opps.add(o);
        return o;
    }

    private void bill(final World w, final SplittableRandom r, final Contract c) {
        final int periodMonths = switch (w.accBilling[account]) {
            case 0 -> 12;
            case 1 -> 6;
            default -> 3;
        };
        final long perPeriod = c.annual * periodMonths / 12;
        for (int k = 0; k < 200; k++) {
            final int day = World.plusMonths(c.startDay, k * periodMonths);
            if (day > c.effectiveEnd || day > c.endDay || day > w.h1) {
                break;
            }
            final Invoice inv = new Invoice();
            inv.local = invoices.size();
            inv.contract = c;
            inv.invoiceDay = day;
            inv.dueDay = day + w.accTerms[account];
            inv.amount = perPeriod;
            inv.voided = r.nextDouble() < 0.015;
            if (!inv.voided) {
                int profile = w.accPayer[account];
                if (churnDay != World.NONE && day > churnDay - 200 && r.nextDouble() < 0.5) {
                    profile = 2;
                }
                int payDay;
                boolean never = false;
                switch (profile) {
                    case 0 -> payDay = inv.dueDay - Rand.between(r, 0, 10);
                    case 1 -> payDay = inv.dueDay + Rand.between(r, 1, 20);
                    default -> {
                        never = r.nextDouble() < 0.12; // a bad debt now and then; most slow payers pay in the end
                        payDay = inv.dueDay + Rand.between(r, 15, 90);
                    }
                }
                payDay = Math.max(payDay, day + 1);
                if (!never) {
                    if (r.nextDouble() < 0.12) {
                        final long first = Math.max(100, Math.round(inv.amount * Rand.uniform(r, 0.3, 0.7) / 100.0) * 100);
                        addPayment(w, r, inv, payDay, first);
                        if (r.nextDouble() < 0.95) { // the rest follows, bar a rare dispute
                            addPayment(w, r, inv, payDay + Rand.between(r, 20, 90), inv.amount - first);
                        } else { // settled in the end, months later (its own random stream: the plan's stays as it was)
                            final SplittableRandom d = Rand.rng(w.seed, Rand.tag("dispute"), account, inv.local);
                            addPayment(w, d, inv, payDay + Rand.between(d, 150, 400), inv.amount - first);
                        }
                    } else {
                        addPayment(w, r, inv, payDay, inv.amount);
                    }
                }
                if (inv.paidAtH1 < inv.amount) {
                    inv.settleDay = r.nextDouble() < 0.75 ? 1 + r.nextInt(60) : 0;
                }
                if (never) {
                    collect(w, inv);
                }
            }
            c.invoices.add(inv);
            invoices.add(inv);
        }
    }

    /** Days past due after which finance writes off a bad debt it could not collect. */
    static final int WRITE_OFF_DAYS = 270;

    /**
     * A bad debt as collections end it: half are paid in the end, after reminders and the lawyers'
     * letter (150 to 400 days past due), the others are written off with a credit note once they are
     * {@link #WRITE_OFF_DAYS} days past due (the invoice becomes void). Until then either one is
     * overdue, so the ledger holds a few old debts being chased, not every one since the first year.
     * Its own random stream: the plan's stays as it was.
     */
    private void collect(final World w, final Invoice inv) {
        final SplittableRandom c = Rand.rng(w.seed, Rand.tag("collection"), account, inv.local);
        if (c.nextDouble() < 0.5) {
            addPayment(w, c, inv, inv.dueDay + Rand.between(c, 150, 400), inv.amount);
        } else if (inv.dueDay + WRITE_OFF_DAYS <= w.h1) {
            inv.voided = true;
        }
        if (inv.voided || inv.paidAtH1 >= inv.amount) {
            inv.settleDay = 0;
        }
    }

    private void addPayment(final World w, final SplittableRandom r, final Invoice inv, final int day, final long amount) {
        final String method = PAYMENT_METHODS[Rand.weighted(r, PAYMENT_METHOD_WEIGHTS)];
        if (day > w.h1 || amount <= 0) {
            return;
        }
        final Payment p = new Payment();
        p.day = day;
        p.amount = amount;
        p.method = method;
        inv.payments.add(p);
        inv.paidAtH1 += amount;
    }
}
