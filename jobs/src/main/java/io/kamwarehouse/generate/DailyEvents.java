package io.kamwarehouse.generate;

import java.util.SplittableRandom;

/**
 * Events generated day by day from a per-day random stream (so the full drop and the increments share
 * one code path): sales activities, service tickets and NPS responses.
 */
final class DailyEvents {

    static final String[] ACTIVITY_TYPES = {"visit", "call", "meeting", "demo", "proposal", "email", "workshop"};
    static final String[] ACTIVITY_TYPES_CN = {"拜访", "电话", "会议", "演示", "方案", "邮件", "研讨会"};
    private static final int[] MIN_DURATION = {60, 5, 30, 45, 30, 0, 120};
    private static final int[] MAX_DURATION = {240, 45, 120, 150, 180, 10, 480};
    /** Activity type weights per employee role (AM, SC, PM, CS, BO). */
    private static final double[][] TYPE_BY_ROLE = {
        {0.30, 0.33, 0.15, 0.0, 0.04, 0.18, 0.0},
        {0.05, 0.05, 0.22, 0.33, 0.22, 0.03, 0.10},
        {0.05, 0.20, 0.45, 0.0, 0.0, 0.05, 0.25},
        {0.25, 0.38, 0.10, 0.0, 0.0, 0.25, 0.02},
        {0.0, 0.40, 0.0, 0.0, 0.0, 0.60, 0.0},
    };
    private static final double[] ROLE_MIX = {0.45, 0.20, 0.10, 0.20, 0.05};
    private static final double WEEKDAY_NORMALISER = 6.75 / 7.0;

    static final String[] PRIORITIES = {"low", "medium", "high", "urgent"};
    static final String[] PRIORITIES_CN = {"低", "中", "高", "紧急"};
    private static final double[] PRIORITY_WEIGHTS = {0.30, 0.40, 0.22, 0.08};
    static final String[] CHANNELS = {"email", "sms", "wechat", "phone", "web"};
    private static final double[] CHANNEL_WEIGHTS = {0.35, 0.10, 0.35, 0.05, 0.15};
    /** First-response SLA in hours by tier (B = 5 business days, handled separately). */
    private static final int[] SLA_HOURS = {48, 72, 120};

    private final World w;

    DailyEvents(final World w) {
        this.w = w;
    }

    private static double noise(final SplittableRandom r) {
        return Rand.uniform(r, 0.85, 1.15);
    }

    // ------------------------------------------------------------------ activities

    double activityPropensity(final int a, final int day) {
        if (day < w.accCreated[a]) {
            return 0;
        }
        final int churn = w.accChurn[a];
        if (churn != World.NONE && day > churn) {
            return 0.04;
        }
        if (w.accCustomerFrom[a] == World.NONE || day < w.accCustomerFrom[a]) {
            return 0.45;
        }
        if (churn != World.NONE && churn - day < 180) {
            return 0.2 + 0.8 * (churn - day) / 180.0;
        }
        return 1.0;
    }

    /** Writes the activities of one day; returns how many were generated. */
    int activities(final int day, final EntitySink sink) {
        final SplittableRandom r = Rand.rng(w.seed, Rand.tag("activities"), day);
        final double mean = World.ACTIVITIES_PER_YEAR_AT_1 * w.scale / 365.0 * World.weekdayFactor(day) / WEEKDAY_NORMALISER;
        final int target = (int) Math.round(mean * noise(r));
        final String date = Fmt.date(day);
        final String idPrefix = "ACT" + Fmt.compact(day) + "-";
        final String[] row = new String[9];
        int written = 0;
        for (int attempts = 0; written < target && attempts < target * 40 + 40; attempts++) {
            final int a = w.sampleAccount(r);
            if (r.nextDouble() >= activityPropensity(a, day)) {
                continue;
            }
            final int role = Rand.weighted(r, ROLE_MIX);
            int emp = -1;
            final int owner = w.accOwner[a];
            if (role == World.AM && w.active(owner, day) && r.nextDouble() < 0.8) {
                emp = owner;
            } else {
                emp = w.pickNear(r, a, role, day);
            }
            if (emp < 0) {
                emp = w.active(owner, day) ? owner : -1;
            }
            if (emp < 0) {
                continue;
            }
            final int type = Rand.weighted(r, TYPE_BY_ROLE[w.empRole[emp]]);
            row[0] = idPrefix + Fmt.pad(written + 1, 6);
            row[1] = r.nextDouble() < 0.12 ? ACTIVITY_TYPES_CN[type] : ACTIVITY_TYPES[type];
            row[2] = w.accId[a];
            row[3] = r.nextDouble() < 0.85 ? contactOn(r, a, day) : null;
            row[4] = r.nextDouble() < 0.40 ? openOpportunityOn(r, a, day) : null;
            row[5] = w.empId[emp];
            row[6] = date;
            row[7] = type == 5 && r.nextDouble() < 0.5 ? null
                    : Integer.toString(Rand.between(r, MIN_DURATION[type], MAX_DURATION[type]));
            row[8] = Rand.pick(r, Names.ACTIVITY_SUBJECTS[type]);
            sink.write(row);
            written++;
        }
        return written;
    }

    /** A contact of the account created by the day, or null. */
    String contactOn(final SplittableRandom r, final int a, final int day) {
        final int from = w.contactStart[a];
        final int n = w.contactStart[a + 1] - from;
        for (int i = 0; i < 3 && n > 0; i++) {
            final int c = from + r.nextInt(n);
            if (w.contactCreated[c] <= day) {
                return World.contactId(c);
            }
        }
        return null;
    }

    /** An opportunity of the account open on the day, or null. */
    String openOpportunityOn(final SplittableRandom r, final int a, final int day) {
        final int from = w.oppStart[a];
        final int to = w.oppStart[a + 1];
        int count = 0;
        for (int g = from; g < to; g++) {
            if (w.oppCreatedDay[g] <= day && day <= w.oppEndDay[g]) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        int k = r.nextInt(count);
        for (int g = from; g < to; g++) {
            if (w.oppCreatedDay[g] <= day && day <= w.oppEndDay[g] && k-- == 0) {
                return World.opportunityId(g);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ service tickets

    /** Writes the tickets opened on the day, their state as of {@code asOfSec}. */
    int tickets(final int day, final long asOfSec, final EntitySink sink) {
        final SplittableRandom r = Rand.rng(w.seed, Rand.tag("tickets"), day);
        final double mean = w.nAcc * World.TICKETS_PER_ACCOUNT_YEAR / 365.0 * (World.weekend(day) ? 0.4 : 1.24);
        final int target = Rand.poisson(r, mean);
        final String idPrefix = "TK" + Fmt.compact(day) + "-";
        final String[] row = new String[11];
        int written = 0;
        for (int attempts = 0; written < target && attempts < target * 40 + 40; attempts++) {
            final int a = w.sampleAccount(r);
            if (!w.customerOn(a, day, 45)) {
                continue;
            }
            final int tier = w.accTier[a];
            final boolean poor = w.teamPoor[w.empTeam[w.accOwner[a]]];
            final int priority = Rand.weighted(r, PRIORITY_WEIGHTS);
            final long opened = day * Fmt.DAY_SECONDS + Rand.between(r, 8 * 3600, 20 * 3600);
            final boolean breach = r.nextDouble() < (poor ? 0.18 : 0.08);
            final long responseHours;
            if (tier == World.TIER_B) {
                responseHours = breach ? Rand.between(r, 8 * 24, 14 * 24) : Rand.between(r, 1, 100);
            } else {
                final int sla = SLA_HOURS[tier];
                responseHours = breach ? Rand.between(r, sla + 2, sla * 3) : Rand.between(r, 1, sla - 4);
            }
            final long firstResponse = opened + responseHours * 3600 - Rand.between(r, 0, 1800);
            final long resolveHours = priority == 3 ? Rand.between(r, 1, 48) : Rand.between(r, 2, 24 * 18);
            final long resolved = firstResponse + resolveHours * 3600 + Rand.between(r, 0, 3599);
            int assignee = w.pickNear(r, a, World.CS, day);
            if (assignee < 0) {
                assignee = w.pickNear(r, a, World.SC, day);
            }
            final String status;
            if (resolved <= asOfSec) {
                status = resolved < asOfSec - 7 * Fmt.DAY_SECONDS ? "closed" : "resolved";
            } else {
                status = firstResponse <= asOfSec ? "in_progress" : "open";
            }
            row[0] = idPrefix + Fmt.pad(written + 1, 4);
            row[1] = w.accId[a];
            row[2] = contactOn(r, a, day);
            row[3] = r.nextDouble() < 0.15 ? PRIORITIES_CN[priority] : PRIORITIES[priority];
            row[4] = Rand.pick(r, Names.TICKET_CATEGORIES);
            row[5] = assignee < 0 || ("open".equals(status) && r.nextDouble() < 0.3) ? null : w.empId[assignee];
            row[6] = Fmt.isoLocal(opened);
            row[7] = firstResponse <= asOfSec ? Fmt.isoLocal(firstResponse) : null;
            row[8] = resolved <= asOfSec ? Fmt.isoLocal(resolved) : null;
            row[9] = status;
            row[10] = Rand.pick(r, Names.TICKET_SUBJECTS);
            sink.write(row);
            written++;
        }
        return written;
    }

    // ------------------------------------------------------------------ NPS

    int nps(final int day, final EntitySink sink) {
        final SplittableRandom r = Rand.rng(w.seed, Rand.tag("nps"), day);
        final double mean = w.nAcc * World.NPS_PER_ACCOUNT_YEAR / 365.0 * (World.weekend(day) ? 0.5 : 1.2);
        final int target = Rand.poisson(r, mean);
        final String idPrefix = "NPS" + Fmt.compact(day) + "-";
        final String[] row = new String[8];
        int written = 0;
        for (int attempts = 0; written < target && attempts < target * 40 + 40; attempts++) {
            final int a = w.sampleAccount(r);
            if (!w.customerOn(a, day, 30)) {
                continue;
            }
            final int churn = w.accChurn[a];
            final boolean preChurn = churn != World.NONE && churn >= day - 30 && churn - day <= 300;
            final double[] mix; // detractor, passive, promoter
            if (preChurn) {
                mix = new double[] {0.58, 0.28, 0.14};
            } else if (w.accTier[a] == World.TIER_S) {
                mix = new double[] {0.14, 0.33, 0.53};
            } else {
                mix = new double[] {0.19, 0.35, 0.46};
            }
            if (w.teamPoor[w.empTeam[w.accOwner[a]]]) {
                mix[0] += 0.07;
            }
            final int category = Rand.weighted(r, mix);
            final int score;
            final int csat;
            final String comment;
            switch (category) {
                case 0 -> {
                    score = r.nextDouble() < 0.3 ? Rand.between(r, 0, 4) : Rand.between(r, 5, 6);
                    csat = Rand.between(r, 1, 3);
                    comment = Rand.pick(r, Names.NPS_DETRACTOR);
                }
                case 1 -> {
                    score = Rand.between(r, 7, 8);
                    csat = Rand.between(r, 3, 4);
                    comment = Rand.pick(r, Names.NPS_PASSIVE);
                }
                default -> {
                    score = r.nextDouble() < 0.55 ? 9 : 10;
                    csat = Rand.between(r, 4, 5);
                    comment = Rand.pick(r, Names.NPS_PROMOTER);
                }
            }
            row[0] = idPrefix + Fmt.pad(written + 1, 4);
            row[1] = w.accId[a];
            row[2] = contactOn(r, a, day);
            row[3] = Fmt.isoLocal(day * Fmt.DAY_SECONDS + Rand.between(r, 7 * 3600, 22 * 3600));
            row[4] = Integer.toString(score);
            row[5] = r.nextDouble() < 0.15 ? null : Integer.toString(csat);
            row[6] = r.nextDouble() < 0.55 ? comment : null;
            row[7] = CHANNELS[Rand.weighted(r, CHANNEL_WEIGHTS)];
            sink.write(row);
            written++;
        }
        return written;
    }
}
