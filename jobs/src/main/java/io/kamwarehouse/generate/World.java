package io.kamwarehouse.generate;

import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * The in-memory skeleton of the generated company and its customers: teams, employees, accounts,
 * contact dates, products and, from a pre-pass over every account's commercial plan, the id ranges
 * and dates of opportunities, contracts and invoices. Only parent entities are held here; child rows
 * are produced on the fly by the writers (see {@link AccountPlan} and {@link DailyEvents}).
 *
 * <p>World holds the arrays and the helpers the writers use; its parts are built, in this order
 * and each from its own random stream, by {@link Organisation}, {@link AccountBook} and
 * {@link DealPrePass}.
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
    // relationship NPS: a few contacts of each account surveyed twice a year, enough responses per team and quarter
    static final double NPS_PER_ACCOUNT_YEAR = 6.0;
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
    /**
     * Won bookings credited to each employee per calendar year of the history (index: the year less
     * the history start's year), in CNY cents: the lead about two thirds of a deal with other
     * members on it (all of it alone), the others the rest in equal shares, as the plans' deal credit
     * does. Sales planning sets each person's bookings target from this book.
     */
    long[][] creditedCny;
    /**
     * Renewal bookings credited to each employee per calendar year (as {@link #creditedCny}): the
     * part of the book sales planning knows by date, since a contract's end is known.
     */
    long[][] renewalCreditedCny;
    /**
     * Renewal deals falling due per employee and month of the history ({@link #monthIndex}), in CNY
     * cents credited as {@link #creditedCny}: every renewal deal that closed in the month, won or lost.
     * Sales planning expects the renewals of a month from the contracts ending then.
     */
    double[][] renewalDueCny;

    /** Every renewal deal due in the history (won or lost), in CNY cents, credited as {@link #renewalDueCny}. */
    double totalRenewalDueCny() {
        double sum = 0;
        for (final double[] months : renewalDueCny) {
            for (final double v : months) {
                sum += v;
            }
        }
        return sum;
    }

    /** The index of {@code day}'s month counted from the history start's month. */
    int monthIndex(final int day) {
        final java.time.LocalDate d = java.time.LocalDate.ofEpochDay(day);
        final java.time.LocalDate s = java.time.LocalDate.ofEpochDay(h0);
        return (d.getYear() - s.getYear()) * 12 + d.getMonthValue() - s.getMonthValue();
    }

    /** The index of {@code day}'s calendar year in {@link #creditedCny}. */
    int yearIndex(final int day) {
        return java.time.LocalDate.ofEpochDay(day).getYear() - java.time.LocalDate.ofEpochDay(h0).getYear();
    }

    World(final GeneratorOptions options) {
        this.options = options;
        this.seed = options.seed();
        this.scale = options.scale();
        this.h1 = (int) options.historyEnd().toEpochDay();
        this.h0 = (int) options.historyStart().toEpochDay();
        this.h1EndSec = (h1 + 1L) * Fmt.DAY_SECONDS - 1;
        this.nRegions = Math.max(1, Math.min(Names.REGIONS.length, (int) Math.round(4 * scale)));
        Organisation.build(this);
        AccountBook.build(this);
        DealPrePass.run(this);
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
