package io.kamwarehouse.generate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The in-memory skeleton of the generated company and its customers: teams, employees, accounts,
 * contact dates, products and, from a pre-pass over every account's commercial plan, the id ranges
 * and dates of opportunities, contracts and invoices. Only parent entities are held here; child rows
 * are produced on the fly by the writers (see {@link AccountPlan} and {@link DailyEvents}).
 */
final class World {

    static final int NONE = Integer.MAX_VALUE;

    static final int AM = 0;
    static final int SC = 1;
    static final int PM = 2;
    static final int CS = 3;
    static final int BO = 4;
    static final String[] ROLE_EN = {"account_manager", "solution_consultant", "project_manager", "customer_success", "back_office"};
    static final String[] ROLE_CN = {"客户经理", "解决方案顾问", "项目经理", "客户成功", "后台支持"};

    static final int T_REGION = 0;
    static final int T_KA = 1;
    static final int T_SOL = 2;
    static final int T_DEL = 3;
    static final int T_CS = 4;
    static final String[] TEAM_TYPE = {"region", "key_account", "solution", "delivery", "customer_success"};
    private static final int[] SUB_TEAM_PATTERN = {T_KA, T_KA, T_SOL, T_KA, T_DEL, T_KA, T_CS, T_KA, T_KA, T_SOL, T_KA, T_DEL, T_CS};

    /** Role sequences for members after the lead, per team kind (good KA, poor KA, SOL, DEL, CS). */
    private static final int[] SEQ_KA_GOOD = {SC, PM, AM, CS, SC, BO, AM, PM, CS, SC, AM, PM, BO, CS, AM, SC, PM, AM, CS, BO};
    private static final int[] SEQ_KA_POOR = {AM, AM, SC, AM, AM, BO, AM, AM, AM, SC};
    private static final int[] SEQ_SOL = {SC, SC, AM, SC, PM, SC, BO, SC};
    private static final int[] SEQ_DEL = {PM, PM, SC, PM, CS, PM, BO, PM};
    private static final int[] SEQ_CS = {CS, CS, AM, CS, PM, CS, BO, CS};

    static final int TIER_S = 0;
    static final int TIER_A = 1;
    static final int TIER_B = 2;
    static final String[] TIER_CODE = {"S", "A", "B"};
    static final String[] TIER_CN = {"战略", "重点", "普通"};

    /** Scale-1 volumes. */
    static final double ACCOUNTS_AT_1 = 300;
    static final double EMPLOYEES_AT_1 = 100;
    static final double ACTIVITIES_PER_YEAR_AT_1 = 43_000;
    static final double TICKETS_PER_ACCOUNT_YEAR = 3.4;
    static final double NPS_PER_ACCOUNT_YEAR = 1.75;
    static final double USD_CNY = 7.2;

    final GeneratorOptions options;
    final long seed;
    final double scale;
    final int h0;
    final int h1;
    final long h1EndSec;

    // --- teams
    final int nRegions;
    int nTeams;
    String[] teamId;
    String[] teamName;
    int[] teamParent;
    int[] teamType;
    int[] teamRegion;
    int[] teamManager;
    int[] teamCreated;
    long[] teamUpdated;
    boolean[] teamPoor;

    // --- employees
    int nEmp;
    String[] empId;
    String[] empName;
    String[] empEmail;
    int[] empRole;
    int[] empTeam;
    int[] empManager;
    int[] empHire;
    int[] empTerm;
    boolean[] empLead;
    long[] empUpdated;
    double[] empPerf;
    int[][] byRole;
    int[][][] byRegionRole;
    int[][][] byTeamRole;
    /** Account managers in key-account teams of a region who are still employed at history end. */
    int[][] ownersByRegion;
    int[] allOwners;

    // --- accounts
    int nAcc;
    String[] accId;
    String[] accName;
    String[] accShort;
    String[] accIndustry;
    String[] accCity;
    int[] accRegion;
    int[] accTier;
    int[] accOwner;
    int[] accCreated;
    long[] accUpdated;
    long[] accRevenueWanCents;
    int[] accEmployees;
    boolean[] accUsd;
    boolean[] accEnglish;
    long[] accBaseAnnual;
    double[] accRenew;
    double[] accCostRatio;
    int[] accPayer;
    int[] accBilling;
    int[] accTerms;
    double[] accWeightCum;

    // --- contacts
    int nContacts;
    int[] contactStart;
    int[] contactCreated;

    // --- plan-derived
    int[] accChurn;
    int[] accCustomerFrom;
    int[] oppStart;
    int[] contractStart;
    int[] invoiceStart;
    int nOpp;
    int[] oppCreatedDay;
    int[] oppEndDay;
    byte[] oppStageAtH1;
    long totalWonCny;
    long totalRenewalWonCny;
    long totalCollectedCny;
    long wonCount;
    long lostCount;

    World(final GeneratorOptions options) {
        this.options = options;
        this.seed = options.seed();
        this.scale = options.scale();
        this.h1 = (int) options.historyEnd().toEpochDay();
        this.h0 = (int) options.historyStart().toEpochDay();
        this.h1EndSec = (h1 + 1L) * Fmt.DAY_SECONDS - 1;
        this.nRegions = Math.max(1, Math.min(Names.REGIONS.length, (int) Math.round(4 * scale)));
        buildTeamsAndEmployees();
        buildAccounts();
        buildContacts();
        prePass();
    }

    // ------------------------------------------------------------------ helpers

    boolean active(final int emp, final int day) {
        return empHire[emp] <= day && day <= empTerm[emp];
    }

    /** A random employee of the pool active on the day, or -1 after a few misses. */
    int pickActive(final SplittableRandom r, final int[] pool, final int day) {
        if (pool == null || pool.length == 0) {
            return -1;
        }
        for (int i = 0; i < 6; i++) {
            final int e = pool[r.nextInt(pool.length)];
            if (active(e, day)) {
                return e;
            }
        }
        for (final int e : pool) {
            if (active(e, day)) {
                return e;
            }
        }
        return -1;
    }

    /** An employee of the role near the account (owner's team, then region, then anyone), active on the day. */
    int pickNear(final SplittableRandom r, final int account, final int role, final int day) {
        final int owner = accOwner[account];
        int e = pickActive(r, byTeamRole[empTeam[owner]][role], day);
        if (e < 0) {
            e = pickActive(r, byRegionRole[accRegion[account]][role], day);
        }
        if (e < 0) {
            e = pickActive(r, byRole[role], day);
        }
        return e;
    }

    /** The owner of an opportunity created on the day: the account owner when employed then, else a regional AM. */
    int opportunityOwner(final SplittableRandom r, final int account, final int day) {
        final int owner = accOwner[account];
        if (active(owner, day) && r.nextDouble() < 0.92) {
            return owner;
        }
        int e = pickActive(r, byRegionRole[accRegion[account]][AM], day);
        if (e < 0) {
            e = pickActive(r, byRole[AM], day);
        }
        return e < 0 ? owner : e;
    }

    int sampleAccount(final SplittableRandom r) {
        final double x = r.nextDouble() * accWeightCum[nAcc - 1];
        int lo = 0;
        int hi = nAcc - 1;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (accWeightCum[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** True when the account is a paying customer (or just churned, within {@code graceDays}) on the day. */
    boolean customerOn(final int a, final int day, final int graceDays) {
        return accCustomerFrom[a] <= day && (accChurn[a] == NONE || day <= accChurn[a] + graceDays);
    }

    static String employeeId(final long index) {
        return "E" + (100_000L + index + 1);
    }

    static String accountId(final long index) {
        return "KA-" + Fmt.pad(index + 1, 6);
    }

    static String contactId(final long index) {
        return "CT-" + Fmt.pad(index + 1, 7);
    }

    static String productId(final long index) {
        return Fmt.salesforceId("01t", index + 1);
    }

    static String opportunityId(final long index) {
        return Fmt.salesforceId("006", index + 1);
    }

    static String contractId(final long index) {
        return "HT-" + Fmt.pad(index + 1, 7);
    }

    static String invoiceId(final long index) {
        return "INV-" + Fmt.pad(index + 1, 8);
    }

    static String paymentId(final long invoiceIndex, final int number) {
        return "PAY-" + Fmt.pad(invoiceIndex + 1, 8) + "-" + number;
    }

    /** Fresh ids for defective extra rows: never referenced, never reused across drops. */
    static long freshNumber(final int dropOrdinal, final int k) {
        return 90_000_000L + dropOrdinal * 100_000L + k;
    }

    /** Ids that exist nowhere (for unknown_reference defects). */
    static long unknownNumber(final int k) {
        return 80_000_000L + k;
    }

    static int plusMonths(final int day, final int months) {
        return (int) LocalDate.ofEpochDay(day).plusMonths(months).toEpochDay();
    }

    static int monthStart(final int day) {
        return (int) LocalDate.ofEpochDay(day).withDayOfMonth(1).toEpochDay();
    }

    static int quarterStart(final int day) {
        final LocalDate d = LocalDate.ofEpochDay(day);
        return (int) LocalDate.of(d.getYear(), ((d.getMonthValue() - 1) / 3) * 3 + 1, 1).toEpochDay();
    }

    static String quarterLabel(final int quarterStartDay) {
        final LocalDate d = LocalDate.ofEpochDay(quarterStartDay);
        return d.getYear() + "-Q" + ((d.getMonthValue() - 1) / 3 + 1);
    }

    static boolean weekend(final int day) {
        final int dow = (int) Math.floorMod(day + 3L, 7L); // 0 = Monday (1970-01-01 was a Thursday)
        return dow >= 5;
    }

    static double weekdayFactor(final int day) {
        final int dow = (int) Math.floorMod(day + 3L, 7L);
        return dow < 5 ? 1.3 : (dow == 5 ? 0.15 : 0.1);
    }

    long toCny(final long cents, final boolean usd) {
        return usd ? Math.round(cents * USD_CNY) : cents;
    }

    // ------------------------------------------------------------------ teams & employees

    private void buildTeamsAndEmployees() {
        final SplittableRandom r = Rand.rng(seed, Rand.tag("org"));
        final int nSub = Math.max(1, (int) Math.round(13 * scale));
        nTeams = nRegions + nSub;
        nEmp = Math.max(nRegions + 2 * nSub, (int) Math.round(EMPLOYEES_AT_1 * scale));
        teamId = new String[nTeams];
        teamName = new String[nTeams];
        teamParent = new int[nTeams];
        teamType = new int[nTeams];
        teamRegion = new int[nTeams];
        teamManager = new int[nTeams];
        teamCreated = new int[nTeams];
        teamUpdated = new long[nTeams];
        teamPoor = new boolean[nTeams];

        final int[][] typeCount = new int[nRegions][5];
        int kaOrdinal = 0;
        for (int t = 0; t < nTeams; t++) {
            teamId[t] = "TM-" + Fmt.pad(t + 1, 3);
            if (t < nRegions) {
                teamType[t] = T_REGION;
                teamRegion[t] = t;
                teamParent[t] = -1;
                teamName[t] = Names.REGIONS[t] + "大区";
            } else {
                final int j = t - nRegions;
                teamType[t] = SUB_TEAM_PATTERN[j % SUB_TEAM_PATTERN.length];
                teamRegion[t] = j % nRegions;
                teamParent[t] = teamRegion[t];
                if (teamType[t] == T_KA) {
                    teamPoor[t] = kaOrdinal % 3 == 1;
                    kaOrdinal++;
                }
                final int n = ++typeCount[teamRegion[t]][teamType[t]];
                final String base = switch (teamType[t]) {
                    case T_KA -> "大客户" + n + "部";
                    case T_SOL -> "解决方案" + n + "组";
                    case T_DEL -> "交付" + n + "中心";
                    default -> "客户成功" + n + "部";
                };
                teamName[t] = Names.REGIONS[teamRegion[t]] + base;
            }
        }

        // team sizes: region teams hold only the region head; sub-teams at least two people
        final int[] size = new int[nTeams];
        final double[] weight = new double[nTeams];
        double totalWeight = 0;
        for (int t = nRegions; t < nTeams; t++) {
            size[t] = 2;
            weight[t] = teamType[t] == T_KA ? (teamPoor[t] ? 1.0 : 1.35) : 0.75;
            totalWeight += weight[t];
        }
        for (int t = 0; t < nRegions; t++) {
            size[t] = 1;
        }
        final int extra = nEmp - nRegions - 2 * nSub;
        final double[] frac = new double[nTeams];
        int assigned = 0;
        for (int t = nRegions; t < nTeams; t++) {
            final double q = extra * weight[t] / totalWeight;
            size[t] += (int) Math.floor(q);
            assigned += (int) Math.floor(q);
            frac[t] = q - Math.floor(q);
        }
        final Integer[] order = new Integer[nTeams - nRegions];
        for (int i = 0; i < order.length; i++) {
            order[i] = nRegions + i;
        }
        Arrays.sort(order, (x, y) -> frac[x] != frac[y] ? Double.compare(frac[y], frac[x]) : Integer.compare(x, y));
        for (int i = 0; assigned < extra; i = (i + 1) % order.length) {
            size[order[i]]++;
            assigned++;
        }

        empId = new String[nEmp];
        empName = new String[nEmp];
        empEmail = new String[nEmp];
        empRole = new int[nEmp];
        empTeam = new int[nEmp];
        empManager = new int[nEmp];
        empHire = new int[nEmp];
        empTerm = new int[nEmp];
        empLead = new boolean[nEmp];
        empUpdated = new long[nEmp];
        empPerf = new double[nEmp];
        final Set<String> emails = new HashSet<>();
        final int historyDays = h1 - h0 + 1;
        int e = 0;
        for (int t = 0; t < nTeams; t++) {
            final int lead = e;
            final int[] seq = switch (teamType[t]) {
                case T_KA -> teamPoor[t] ? SEQ_KA_POOR : SEQ_KA_GOOD;
                case T_SOL -> SEQ_SOL;
                case T_DEL -> SEQ_DEL;
                case T_CS -> SEQ_CS;
                default -> SEQ_KA_GOOD;
            };
            final int offset = teamType[t] == T_KA ? 0 : r.nextInt(seq.length);
            for (int m = 0; m < size[t]; m++, e++) {
                empId[e] = employeeId(e);
                empTeam[e] = t;
                final StringBuilder handle = new StringBuilder();
                empName[e] = r.nextDouble() < 0.15 ? Names.englishName(r, handle) : Names.chineseName(r, handle);
                String email = handle + "@kamcorp.com.cn";
                for (int n = 2; !emails.add(email); n++) {
                    email = handle.toString() + n + "@kamcorp.com.cn";
                }
                empEmail[e] = email;
                empTerm[e] = NONE;
                if (m == 0) {
                    empLead[e] = true;
                    empRole[e] = switch (teamType[t]) {
                        case T_SOL -> SC;
                        case T_DEL -> PM;
                        case T_CS -> CS;
                        default -> AM;
                    };
                    empHire[e] = h0 - Rand.between(r, 200, 2600);
                    empManager[e] = teamType[t] == T_REGION ? -1 : teamRegion[t];
                } else {
                    empRole[e] = seq[(offset + m - 1) % seq.length];
                    final double u = r.nextDouble();
                    final int tenure;
                    if (u < 0.12) {
                        tenure = Rand.between(r, 15, 175);
                    } else if (u < 0.30) {
                        tenure = Rand.between(r, 185, 540);
                    } else {
                        tenure = Rand.between(r, 550, 3000);
                    }
                    empHire[e] = h1 - tenure;
                    if (tenure > 240 && r.nextDouble() < 0.08) {
                        empTerm[e] = Rand.between(r, empHire[e] + 120, h1 - 15);
                    }
                    empManager[e] = lead;
                }
                empPerf[e] = Rand.uniform(r, 0.6, 1.4) * (teamPoor[t] ? 0.9 : 1.0);
                final int updDay = Math.max(empHire[e], h0) + r.nextInt(Math.max(1, Math.min(historyDays, h1 - Math.max(empHire[e], h0) + 1)));
                empUpdated[e] = updDay * Fmt.DAY_SECONDS + Rand.between(r, 8 * 3600, 19 * 3600);
            }
            teamManager[t] = lead;
        }
        // region heads are the first employees (teams 0..nRegions-1 have one member each, in order)
        for (int t = 0; t < nTeams; t++) {
            int earliest = NONE;
            for (int x = 0; x < nEmp; x++) {
                if (empTeam[x] == t || (teamType[t] == T_REGION && teamRegion[empTeam[x]] == t)) {
                    earliest = Math.min(earliest, empHire[x]);
                }
            }
            teamCreated[t] = earliest - Rand.between(r, 0, 60);
            teamUpdated[t] = (teamCreated[t] + Rand.between(r, 30, Math.max(31, h1 - teamCreated[t]))) * Fmt.DAY_SECONDS
                    + Rand.between(r, 8 * 3600, 19 * 3600);
            if (teamUpdated[t] > h1EndSec) {
                teamUpdated[t] = h1 * Fmt.DAY_SECONDS + 10 * 3600;
            }
        }

        // pools
        final List<List<Integer>> roleLists = lists(5);
        final List<List<List<Integer>>> regionRole = new ArrayList<>();
        for (int g = 0; g < nRegions; g++) {
            regionRole.add(lists(5));
        }
        final List<List<List<Integer>>> teamRole = new ArrayList<>();
        for (int t = 0; t < nTeams; t++) {
            teamRole.add(lists(5));
        }
        final List<List<Integer>> owners = lists(nRegions);
        final List<Integer> all = new ArrayList<>();
        for (int x = 0; x < nEmp; x++) {
            roleLists.get(empRole[x]).add(x);
            regionRole.get(teamRegion[empTeam[x]]).get(empRole[x]).add(x);
            teamRole.get(empTeam[x]).get(empRole[x]).add(x);
            if (empRole[x] == AM && empTerm[x] == NONE && teamType[empTeam[x]] == T_KA) {
                owners.get(teamRegion[empTeam[x]]).add(x);
                all.add(x);
            }
        }
        byRole = toArrays(roleLists);
        byRegionRole = new int[nRegions][][];
        for (int g = 0; g < nRegions; g++) {
            byRegionRole[g] = toArrays(regionRole.get(g));
        }
        byTeamRole = new int[nTeams][][];
        for (int t = 0; t < nTeams; t++) {
            byTeamRole[t] = toArrays(teamRole.get(t));
        }
        ownersByRegion = toArrays(owners);
        allOwners = all.stream().mapToInt(Integer::intValue).toArray();
        if (allOwners.length == 0) {
            allOwners = new int[] {0};
        }
    }

    private static List<List<Integer>> lists(final int n) {
        final List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    private static int[][] toArrays(final List<List<Integer>> lists) {
        final int[][] out = new int[lists.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = lists.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    // ------------------------------------------------------------------ accounts

    private void buildAccounts() {
        final SplittableRandom r = Rand.rng(seed, Rand.tag("accounts"));
        nAcc = Math.max(10, (int) Math.round(ACCOUNTS_AT_1 * scale));
        accId = new String[nAcc];
        accName = new String[nAcc];
        accShort = new String[nAcc];
        accIndustry = new String[nAcc];
        accCity = new String[nAcc];
        accRegion = new int[nAcc];
        accTier = new int[nAcc];
        accOwner = new int[nAcc];
        accCreated = new int[nAcc];
        accUpdated = new long[nAcc];
        accRevenueWanCents = new long[nAcc];
        accEmployees = new int[nAcc];
        accUsd = new boolean[nAcc];
        accEnglish = new boolean[nAcc];
        accBaseAnnual = new long[nAcc];
        accRenew = new double[nAcc];
        accCostRatio = new double[nAcc];
        accPayer = new int[nAcc];
        accBilling = new int[nAcc];
        accTerms = new int[nAcc];
        final double[] regionWeights = Arrays.copyOf(Names.REGION_WEIGHTS, nRegions);
        final Set<String> names = new HashSet<>();
        final double[] score = new double[nAcc];
        for (int a = 0; a < nAcc; a++) {
            accId[a] = accountId(a);
            final int region = Rand.weighted(r, regionWeights);
            accRegion[a] = region;
            final int cityIdx = r.nextInt(Names.CITIES[region].length);
            accCity[a] = Names.CITIES[region][cityIdx];
            final int ind = Rand.weighted(r, Names.INDUSTRY_WEIGHTS);
            accIndustry[a] = Names.INDUSTRIES[ind];
            accEnglish[a] = r.nextDouble() < 0.18;
            String name;
            if (accEnglish[a]) {
                final String prefix = Rand.pick(r, Names.PREFIX_EN);
                final String core = Rand.pick(r, Names.CORE_EN[ind]);
                accShort[a] = prefix + " " + core;
                final String suffix = Rand.pick(r, Names.SUFFIX_EN);
                name = suffix.startsWith("(") && r.nextDouble() < 0.5
                        ? accShort[a] + " (" + Names.CITIES_EN[region][cityIdx] + ") Co., Ltd."
                        : accShort[a] + " " + suffix;
            } else {
                final String prefix = Rand.pick(r, Names.PREFIX_CN);
                final String core = Rand.pick(r, Names.CORE_CN[ind]);
                accShort[a] = prefix + core;
                final double u = r.nextDouble();
                final String place = u < 0.45 ? accCity[a] : (u < 0.55 ? Names.REGIONS[region] : "");
                final String core2 = ind == 0 && r.nextDouble() < 0.5 ? core + "制造" : core;
                name = place + prefix + core2 + Rand.pick(r, Names.SUFFIX_CN);
            }
            if (!names.add(name)) {
                final String branch = accEnglish[a] ? name + " - " + Names.CITIES_EN[region][cityIdx] + " Branch"
                        : name + "（" + accCity[a] + "分公司）";
                name = branch;
                for (int n = 2; !names.add(name); n++) {
                    name = branch + " " + n;
                }
            }
            accName[a] = name;
            accUsd[a] = r.nextDouble() < (accEnglish[a] ? 0.6 : 0.03);
            final double revenueWan = Math.exp(Math.log(30_000) + 1.3 * Rand.gaussian(r));
            accRevenueWanCents[a] = Math.max(50_000L, Math.round(revenueWan * 100));
            accEmployees[a] = (int) Math.max(20, Math.round(revenueWan / 100 * Rand.uniform(r, 0.5, 2.0)));
            score[a] = Math.log(revenueWan) + 0.5 * Rand.gaussian(r);
            accCreated[a] = r.nextDouble() < 0.7
                    ? Rand.between(r, h0 - 365 * 8, h0 - 181)
                    : Rand.between(r, h0 - 180, h1 - 20);
            accPayer[a] = Rand.weighted(r, new double[] {0.65, 0.25, 0.10});
            accBilling[a] = Rand.weighted(r, new double[] {0.40, 0.15, 0.45});
            accTerms[a] = new int[] {30, 60, 90}[Rand.weighted(r, new double[] {0.5, 0.35, 0.15})];
            accCostRatio[a] = r.nextDouble() < 0.08 ? Rand.uniform(r, 1.03, 1.25) : Rand.uniform(r, 0.42, 0.78);
        }
        // tiers by revenue score rank: top 10% S, next 25% A, rest B
        final Integer[] order = new Integer[nAcc];
        for (int a = 0; a < nAcc; a++) {
            order[a] = a;
        }
        Arrays.sort(order, (x, y) -> score[x] != score[y] ? Double.compare(score[y], score[x]) : Integer.compare(x, y));
        for (int rank = 0; rank < nAcc; rank++) {
            final int a = order[rank];
            accTier[a] = rank < Math.round(nAcc * 0.10) ? TIER_S : (rank < Math.round(nAcc * 0.35) ? TIER_A : TIER_B);
        }
        accWeightCum = new double[nAcc];
        double cum = 0;
        for (int a = 0; a < nAcc; a++) {
            final int tier = accTier[a];
            final long annualCny = switch (tier) {
                case TIER_S -> Rand.betweenLong(r, 1_500_000, 6_000_000);
                case TIER_A -> Rand.betweenLong(r, 400_000, 1_500_000);
                default -> Rand.betweenLong(r, 60_000, 400_000);
            } * 100L;
            accBaseAnnual[a] = accUsd[a] ? Rand.roundTo(annualCny / USD_CNY, 10_000) : Rand.roundTo(annualCny, 100_000);
            // owner: an employed AM of a key-account team in the region (S accounts avoid new hires)
            final int[] pool = ownersByRegion[accRegion[a]].length > 0 ? ownersByRegion[accRegion[a]] : allOwners;
            int owner = pool[r.nextInt(pool.length)];
            for (int tries = 0; tier == TIER_S && h1 - empHire[owner] < 180 && tries < 4; tries++) {
                owner = pool[r.nextInt(pool.length)];
            }
            accOwner[a] = owner;
            accRenew[a] = (tier == TIER_S ? 0.92 : tier == TIER_A ? 0.87 : 0.81)
                    - (teamPoor[empTeam[owner]] ? 0.06 : 0) - (accPayer[a] == 2 ? 0.05 : 0);
            final int from = Math.max(accCreated[a], h0);
            accUpdated[a] = (from + r.nextInt(Math.max(1, h1 - from + 1))) * Fmt.DAY_SECONDS + Rand.between(r, 8 * 3600, 20 * 3600);
            cum += tier == TIER_S ? 4.0 : tier == TIER_A ? 2.0 : 1.0;
            accWeightCum[a] = cum;
        }
    }

    // ------------------------------------------------------------------ contacts

    private void buildContacts() {
        contactStart = new int[nAcc + 1];
        final int[] counts = new int[nAcc];
        final SplittableRandom r = Rand.rng(seed, Rand.tag("contact-counts"));
        for (int a = 0; a < nAcc; a++) {
            counts[a] = switch (accTier[a]) {
                case TIER_S -> Rand.between(r, 8, 14);
                case TIER_A -> Rand.between(r, 5, 8);
                default -> Rand.between(r, 3, 6);
            };
            contactStart[a + 1] = contactStart[a] + counts[a];
        }
        nContacts = contactStart[nAcc];
        contactCreated = new int[nContacts];
        for (int a = 0; a < nAcc; a++) {
            final SplittableRandom cr = Rand.rng(seed, Rand.tag("contact-dates"), a);
            final int n = counts[a];
            final int early = (int) Math.ceil(n * 0.6);
            final int[] days = new int[n];
            for (int i = 0; i < n; i++) {
                if (i < early) {
                    days[i] = accCreated[a] + Rand.between(cr, 0, 30);
                } else {
                    final int lo = Math.max(accCreated[a] + 30, h0 - 365);
                    days[i] = lo >= h1 ? Math.min(accCreated[a] + 1, h1) : Rand.between(cr, lo, h1);
                }
                days[i] = Math.min(days[i], h1);
            }
            Arrays.sort(days);
            System.arraycopy(days, 0, contactCreated, contactStart[a], n);
        }
    }

    // ------------------------------------------------------------------ pre-pass

    private void prePass() {
        accChurn = new int[nAcc];
        accCustomerFrom = new int[nAcc];
        oppStart = new int[nAcc + 1];
        contractStart = new int[nAcc + 1];
        invoiceStart = new int[nAcc + 1];
        int[] created = new int[Math.max(16, nAcc * 12)];
        int[] end = new int[created.length];
        byte[] stage = new byte[created.length];
        int n = 0;
        for (int a = 0; a < nAcc; a++) {
            final AccountPlan plan = AccountPlan.build(this, a);
            accChurn[a] = plan.churnDay;
            accCustomerFrom[a] = plan.customerFrom;
            oppStart[a + 1] = oppStart[a] + plan.opps.size();
            contractStart[a + 1] = contractStart[a] + plan.contracts.size();
            invoiceStart[a + 1] = invoiceStart[a] + plan.invoices.size();
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
                if (o.closedAtH1() && Fmt.day(o.closeSec) >= h0) {
                    if (o.won) {
                        wonCount++;
                        final long cny = toCny(o.amount, accUsd[a]);
                        totalWonCny += cny;
                        if (o.type == AccountPlan.RENEWAL) {
                            totalRenewalWonCny += cny;
                        }
                    } else {
                        lostCount++;
                    }
                }
            }
            for (final AccountPlan.Invoice inv : plan.invoices) {
                for (final AccountPlan.Payment p : inv.payments) {
                    if (p.day >= h0) {
                        totalCollectedCny += toCny(p.amount, accUsd[a]);
                    }
                }
            }
        }
        nOpp = n;
        oppCreatedDay = Arrays.copyOf(created, n);
        oppEndDay = Arrays.copyOf(end, n);
        oppStageAtH1 = Arrays.copyOf(stage, n);
    }

    /** Account of a global opportunity index. */
    int accountOfOpportunity(final int g) {
        int lo = 0;
        int hi = nAcc - 1;
        while (lo < hi) {
            final int mid = (lo + hi + 1) >>> 1;
            if (oppStart[mid] <= g) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    int activeMonths() {
        return (int) Math.max(1, Math.round((h1 - h0 + 1) / 30.44));
    }
}
