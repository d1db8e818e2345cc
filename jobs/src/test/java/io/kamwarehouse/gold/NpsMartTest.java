package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * fct_survey_response and mart_nps over a hand-made quarter: nine responses from four contacts of
 * two accounts whose tier and owner change, and an owner who moves team. NPS, shares, margin of
 * error and the too-few flag are recomputed here from the scores, not read back from SQL.
 */
class NpsMartTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static TableSpecCatalog specs;
    private static final Map<String, Row> FACT = new TreeMap<>();
    /** The vars most tests read the mart with: every response counts, fewer than 4 is too few. */
    private static final Map<String, String> AT_LEAST_FOUR = Map.of("nps_min_responses", "4");

    @BeforeAll
    static void buildOverFixtures() {
        ctx = SharedSpark.context(dir);
        specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        NpsFixture.write(ctx, "nps", "stg_survey__nps_responses", "response_id STRING, account_id STRING, contact_id STRING, "
                + "survey_date DATE, nps_score INT, csat_score INT, comment STRING, channel STRING");
        NpsFixture.write(ctx, "nps", "dim_account", "account_key BIGINT, account_id STRING, account_name STRING, "
                + "owner_employee_id STRING, tier STRING, valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN");
        NpsFixture.write(ctx, "nps", "dim_employee", "employee_key BIGINT, employee_id STRING, employee_name STRING, "
                + "team_id STRING, valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN");
        NpsFixture.write(ctx, "dim_date", ctx.warehouse().spark().sql("SELECT CAST(date_format(d, 'yyyyMMdd') AS INT) AS date_key, "
                + "d AS date, trunc(d, 'MM') AS month_start FROM (SELECT explode(sequence(DATE'2025-12-01', DATE'2026-04-30')) AS d)"));
        build(AT_LEAST_FOUR, "fct_survey_response", "mart_nps");
        ctx.warehouse().read("fct_survey_response").collectAsList().forEach(r -> FACT.put(r.getAs("response_id"), r));
    }

    @Test
    void eachResponseIsOneRowLinkedToAccountOwnerTeamAndTierAsAtItsDate() {
        assertEquals(9, FACT.size());
        // response -> account_key, employee_key, team_id, tier, category
        final Map<String, List<Object>> expected = new TreeMap<>();
        expected.put("R1", List.of(101L, 11L, "T1", "S", "promoter"));
        expected.put("R2", List.of(101L, 11L, "T1", "S", "promoter"));
        expected.put("R3", List.of(101L, 11L, "T1", "S", "detractor"));
        // A2's first version starts the day after R4: the response takes the earliest version.
        expected.put("R4", List.of(201L, 21L, "T1", "B", "passive"));
        expected.put("R5", List.of(201L, 21L, "T1", "B", "detractor"));
        // A1 became tier A on 1 Feb, still owned by E1 until 15 Feb.
        expected.put("R9", List.of(102L, 11L, "T1", "A", "promoter"));
        expected.put("R6", List.of(103L, 21L, "T1", "A", "passive"));
        // E2 moved to team T2 on 1 March.
        expected.put("R7", List.of(201L, 22L, "T2", "B", "promoter"));
        expected.put("R8", List.of(103L, 22L, "T2", "A", "detractor"));
        expected.forEach((id, e) -> {
            final Row r = FACT.get(id);
            assertEquals(e, List.of(r.getAs("account_key"), r.getAs("employee_key"), r.getAs("team_id"), r.getAs("tier"),
                    r.getAs("nps_category")), id);
        });
        assertEquals(20260110, (int) FACT.get("R1").getAs("survey_date_key"));
        assertEquals("E2", FACT.get("R6").getAs("owner_employee_id"));
        assertEquals(Integer.valueOf(5), FACT.get("R7").getAs("csat_score"));
        assertEquals("sms", FACT.get("R7").getAs("channel"));
    }

    @Test
    void januaryNpsByHand() {
        build(AT_LEAST_FOUR, "mart_nps");
        // 10, 9, 3, 7: two promoters, one passive, one detractor.
        final Row jan = mart("all", "all", "month", "2026-01-01");
        assertEquals(4L, (long) jan.getAs("responses"));
        assertEquals(List.of(2L, 1L, 1L), List.of(jan.getAs("promoters"), jan.getAs("passives"), jan.getAs("detractors")));
        assertEquals(new BigDecimal("0.5000"), jan.getAs("promoter_share"));
        assertEquals(new BigDecimal("0.2500"), jan.getAs("passive_share"));
        assertEquals(new BigDecimal("0.2500"), jan.getAs("detractor_share"));
        assertEquals(new BigDecimal("25.00"), jan.getAs("nps"));
        // scores +1 +1 -1 0: mean 0.25, variance 0.75 - 0.0625 = 0.6875; 1.96 * sqrt(0.6875 / 4) * 100 = 81.26
        assertEquals(new BigDecimal("81.26"), jan.getAs("nps_margin_of_error"));
        assertFalse(jan.<Boolean>getAs("too_few_responses"));
    }

    @Test
    void everyRowAgreesWithTheScoresOfItsResponses() {
        build(AT_LEAST_FOUR, "mart_nps");
        final Map<String, List<Integer>> scores = new TreeMap<>();
        for (final Row r : FACT.values()) {
            final LocalDate d = r.<Date>getAs("survey_date").toLocalDate();
            final Map<String, String> dims = Map.of("all", "all", "account", r.getAs("account_id"), "owner",
                    r.getAs("owner_employee_id"), "team", r.getAs("team_id"), "tier", r.getAs("tier"));
            final Map<String, LocalDate> periods = Map.of("month", d.withDayOfMonth(1),
                    "quarter", LocalDate.of(d.getYear(), (d.get(IsoFields.QUARTER_OF_YEAR) - 1) * 3 + 1, 1),
                    "year", d.withDayOfYear(1));
            dims.forEach((dim, value) -> periods.forEach((p, start) -> scores
                    .computeIfAbsent(dim + "|" + value + "|" + p + "|" + start, k -> new ArrayList<>()).add(r.getAs("nps_score"))));
        }
        final List<Row> rows = ctx.warehouse().read("mart_nps").collectAsList();
        assertEquals(scores.size(), rows.size(), "one row per dimension value and period with responses");
        for (final Row m : rows) {
            final String key = m.getAs("dimension") + "|" + m.getAs("dimension_value") + "|" + m.getAs("period_type") + "|"
                    + m.getAs("period_start");
            final List<Integer> s = scores.get(key);
            assertNotNull(s, key);
            final Expected e = Expected.of(s);
            assertEquals(s.size(), ((Long) m.getAs("responses")).intValue(), key);
            assertEquals(e.nps, m.getAs("nps"), key);
            assertEquals(e.promoterShare, m.getAs("promoter_share"), key);
            assertEquals(e.detractorShare, m.getAs("detractor_share"), key);
            assertEquals(e.marginOfError, m.getAs("nps_margin_of_error"), key);
            assertEquals(s.size() < 4, m.<Boolean>getAs("too_few_responses"), key);
            assertEquals("all", m.getAs("response_basis"));
        }
    }

    @Test
    void ownerTeamAndTierFollowTheirHistory() {
        build(AT_LEAST_FOUR, "mart_nps");
        assertEquals(new BigDecimal("14.29"), mart("team", "T1", "quarter", "2026-01-01").getAs("nps"), "3 P, 2 Pa, 2 D");
        assertEquals(2L, (long) mart("team", "T2", "quarter", "2026-01-01").getAs("responses"));
        assertEquals(new BigDecimal("50.00"), mart("owner", "E1", "quarter", "2026-01-01").getAs("nps"), "10, 9, 3, 9");
        assertEquals(new BigDecimal("-20.00"), mart("owner", "E2", "quarter", "2026-01-01").getAs("nps"), "7, 6, 8, 10, 0");
        assertEquals(new BigDecimal("33.33"), mart("tier", "S", "quarter", "2026-01-01").getAs("nps"), "10, 9, 3");
        assertEquals(3L, (long) mart("tier", "A", "year", "2026-01-01").getAs("responses"));
        assertEquals(new BigDecimal("11.11"), mart("all", "all", "quarter", "2026-01-01").getAs("nps"), "4 P, 2 Pa, 3 D of 9");
    }

    @Test
    void periodsWithTooFewResponsesAreFlaggedNotHidden() {
        build(AT_LEAST_FOUR, "mart_nps");
        final Row feb = mart("all", "all", "month", "2026-02-01");
        assertEquals(3L, (long) feb.getAs("responses"));
        assertTrue(feb.<Boolean>getAs("too_few_responses"));
        assertEquals(new BigDecimal("0.00"), feb.getAs("nps"), "still computed: 9, 8, 6");
        assertTrue(mart("account", "A2", "month", "2026-03-01").<Boolean>getAs("too_few_responses"));
    }

    @Test
    void firstOrLatestResponsePerCustomerInAPeriod() {
        build(Map.of("nps_min_responses", "4", "nps_response_basis", "first"), "mart_nps");
        // January: C1 first said 10 (later 3), C2 9, C3 7.
        assertEquals(new BigDecimal("66.67"), mart("all", "all", "month", "2026-01-01").getAs("nps"));
        assertEquals(3L, (long) mart("all", "all", "month", "2026-01-01").getAs("responses"));
        // The quarter: C1 10, C2 9, C3 7, C4 9 and A2's contact-less response 10.
        assertEquals(new BigDecimal("80.00"), mart("all", "all", "quarter", "2026-01-01").getAs("nps"));
        assertEquals("first", mart("all", "all", "quarter", "2026-01-01").getAs("response_basis"));
        build(Map.of("nps_min_responses", "4", "nps_response_basis", "latest"), "mart_nps");
        assertEquals(new BigDecimal("0.00"), mart("all", "all", "month", "2026-01-01").getAs("nps"), "C1 3, C2 9, C3 7");
        // The quarter: C1 0, C2 8, C3 6, C4 9, A2 10.
        assertEquals(new BigDecimal("0.00"), mart("all", "all", "quarter", "2026-01-01").getAs("nps"));
        assertEquals(5L, (long) mart("all", "all", "quarter", "2026-01-01").getAs("responses"));
        build(AT_LEAST_FOUR, "mart_nps");
        assertEquals(4L, (long) mart("all", "all", "month", "2026-01-01").getAs("responses"), "back to every response");
    }

    private static Row mart(final String dimension, final String value, final String periodType, final String start) {
        final List<Row> rows = ctx.warehouse().read("mart_nps").where(String.format(
                "dimension = '%s' AND dimension_value = '%s' AND period_type = '%s' AND period_start = DATE'%s'",
                dimension, value, periodType, start)).collectAsList();
        assertEquals(1, rows.size(), dimension + " " + value + " " + periodType + " " + start);
        return rows.get(0);
    }

    /** Builds tables through the pipeline's runner with the given vars set for the run only. */
    private static void build(final Map<String, String> vars, final String... tables) {
        final List<TableSpec> selected = new ArrayList<>();
        for (final String t : tables) {
            selected.add(specs.get(t));
        }
        vars.forEach((k, v) -> ctx.warehouse().spark().conf().set("kamw.var." + k, v));
        try {
            for (final TableRunner.Built b : new TableRunner(ctx).build(selected, JobOptions.INCREMENTAL)) {
                assertTrue(RunRecord.SUCCEEDED.equals(b.status()) || RunRecord.SKIPPED.equals(b.status()),
                        b.table() + ": " + TableRunner.describe(b));
            }
        } finally {
            vars.keySet().forEach(k -> ctx.warehouse().spark().conf().unset("kamw.var." + k));
        }
    }

    /** NPS figures from a list of 0-10 scores, computed the long way. */
    private record Expected(BigDecimal nps, BigDecimal promoterShare, BigDecimal detractorShare, BigDecimal marginOfError) {
        static Expected of(final List<Integer> scores) {
            final int n = scores.size();
            final double[] x = scores.stream().mapToDouble(s -> s >= 9 ? 1 : s >= 7 ? 0 : -1).toArray();
            double mean = 0;
            for (final double v : x) {
                mean += v / n;
            }
            double variance = 0;
            for (final double v : x) {
                variance += (v - mean) * (v - mean) / n;
            }
            final long promoters = scores.stream().filter(s -> s >= 9).count();
            final long detractors = scores.stream().filter(s -> s <= 6).count();
            return new Expected(
                    BigDecimal.valueOf(100 * (promoters - detractors)).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP),
                    BigDecimal.valueOf(promoters).divide(BigDecimal.valueOf(n), 4, RoundingMode.HALF_UP),
                    BigDecimal.valueOf(detractors).divide(BigDecimal.valueOf(n), 4, RoundingMode.HALF_UP),
                    BigDecimal.valueOf(1.96 * Math.sqrt(variance / n) * 100).setScale(2, RoundingMode.HALF_UP));
        }
    }
}
