package io.kamwarehouse.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

/** The {@code period:} block of a spec: what it declares, and what it refuses with a message naming the field. */
class PeriodSpecTest {

    private static final String PATH = "tables/gold/test/fct_x/table.yaml";
    private static final String SPEC = """
            name: fct_x
            layer: gold
            description: d
            grain: one row per account_id and month
            keys: [account_id, month]
            inputs: [stg_crm__accounts, stg_crm__activities]
            job: sql
            sql:
              query: SELECT a.account_id, trunc(t.activity_date, 'MM') AS month FROM stg_crm__accounts a JOIN stg_crm__activities t ON t.account_id = a.account_id
            PERIOD
            schedule: daily
            owner: o
            """;

    private static TableSpec parse(final String period) {
        return TableSpecCatalog.parse(PATH, SPEC.replace("PERIOD", period));
    }

    private static String error(final String period) {
        return assertThrows(TableSpecException.class, () -> parse(period)).getMessage();
    }

    @Test
    void aPeriodDeclaresItsColumnGrainAndTheReachOfEachInput() {
        final Period p = parse("""
                period:
                  column: month
                  grain: month
                  reach:
                    stg_crm__activities: activity_date
                    stg_crm__accounts: {date: created_date, until: closed_date, periods_after: 2, onward: false}
                    as_of_date: {onward: true}""").period();
        assertEquals("month", p.column());
        assertEquals(Period.Grain.MONTH, p.grain());
        assertEquals(new Period.Reach("activity_date", null, 0, false), p.reach().get("stg_crm__activities"));
        assertEquals(new Period.Reach("created_date", "closed_date", 2, false), p.reach().get("stg_crm__accounts"));
        assertEquals(new Period.Reach(null, null, 0, true), p.reach().get("as_of_date"));
        assertNull(parse("").period(), "no period: the table is rebuilt whole");
        final Period compared = parse("""
                period:
                  column: month
                  grain: month
                  reach:
                    stg_crm__accounts: {date: created_date, onward: true, compare: {status: "coalesce(status, '') = 'closed'"}}""").period();
        assertEquals(java.util.Map.of("status", "coalesce(status, '') = 'closed'"), compared.reach().get("stg_crm__accounts").compare());
        assertTrue(compared.reach().get("stg_crm__accounts").withOnward().compare().containsKey("status"));
        final Period rolled = parse("""
                period:
                  column: month
                  grain: month
                  reach:
                    stg_crm__activities: {date: activity_date, rollups: [quarter, year]}
                    as_of_date: {rollups: [year]}""").period();
        final Period.Reach activities = rolled.reach().get("stg_crm__activities");
        assertEquals(java.util.List.of(Period.Grain.QUARTER, Period.Grain.YEAR), activities.rollups());
        // a change in February 2026 also reaches the months holding the first quarter's rows and the year's
        assertEquals(java.util.List.of(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 12, 1)),
                activities.rollupPeriods(Period.Grain.MONTH, LocalDate.of(2026, 2, 1)));
        assertEquals(java.util.List.of(Period.Grain.YEAR), rolled.reach().get("as_of_date").rollups());
    }

    @Test
    void aPeriodDeclarationThatCannotBeRightIsRefused() {
        assertTrue(error("period: {column: month, grain: week}").contains("period.grain: 'week' is not one of day, month, quarter, year"));
        assertTrue(error("period: {column: day, grain: day}").contains("period.column: day must be one of the table's keys"));
        assertTrue(error("period: {column: month, grain: month, reach: {stg_finance__costs: cost_month}}")
                .contains("period.reach.stg_finance__costs: 'stg_finance__costs' is not an input of this table"));
        assertTrue(error("period: {column: month, grain: month, reach: {stg_crm__accounts: {until: closed_date}}}")
                .contains("period.reach.stg_crm__accounts: needs date:"));
        assertTrue(error("period: {column: month, grain: month, reach: {stg_crm__activities: \"activity_date +\"}}")
                .contains("period.reach.stg_crm__activities: is not a SQL expression"));
        assertTrue(error("period: {column: month, grain: month, reach: {stg_crm__activities: {date: d, periods_after: -1}}}")
                .contains("periods_after: must be a whole number of periods, 0 or more"));
        assertTrue(error("period: {column: month, grain: month, reach: {as_of_date: {date: d}}}")
                .contains("period.reach.as_of_date: the as-of date's reach is the periods between the old and the new as-of date"));
        assertTrue(error("period: {column: month, grain: month, lookback: 2}").contains("lookback"));
        assertTrue(error("period: {column: month, grain: month, reach: {stg_crm__accounts: {date: created_date, compare: {created_date: "
                + "\"created_date > DATE'2020-01-01'\"}}}}").contains("period.reach.stg_crm__accounts.compare.created_date: names a column "
                + "the reach's date or until reads"));
        assertTrue(error("period: {column: month, grain: month, reach: {stg_crm__accounts: {date: created_date, compare: {status: 3}}}}")
                .contains("period.reach.stg_crm__accounts.compare.status: must be a SQL expression of the column"));
        assertTrue(error("period: {column: month, grain: month, reach: {as_of_date: {compare: {status: x}}}}")
                .contains("period.reach.as_of_date.compare: the as-of date has no columns to compare"));
        assertTrue(error("period: {column: month, grain: month, reach: {stg_crm__activities: {date: d, rollups: [week]}}}")
                .contains("period.reach.stg_crm__activities.rollups: 'week' is not one of month, quarter, year"));
        assertTrue(error("period: {column: month, grain: quarter, reach: {stg_crm__activities: {date: d, rollups: [month]}}}")
                .contains("period.reach.stg_crm__activities.rollups: 'month' is not longer than the table's grain (quarter)"));
    }

    @Test
    void aGrainKnowsItsPeriodsStartsAndSteps() {
        final LocalDate d = LocalDate.of(2026, 8, 17);
        assertEquals(d, Period.Grain.DAY.start(d));
        assertEquals(LocalDate.of(2026, 8, 1), Period.Grain.MONTH.start(d));
        assertEquals(LocalDate.of(2026, 7, 1), Period.Grain.QUARTER.start(d));
        assertEquals(LocalDate.of(2026, 1, 1), Period.Grain.YEAR.start(d));
        assertEquals(LocalDate.of(2027, 1, 1), Period.Grain.QUARTER.plus(LocalDate.of(2026, 7, 1), 2));
        assertEquals("trunc(CAST((activity_date) AS DATE), 'QUARTER')", Period.Grain.QUARTER.truncSql("activity_date"));
    }
}
