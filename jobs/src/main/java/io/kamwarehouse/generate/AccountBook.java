package io.kamwarehouse.generate;

import static io.kamwarehouse.generate.World.ACCOUNTS_AT_1;
import static io.kamwarehouse.generate.World.TIER_A;
import static io.kamwarehouse.generate.World.TIER_B;
import static io.kamwarehouse.generate.World.TIER_S;
import static io.kamwarehouse.generate.World.USD_CNY;
import static io.kamwarehouse.generate.World.accountId;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The customers of a {@link World}: accounts (name, industry, region, tier, owner, size, billing)
 * and the creation dates of their contacts. Owners come from the {@link Organisation}.
 */
final class AccountBook {

    private AccountBook() {
    }

    static void build(final World w) {
        buildAccounts(w);
        buildContacts(w);
    }

    private static void buildAccounts(final World w) {
        final SplittableRandom r = Rand.rng(w.seed, Rand.tag("accounts"));
        w.nAcc = Math.max(10, (int) Math.round(ACCOUNTS_AT_1 * w.scale));
        w.accId = new String[w.nAcc];
        w.accName = new String[w.nAcc];
        w.accShort = new String[w.nAcc];
        w.accIndustry = new String[w.nAcc];
        w.accCity = new String[w.nAcc];
        w.accRegion = new int[w.nAcc];
        w.accTier = new int[w.nAcc];
        w.accOwner = new int[w.nAcc];
        w.accCreated = new int[w.nAcc];
        w.accUpdated = new long[w.nAcc];
        w.accRevenueWanCents = new long[w.nAcc];
        w.accEmployees = new int[w.nAcc];
        w.accUsd = new boolean[w.nAcc];
        w.accEnglish = new boolean[w.nAcc];
        w.accBaseAnnual = new long[w.nAcc];
        w.accRenew = new double[w.nAcc];
        w.accCostRatio = new double[w.nAcc];
        w.accPayer = new int[w.nAcc];
        w.accBilling = new int[w.nAcc];
        w.accTerms = new int[w.nAcc];
        final double[] regionWeights = Arrays.copyOf(Names.REGION_WEIGHTS, w.nRegions);
        final Set<String> names = new HashSet<>();
        final double[] score = new double[w.nAcc];
        for (int a = 0; a < w.nAcc; a++) {
            w.accId[a] = accountId(a);
            final int region = Rand.weighted(r, regionWeights);
            w.accRegion[a] = region;
            final int cityIdx = r.nextInt(Names.CITIES[region].length);
            w.accCity[a] = Names.CITIES[region][cityIdx];
            final int ind = Rand.weighted(r, Names.INDUSTRY_WEIGHTS);
            w.accIndustry[a] = Names.INDUSTRIES[ind];
            w.accEnglish[a] = r.nextDouble() < 0.18;
            String name;
            if (w.accEnglish[a]) {
                final String prefix = Rand.pick(r, Names.PREFIX_EN);
                final String core = Rand.pick(r, Names.CORE_EN[ind]);
                w.accShort[a] = prefix + " " + core;
                final String suffix = Rand.pick(r, Names.SUFFIX_EN);
                name = suffix.startsWith("(") && r.nextDouble() < 0.5
                        ? w.accShort[a] + " (" + Names.CITIES_EN[region][cityIdx] + ") Co., Ltd."
                        : w.accShort[a] + " " + suffix;
            } else {
                final String prefix = Rand.pick(r, Names.PREFIX_CN);
                final String core = Rand.pick(r, Names.CORE_CN[ind]);
                w.accShort[a] = prefix + core;
                final double u = r.nextDouble();
                final String place = u < 0.45 ? w.accCity[a] : (u < 0.55 ? Names.REGIONS[region] : "");
                final String core2 = ind == 0 && r.nextDouble() < 0.5 ? core + "制造" : core;
                name = place + prefix + core2 + Rand.pick(r, Names.SUFFIX_CN);
            }
            if (!names.add(name)) {
                final String branch = w.accEnglish[a] ? name + " - " + Names.CITIES_EN[region][cityIdx] + " Branch"
                        : name + "（" + w.accCity[a] + "分公司）";
                name = branch;
                for (int n = 2; !names.add(name); n++) {
                    name = branch + " " + n;
                }
            }
            w.accName[a] = name;
            w.accUsd[a] = r.nextDouble() < (w.accEnglish[a] ? 0.6 : 0.03);
            final double revenueWan = Math.exp(Math.log(30_000) + 1.3 * Rand.gaussian(r));
            w.accRevenueWanCents[a] = Math.max(50_000L, Math.round(revenueWan * 100));
            w.accEmployees[a] = (int) Math.max(20, Math.round(revenueWan / 100 * Rand.uniform(r, 0.5, 2.0)));
            score[a] = Math.log(revenueWan) + 0.5 * Rand.gaussian(r);
            w.accCreated[a] = r.nextDouble() < 0.7
                    ? Rand.between(r, w.h0 - 365 * 8, w.h0 - 181)
                    : Rand.between(r, w.h0 - 180, w.h1 - 20);
            w.accPayer[a] = Rand.weighted(r, new double[] {0.65, 0.25, 0.10});
            w.accBilling[a] = Rand.weighted(r, new double[] {0.40, 0.15, 0.45});
            w.accTerms[a] = new int[] {30, 60, 90}[Rand.weighted(r, new double[] {0.5, 0.35, 0.15})];
            w.accCostRatio[a] = r.nextDouble() < 0.08 ? Rand.uniform(r, 1.03, 1.25) : Rand.uniform(r, 0.42, 0.78);
        }
        // tiers by revenue score rank: top 10% S, next 25% A, rest B
        final Integer[] order = new Integer[w.nAcc];
        for (int a = 0; a < w.nAcc; a++) {
            order[a] = a;
        }
        Arrays.sort(order, (x, y) -> score[x] != score[y] ? Double.compare(score[y], score[x]) : Integer.compare(x, y));
        for (int rank = 0; rank < w.nAcc; rank++) {
            final int a = order[rank];
            w.accTier[a] = rank < Math.round(w.nAcc * 0.10) ? TIER_S : (rank < Math.round(w.nAcc * 0.35) ? TIER_A : TIER_B);
        }
        w.accWeightCum = new double[w.nAcc];
        double cum = 0;
        final int[] load = new int[w.nEmp];
        for (int a = 0; a < w.nAcc; a++) {
            final int tier = w.accTier[a];
            final long annualCny = switch (tier) {
                case TIER_S -> Rand.betweenLong(r, 1_500_000, 6_000_000);
                case TIER_A -> Rand.betweenLong(r, 400_000, 1_500_000);
                default -> Rand.betweenLong(r, 60_000, 400_000);
            } * 100L;
            w.accBaseAnnual[a] = w.accUsd[a] ? Rand.roundTo(annualCny / USD_CNY, 10_000) : Rand.roundTo(annualCny, 100_000);
            // owner: an employed AM of a key-account team in the region (S accounts avoid new hires), the less loaded of two
            // drawn, as sales operations spread a region's accounts over its account managers
            final int[] pool = w.ownersByRegion[w.accRegion[a]].length > 0 ? w.ownersByRegion[w.accRegion[a]] : w.allOwners;
            final int owner = lessLoadedOfTwo(w, r, pool, tier, load);
            load[owner] += tier == TIER_S ? 4 : tier == TIER_A ? 2 : 1;
            w.accOwner[a] = owner;
            w.accRenew[a] = (tier == TIER_S ? 0.92 : tier == TIER_A ? 0.87 : 0.81)
                    - (w.teamPoor[w.empTeam[owner]] ? 0.06 : 0) - (w.accPayer[a] == 2 ? 0.05 : 0);
            final int from = Math.max(w.accCreated[a], w.h0);
            w.accUpdated[a] = (from + r.nextInt(Math.max(1, w.h1 - from + 1))) * Fmt.DAY_SECONDS + Rand.between(r, 8 * 3600, 20 * 3600);
            cum += tier == TIER_S ? 4.0 : tier == TIER_A ? 2.0 : 1.0;
            w.accWeightCum[a] = cum;
        }
    }

    /** Of two account managers drawn from the pool, the one whose book weighs less (an S account 4, A 2, B 1). */
    private static int lessLoadedOfTwo(final World w, final SplittableRandom r, final int[] pool, final int tier, final int[] load) {
        int best = -1;
        for (int pick = 0; pick < 2; pick++) {
            int c = pool[r.nextInt(pool.length)];
            for (int tries = 0; tier == TIER_S && w.h1 - w.empHire[c] < 180 && tries < 4; tries++) {
                c = pool[r.nextInt(pool.length)];
            }
            if (best < 0 || load[c] < load[best]) {
                best = c;
            }
        }
        return best;
    }

    private static void buildContacts(final World w) {
        w.contactStart = new int[w.nAcc + 1];
        final int[] counts = new int[w.nAcc];
        final SplittableRandom r = Rand.rng(w.seed, Rand.tag("contact-counts"));
        for (int a = 0; a < w.nAcc; a++) {
            counts[a] = switch (w.accTier[a]) {
                case TIER_S -> Rand.between(r, 8, 14);
                case TIER_A -> Rand.between(r, 5, 8);
                default -> Rand.between(r, 3, 6);
            };
            w.contactStart[a + 1] = w.contactStart[a] + counts[a];
        }
        w.nContacts = w.contactStart[w.nAcc];
        w.contactCreated = new int[w.nContacts];
        for (int a = 0; a < w.nAcc; a++) {
            final SplittableRandom cr = Rand.rng(w.seed, Rand.tag("contact-dates"), a);
            final int n = counts[a];
            final int early = (int) Math.ceil(n * 0.6);
            final int[] days = new int[n];
            for (int i = 0; i < n; i++) {
                if (i < early) {
                    days[i] = w.accCreated[a] + Rand.between(cr, 0, 30);
                } else {
                    final int lo = Math.max(w.accCreated[a] + 30, w.h0 - 365);
                    days[i] = lo >= w.h1 ? Math.min(w.accCreated[a] + 1, w.h1) : Rand.between(cr, lo, w.h1);
                }
                days[i] = Math.min(days[i], w.h1);
            }
            Arrays.sort(days);
            System.arraycopy(days, 0, w.contactCreated, w.contactStart[a], n);
        }
    }
}
