package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * fct_survey_response and mart_nps built over a hand-made quarter: nine responses from four contacts
 * of two accounts whose tier and owner change, and an owner who moves team. For every row of the
 * mart, NPS, shares, margin of error and the too-few flag are recomputed here from the scores, not
 * read back from SQL. (The hand-worked figures are cases of the two tables' tests.yaml.)
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
