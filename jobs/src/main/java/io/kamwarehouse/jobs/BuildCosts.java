package io.kamwarehouse.jobs;

import java.util.Locale;


import io.kamwarehouse.runtime.Warehouse;

/**
 * The cost rule of a table built by period: what its last whole rebuild and its last build by
 * period each cost (the step's wall time, its data checks included), kept beside the table, so a
 * build whose periods cost clearly more than the whole table ({@link #MARGIN}: a query Spark cannot
 * bound by the replaced periods, deciding them from the inputs' change feeds, a {@code replaceWhere}
 * that rewrites most files) rebuilds the whole table instead, without deciding which periods its
 * inputs' changes reach.
 * The result is the same either way; only the cost differs. A build by period is tried again after
 * {@link #RETRY_AFTER} whole rebuilds in a row, so a day that reached unusually far, or a table
 * that has grown since, is measured again. Off with {@code --conf kamw.build.costRule=false}, and
 * while builds by period are verified against a whole rebuild ({@link SqlJob#VERIFY_CONF}).
 */
public final class BuildCosts {

    /** Spark conf: {@code false} turns the cost rule off (every build decides its periods). */
    public static final String CONF = "kamw.build.costRule";
    /** Whole rebuilds in a row after which a build by period is measured again. */
    static final int RETRY_AFTER = 7;
    /**
     * How much dearer than the whole rebuild a build by period must have been for the rule to pick
     * the whole one: a whole rewrite gives each table built by period downstream the whole table's
     * change feed to net, and step times vary by a tenth or two from run to run.
     */
    static final double MARGIN = 1.25;
    /** Its file beside the table ({@link SideFiles}). */
    static final String FILE = "_kamw_costs.json";

    /**
     * What was measured of a table's builds.
     *
     * @param wholeMs      the last whole rebuild's step time, or -1 when none was measured
     * @param periodsMs    the last build by period's step time, or -1 when none was measured
     * @param wholesSince  whole rebuilds since that build by period
     */
    record Costs(long wholeMs, long periodsMs, int wholesSince) {

        static final Costs NONE = new Costs(-1, -1, 0);

        Costs after(final boolean byPeriod, final long ms) {
            return byPeriod ? new Costs(wholeMs, ms, 0) : new Costs(ms, periodsMs, wholesSince + 1);
        }

        /** Why the next build should rebuild the whole table instead of deciding its periods, or null when it should not. */
        String wholeBecause() {
            if (wholeMs < 0 || periodsMs < 0 || periodsMs <= wholeMs * MARGIN || wholesSince >= RETRY_AFTER) {
                return null;
            }
            return String.format(Locale.ROOT, "cost rule: its last build by period took %.1f s, its last whole rebuild %.1f s",
                    periodsMs / 1000.0, wholeMs / 1000.0)
                    + (wholesSince == 0 ? "" : "; by period again after " + (RETRY_AFTER - wholesSince) + " more whole rebuild"
                            + (RETRY_AFTER - wholesSince == 1 ? "" : "s"));
        }
    }

    private BuildCosts() {
    }

    /** Whether the rule applies in this session (on unless turned off or builds by period are verified). */
    static boolean applies(final Warehouse wh) {
        return !"false".equalsIgnoreCase(wh.spark().conf().get(CONF, "true").trim()) && !SqlJob.verifying(wh);
    }

    /** Why the next build of {@code table} should be a whole rebuild by the cost rule, or null. */
    static String wholeBecause(final Warehouse wh, final String table) {
        return applies(wh) ? read(wh, table).wholeBecause() : null;
    }

    /**
     * Records what a successful build of a table built by period cost: {@code byPeriod} when it
     * replaced some periods, else a whole rebuild. A failure to write it only loses a measurement.
     */
    public static void record(final Warehouse wh, final String table, final boolean byPeriod, final long ms) {
        final Costs c = read(wh, table).after(byPeriod, ms);
        final com.fasterxml.jackson.databind.node.ObjectNode o = SideFiles.object();
        o.put("whole_ms", c.wholeMs());
        o.put("periods_ms", c.periodsMs());
        o.put("wholes_since_periods", c.wholesSince());
        SideFiles.write(wh, table, FILE, o);
    }

    /** What was measured of {@code table}'s builds; {@link Costs#NONE} when nothing (or nothing readable) was. */
    static Costs read(final Warehouse wh, final String table) {
        final com.fasterxml.jackson.databind.JsonNode n = SideFiles.read(wh, table, FILE);
        return n == null ? Costs.NONE
                : new Costs(n.path("whole_ms").asLong(-1), n.path("periods_ms").asLong(-1), n.path("wholes_since_periods").asInt(0));
    }
}
