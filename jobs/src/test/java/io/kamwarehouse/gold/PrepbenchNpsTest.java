package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.ExternalData;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The three published Preppin' Data NPS exercises, end to end: their input files are ingested
 * through the prepbench contracts as any extract would be, the staging, fact and mart specs are
 * built by the pipeline's runner, and the warehouse's answers are compared with the published
 * expected outputs read from each case's expected/ folder.
 */
class PrepbenchNpsTest {

    private static final DateTimeFormatter PUBLISHED = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss");

    @TempDir
    static Path dir;
    private static Path cases;
    private static RunContext ctx;
    private static TableSpecCatalog specs;
    private static final Map<String, IngestResult> INGESTED = new TreeMap<>();

    @BeforeAll
    static void ingestAndBuild() {
        cases = ExternalData.resolve("nps_prepbench");
        ctx = SharedSpark.context(dir);
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        int day = 1;
        for (final String c : List.of("prepbench_case_040", "prepbench_case_050", "prepbench_case_122")) {
            new IngestService(ctx).ingest(landing.fromPath(cases.resolve(c).resolve("inputs").toString(), "prepbench",
                    LocalDate.of(2026, 10, day++))).forEach(r -> INGESTED.put(r.entity(), r));
        }
        specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        build(Map.of(), specs.all().stream().map(TableSpec::name).filter(n -> n.contains("prepbench")).toArray(String[]::new));
    }

    @Test
    void everyInputFileLoadsThroughAContractWithEveryRowAccountedFor() {
        assertEquals(List.of("prepbench.airline_responses", "prepbench.event_feedback", "prepbench.store_survey_answers",
                "prepbench.store_survey_results", "prepbench.survey_questions"), List.copyOf(INGESTED.keySet()));
        INGESTED.values().forEach(r -> {
            assertEquals(RunRecord.SUCCEEDED, r.status(), r.entity() + ": " + r.message());
            assertEquals(0, r.rowsQuarantined(), r.entity() + " " + r.quarantinedByRule());
        });
        assertEquals(List.of("input_01.csv", "input_02.csv"), INGESTED.get("prepbench.event_feedback").files());
        assertEquals(78, INGESTED.get("prepbench.event_feedback").rowsLoaded(), "39 submissions in two exports");
        assertEquals(5907, INGESTED.get("prepbench.airline_responses").rowsLoaded());
        assertEquals(140, INGESTED.get("prepbench.store_survey_answers").rowsLoaded());
        assertEquals(24, INGESTED.get("prepbench.store_survey_results").rowsLoaded(), "BOM-prefixed header recognised");
        // Country misspellings are normalised by the contract.
        assertEquals(Set.of("England", "Scotland", "Netherlands", "United States"), Set.copyOf(ctx.warehouse()
                .read("stg_prepbench__store_survey_answers").select("country").distinct().as(
                        org.apache.spark.sql.Encoders.STRING()).collectAsList()));
    }

    @Test
    void case040EventNpsMatchesThePublishedAnswer() {
        final Row published = expected("prepbench_case_040", "output_01.csv").get(0);
        build(Map.of(), "mart_prepbench_nps");
        final Row all = mart("event_feedback", "all", "all");
        assertEquals(Long.parseLong(published.getAs("Total Respondents")), (long) all.getAs("responses"),
                "both exports of the same 39 submissions count once");
        assertEquals(Long.parseLong(published.getAs("Promoter")), (long) all.getAs("promoters"));
        assertEquals(Long.parseLong(published.getAs("Detractor")), (long) all.getAs("detractors"));
        assertEquals(new BigDecimal(published.<String>getAs("NPS Score")),
                all.<BigDecimal>getAs("nps").setScale(1, RoundingMode.HALF_UP), "published to one decimal");
        assertEquals(new BigDecimal("-35.90"), all.getAs("nps"));
        assertTrue(all.<Boolean>getAs("too_few_responses"), "39 < 50: flagged, still shown");
    }

    @Test
    void case122PrepAirNpsWithTheFiftyResponseExclusionAndRoundingDown() {
        final Row published = expected("prepbench_case_122", "output_01.csv").get(0);
        assertEquals("Prep Air", published.getAs("Airline"));
        build(Map.of(), "mart_prepbench_nps");
        assertEquals(new BigDecimal("21.20"), mart("airline_recommendation", "airline", "Prep Air").getAs("nps"),
                "exact shares by default");
        build(Map.of("prepbench_share_rounding", "floor"), "mart_prepbench_nps");
        final Row prepAir = mart("airline_recommendation", "airline", "Prep Air");
        assertEquals(new BigDecimal(published.<String>getAs("NPS")), prepAir.<BigDecimal>getAs("nps").stripTrailingZeros());
        assertFalse(prepAir.<Boolean>getAs("too_few_responses"));
        assertEquals(new BigDecimal(published.<String>getAs("Z-Score")),
                prepAir.<BigDecimal>getAs("nps_z_score").setScale(2, RoundingMode.HALF_UP));
        // Airlines under 50 responses are flagged and left out of the comparison, not dropped.
        final List<Row> airlines = ctx.warehouse().read("mart_prepbench_nps").where("dimension = 'airline'").collectAsList();
        assertEquals(99, airlines.size());
        for (final Row a : airlines) {
            final long n = a.getAs("responses");
            assertEquals(n < 50, a.<Boolean>getAs("too_few_responses"), a.toString());
            assertEquals(n < 50, a.getAs("nps_z_score") == null, a.toString());
        }
        assertEquals(40, airlines.stream().filter(a -> a.<Boolean>getAs("too_few_responses")).count());
    }

    @Test
    void case050FirstAndLatestResponsePerCustomerMatchThePublishedRows() {
        final Set<String> published = new TreeSet<>();
        for (final Row e : expected("prepbench_case_050", "output_01.csv")) {
            published.add(String.join(" | ", e.getAs("Country"), e.getAs("Store"), e.getAs("Name"),
                    e.getAs("Completion Date (Date Time stamp)"), e.getAs("Result (First / Latest)"),
                    e.getAs("Would you recommend C&BS Co to your friends and family?"),
                    category(e.getAs("Promoter"), e.getAs("Passive"), e.getAs("Detractor")),
                    e.getAs("If you would, why?") != null ? e.getAs("If you would, why?") : e.getAs("If you wouldn't, why?")));
        }
        final Set<String> ours = new TreeSet<>();
        for (final Row r : ctx.warehouse().read("fct_prepbench_survey_response")
                .where("survey = 'store_feedback' AND (is_first_response OR is_latest_response)").collectAsList()) {
            final boolean first = r.getAs("is_first_response");
            ours.add(String.join(" | ", r.getAs("country"), r.getAs("segment"), r.getAs("respondent"),
                    r.<Timestamp>getAs("responded_at").toLocalDateTime().format(PUBLISHED), first ? "First" : "Latest",
                    String.valueOf((int) r.getAs("nps_score")), r.getAs("nps_category"), r.getAs("comment")));
        }
        assertEquals(26, published.size());
        assertEquals(published, ours);
        // An answer without a year ("Monday - 13th Jan") cannot be placed in time: kept, neither first nor latest.
        final Row undated = ctx.warehouse().read("fct_prepbench_survey_response")
                .where("survey = 'store_feedback' AND responded_at IS NULL").first();
        assertEquals("Etienne", undated.getAs("respondent"));
        assertFalse(undated.<Boolean>getAs("is_first_response"));
        // The earlier published answer shipped among the inputs is contained in ours.
        for (final Row e : ctx.warehouse().read("stg_prepbench__store_survey_results").collectAsList()) {
            assertTrue(ours.stream().anyMatch(o -> o.startsWith(String.join(" | ", e.getAs("country"), e.getAs("store"),
                    e.getAs("customer_name"), e.<Timestamp>getAs("completed_at").toLocalDateTime().format(PUBLISHED),
                    e.getAs("result")))), e.toString());
        }
    }

    @Test
    void case050NpsOnFirstAndOnLatestResponses() {
        // From the published rows: a customer's latest answer is their "Latest" row, else their only ("First") one.
        final Map<String, Integer> first = new TreeMap<>();
        final Map<String, Integer> latest = new TreeMap<>();
        for (final Row e : expected("prepbench_case_050", "output_01.csv")) {
            final String customer = e.getAs("Country") + "/" + e.getAs("Store") + "/" + e.getAs("Name");
            final int score = Integer.parseInt(e.getAs("Would you recommend C&BS Co to your friends and family?"));
            if ("First".equals(e.getAs("Result (First / Latest)"))) {
                first.put(customer, score);
                latest.putIfAbsent(customer, score);
            } else {
                latest.put(customer, score);
            }
        }
        build(Map.of("prepbench_response_basis", "first"), "mart_prepbench_nps");
        assertEquals(nps(first.values()), mart("store_feedback", "all", "all").getAs("nps"));
        assertEquals((long) first.size(), (long) mart("store_feedback", "all", "all").getAs("responses"));
        build(Map.of("prepbench_response_basis", "latest"), "mart_prepbench_nps");
        assertEquals(nps(latest.values()), mart("store_feedback", "all", "all").getAs("nps"));
        assertEquals("latest", mart("store_feedback", "all", "all").getAs("response_basis"));
    }

    private static BigDecimal nps(final java.util.Collection<Integer> scores) {
        final long promoters = scores.stream().filter(s -> s >= 9).count();
        final long detractors = scores.stream().filter(s -> s <= 6).count();
        return BigDecimal.valueOf(100 * (promoters - detractors)).divide(BigDecimal.valueOf(scores.size()), 2, RoundingMode.HALF_UP);
    }

    private static String category(final String promoter, final String passive, final String detractor) {
        return "1".equals(promoter) ? "promoter" : "1".equals(passive) ? "passive" : "1".equals(detractor) ? "detractor" : "?";
    }

    private static Row mart(final String survey, final String dimension, final String value) {
        final List<Row> rows = ctx.warehouse().read("mart_prepbench_nps").where(String.format(
                "survey = '%s' AND dimension = '%s' AND dimension_value = '%s'", survey, dimension, value)).collectAsList();
        assertEquals(1, rows.size(), survey + " " + dimension + " " + value);
        return rows.get(0);
    }

    /** A published expected output, every field as text. */
    private static List<Row> expected(final String c, final String file) {
        return ctx.warehouse().spark().read().option("header", "true").option("multiLine", "true").option("escape", "\"")
                .csv(ExternalData.resolve("nps_prepbench/" + c + "/expected/" + file).toString()).collectAsList();
    }

    /** Builds tables (in dependency order) through the pipeline's runner with the given vars set for the run only. */
    private static void build(final Map<String, String> vars, final String... tables) {
        final List<TableSpec> selected = new ArrayList<>();
        for (final String t : tables) {
            selected.add(specs.get(t));
        }
        vars.forEach((k, v) -> ctx.warehouse().spark().conf().set("kamw.var." + k, v));
        try {
            for (final TableRunner.Built b : new TableRunner(ctx).build(TableSpecCatalog.dependencyOrder(selected),
                    JobOptions.INCREMENTAL)) {
                assertTrue(RunRecord.SUCCEEDED.equals(b.status()) || RunRecord.SKIPPED.equals(b.status()),
                        b.table() + ": " + TableRunner.describe(b));
            }
        } finally {
            vars.keySet().forEach(k -> ctx.warehouse().spark().conf().unset("kamw.var." + k));
        }
    }
}
