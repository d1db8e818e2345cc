package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.Severity;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.ExternalData;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The sales performance marts over the real Maven Analytics CRM export: the CSVs are ingested
 * through the maven_crm contracts, silver and gold are built by the pipeline's TableRunner, and
 * every agent's, manager's and office's figures equal those this test computes from the raw CSV
 * files with plain Java.
 */
class MavenCrmPerformanceTest {

    private static final List<String> MARTS = List.of("mart_sales_agent_performance", "mart_sales_manager_performance",
            "mart_sales_office_performance", "mart_maven_crm_win_probability_eval", "mart_maven_crm_win_probability_calibration");

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static List<TableRunner.Built> built;
    private static Expected expected;

    /** What the raw files say, per agent / manager / office. */
    private record Expected(Map<String, Figures> agents, Map<String, Figures> managers, Map<String, Figures> offices,
            Figures total) {
    }

    /** Figures of a group of deals, summed in plain Java. */
    private static final class Figures {
        long won;
        long lost;
        long open;
        BigDecimal wonAmount = BigDecimal.ZERO;
        BigDecimal wonList = BigDecimal.ZERO;
        BigDecimal lostList = BigDecimal.ZERO;
        BigDecimal openList = BigDecimal.ZERO;
        long wonDays;
        final Set<String> agents = new HashSet<>();

        void add(final String agent, final String stage, final BigDecimal closeValue, final BigDecimal list,
                final long days) {
            agents.add(agent);
            switch (stage) {
                case "Won" -> {
                    won++;
                    wonAmount = wonAmount.add(closeValue);
                    wonList = wonList.add(list);
                    wonDays += days;
                }
                case "Lost" -> {
                    lost++;
                    lostList = lostList.add(list);
                }
                default -> {
                    open++;
                    openList = openList.add(list);
                }
            }
        }

        BigDecimal winRateByCount() {
            return won + lost == 0 ? null
                    : BigDecimal.valueOf(won).divide(BigDecimal.valueOf(won + lost), 4, RoundingMode.HALF_UP);
        }

        BigDecimal winRateByAmount() {
            final BigDecimal stake = wonList.add(lostList);
            return stake.signum() == 0 ? null : wonList.divide(stake, 4, RoundingMode.HALF_UP);
        }

        BigDecimal avgDaysToCloseWon() {
            return won == 0 ? null : BigDecimal.valueOf(wonDays).divide(BigDecimal.valueOf(won), 2, RoundingMode.HALF_UP);
        }
    }

    @BeforeAll
    static void ingestTheExportAndBuildTheMarts() throws IOException {
        final Path folder = ExternalData.resolve("crm_sales_opportunities");
        expected = computeFromRawFiles(folder);
        ctx = SharedSpark.context(dir);
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        new IngestService(ctx).ingest(landing.fromPath(folder.toString(), "maven_crm", LocalDate.of(2026, 10, 1)))
                .forEach(r -> assertEquals(RunRecord.SUCCEEDED, r.status(), r.entity() + ": " + r.message()));
        built = new TableRunner(ctx).build(upstreamOf(specs, MARTS), JobOptions.INCREMENTAL);
    }

    /** The specs the marts need (themselves included), in the catalog's dependency order. */
    private static List<TableSpec> upstreamOf(final TableSpecCatalog specs, final List<String> tables) {
        final Set<String> needed = new HashSet<>();
        final Deque<String> todo = new ArrayDeque<>(tables);
        while (!todo.isEmpty()) {
            final String t = todo.pop();
            if (specs.contains(t) && needed.add(t)) {
                todo.addAll(specs.get(t).dependencies());
            }
        }
        return specs.all().stream().filter(s -> needed.contains(s.name())).toList();
    }

    private static List<String[]> csv(final Path file) throws IOException {
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).map(l -> l.split(",", -1)).toList();
    }

    private static Expected computeFromRawFiles(final Path folder) throws IOException {
        final Map<String, BigDecimal> listPrice = new HashMap<>();
        for (final String[] p : csv(folder.resolve("products.csv"))) {
            listPrice.put(p[0], new BigDecimal(p[2]));
        }
        final Map<String, String[]> team = new HashMap<>();
        for (final String[] t : csv(folder.resolve("sales_teams.csv"))) {
            team.put(t[0], t);
        }
        final Map<String, Figures> agents = new TreeMap<>();
        final Map<String, Figures> managers = new TreeMap<>();
        final Map<String, Figures> offices = new TreeMap<>();
        final Figures total = new Figures();
        for (final String[] t : team.values()) {
            agents.put(t[0], new Figures());
            managers.put(t[1], new Figures());
            offices.put(t[2], new Figures());
        }
        for (final String[] d : csv(folder.resolve("sales_pipeline.csv"))) {
            final String agent = d[1];
            // The pipeline spells one product "GTXPro"; the product list calls it "GTX Pro".
            final BigDecimal list = listPrice.get("GTXPro".equals(d[2]) ? "GTX Pro" : d[2]);
            final String stage = d[4];
            final BigDecimal closeValue = d[7].isEmpty() ? BigDecimal.ZERO : new BigDecimal(d[7]);
            final long days = d[5].isEmpty() || d[6].isEmpty() ? 0
                    : ChronoUnit.DAYS.between(LocalDate.parse(d[5]), LocalDate.parse(d[6]));
            for (final Figures f : List.of(agents.computeIfAbsent(agent, k -> new Figures()),
                    managers.computeIfAbsent(team.get(agent)[1], k -> new Figures()),
                    offices.computeIfAbsent(team.get(agent)[2], k -> new Figures()), total)) {
                f.add(agent, stage, closeValue, list, days);
            }
        }
        return new Expected(agents, managers, offices, total);
    }

    private static Map<String, Row> rowsBy(final String table, final String key) {
        final Map<String, Row> out = new TreeMap<>();
        for (final Row r : ctx.warehouse().read(table).collectAsList()) {
            out.put(r.getAs(key), r);
        }
        return out;
    }

    private static void assertFigures(final String what, final Figures f, final Row r) {
        assertEquals(f.won, ((Number) r.getAs("won_count")).longValue(), what + " won_count");
        assertEquals(f.lost, ((Number) r.getAs("lost_count")).longValue(), what + " lost_count");
        assertEquals(0, f.wonAmount.compareTo(r.getAs("won_amount")), what + " won_amount " + r.getAs("won_amount"));
        assertDecimal(what + " win_rate_by_count", f.winRateByCount(), r.getAs("win_rate_by_count"));
        assertDecimal(what + " win_rate_by_amount", f.winRateByAmount(), r.getAs("win_rate_by_amount"));
        assertDecimal(what + " avg_days_to_close_won", f.avgDaysToCloseWon(), r.getAs("avg_days_to_close_won"));
        assertEquals(f.open, ((Number) r.getAs("open_pipeline_count")).longValue(), what + " open_pipeline_count");
        assertEquals(0, f.openList.compareTo(r.getAs("open_pipeline_amount")), what + " open_pipeline_amount");
        assertEquals("USD", r.getAs("currency_code"));
    }

    private static void assertDecimal(final String what, final BigDecimal expectedValue, final BigDecimal actual) {
        if (expectedValue == null) {
            assertNull(actual, what);
        } else {
            assertEquals(0, expectedValue.compareTo(actual), what + ": expected " + expectedValue + ", was " + actual);
        }
    }

    @Test
    void everyTableBuildsAndPassesItsChecks() {
        built.forEach(b -> assertEquals(RunRecord.SUCCEEDED, b.status(), b.table() + ": " + b.message()));
        built.forEach(b -> b.checks().forEach(c -> assertTrue(c.passed() || c.severity() == Severity.WARN,
                b.table() + ": " + c.describe())));
        assertTrue(built.stream().map(TableRunner.Built::table).toList().containsAll(MARTS));
    }

    @Test
    void theWholeExportWonTenMillionOverFourThousandDeals() {
        assertEquals(4238, expected.total().won);
        assertEquals(0, new BigDecimal("10005534").compareTo(expected.total().wonAmount));
        final Row sums = ctx.warehouse().read("mart_sales_office_performance")
                .selectExpr("sum(won_count)", "sum(won_amount)", "sum(lost_count)", "sum(open_pipeline_count)").first();
        assertEquals(4238L, sums.getLong(0));
        assertEquals(0, new BigDecimal("10005534").compareTo(sums.getDecimal(1)));
        assertEquals(2473L, sums.getLong(2));
        assertEquals(1589L + 500L, sums.getLong(3), "Engaging and Prospecting deals are the open pipeline");
    }

    @Test
    void everyAgentsFiguresMatchTheRawFile() {
        final Map<String, Row> rows = rowsBy("mart_sales_agent_performance", "sales_agent");
        assertEquals(expected.agents().keySet(), rows.keySet());
        expected.agents().forEach((agent, f) -> assertFigures(agent, f, rows.get(agent)));
        // Five agents of the team list have no deal: they are listed with zeros and no rates.
        assertEquals(5, expected.agents().values().stream().filter(f -> f.agents.isEmpty()).count());
    }

    @Test
    void everyManagersFiguresMatchTheRawFile() {
        final Map<String, Row> rows = rowsBy("mart_sales_manager_performance", "manager");
        assertEquals(expected.managers().keySet(), rows.keySet());
        expected.managers().forEach((m, f) -> assertFigures(m, f, rows.get(m)));
    }

    @Test
    void everyOfficesWinRatesMatchTheRawFile() {
        final Map<String, Row> rows = rowsBy("mart_sales_office_performance", "regional_office");
        assertEquals(List.of("Central", "East", "West"), List.copyOf(rows.keySet()));
        expected.offices().forEach((o, f) -> assertFigures(o, f, rows.get(o)));
    }

    @Test
    void winRateByAmountComparesListValuesBecauseLostDealsCarryNoCloseValue() {
        // Every lost deal has close_value 0 in the export: a rate by close_value would be 100% everywhere.
        assertEquals(0L, ctx.warehouse().read("fct_maven_crm_deal").where("is_lost AND close_value_amount <> 0").count());
        final Row west = rowsBy("mart_sales_office_performance", "regional_office").get("West");
        assertDecimal("West win_rate_by_amount", expected.offices().get("West").winRateByAmount(), west.getAs("win_rate_by_amount"));
        assertTrue(((BigDecimal) west.getAs("win_rate_by_amount")).compareTo(BigDecimal.ONE) < 0);
    }

    /**
     * The win-probability model on the real export: every closed deal engaged after the first usable fit is
     * predicted by a fit of a month end before its engagement (so it never saw the outcome), and the
     * evaluation mart's AUC and Brier score are those computed here from the predictions and the raw file's
     * stages, by counting every won-lost pair.
     */
    @Test
    void winProbabilitiesArePredictedBeforeTheOutcomeAndScoredAgainstIt() throws IOException {
        final Map<String, String> stage = new HashMap<>();
        for (final String[] d : csv(ExternalData.resolve("crm_sales_opportunities").resolve("sales_pipeline.csv"))) {
            stage.put(d[0], d[4]);
        }
        final List<Row> rows = ctx.warehouse().read("fct_maven_crm_win_probability")
                .selectExpr("opportunity_id", "as_of_date", "predicted_at", "p_win", "fit_date").collectAsList();
        assertEquals(stage.size(), rows.size(), "one row per deal of the export");
        final java.util.List<double[]> scored = new java.util.ArrayList<>();
        for (final Row r : rows) {
            final String s = stage.get(r.getString(0));
            assertTrue(r.getDate(1).compareTo(r.getDate(2)) <= 0, r.toString());
            if (!r.isNullAt(3)) {
                assertTrue(r.getDate(4).compareTo(r.getDate(2)) < 0 || !"Won".equals(s) && !"Lost".equals(s),
                        "a closed deal is predicted by a fit made before its engagement: " + r);
                if ("Won".equals(s) || "Lost".equals(s)) {
                    scored.add(new double[] {r.getDouble(3), "Won".equals(s) ? 1 : 0});
                }
            }
        }
        assertTrue(scored.size() > 4000, "most closed deals are predicted: " + scored.size());
        double pairs = 0;
        double ordered = 0;
        double brier = 0;
        for (final double[] a : scored) {
            brier += (a[0] - a[1]) * (a[0] - a[1]);
            if (a[1] == 1) {
                for (final double[] b : scored) {
                    if (b[1] == 0) {
                        pairs++;
                        ordered += a[0] > b[0] ? 1 : a[0] == b[0] ? 0.5 : 0;
                    }
                }
            }
        }
        final Row all = ctx.warehouse().read("mart_maven_crm_win_probability_eval").where("scope = 'all'").first();
        assertEquals(scored.size(), all.<Long>getAs("predictions").intValue());
        assertEquals(ordered / pairs, all.<BigDecimal>getAs("auc").doubleValue(), 0.00005);
        assertEquals(brier / scored.size(), all.<BigDecimal>getAs("brier_score").doubleValue(), 0.00005);
        final long binned = ctx.warehouse().read("mart_maven_crm_win_probability_calibration").selectExpr("sum(predictions)")
                .first().getLong(0);
        assertEquals(scored.size(), binned, "every scored closed deal is in one calibration bin");
    }
}
