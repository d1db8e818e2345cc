package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Date;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

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
import io.kamwarehouse.testing.SharedSpark;

/**
 * The account value mart on a tiny hand-made drop (src/test/resources/gold/account_value): three
 * accounts, four deals with their stage histories, contacts, activities, two contracts, four
 * invoices (one void), two payments, costs in CNY and USD, USD at 7.00 then 7.20 from March 2026,
 * two survey answers (the calendar needs them).
 * The drop is ingested and every table up to fct_account_month is built by the pipeline's
 * TableRunner; the expected figures below are worked out by hand from the fixture files.
 */
class AccountValueMartTest {

    private static final Path FIXTURE = Paths.get("src/test/resources/gold/account_value");
    private static final List<String> TABLES = List.of("dim_team", "dim_product", "fct_opportunity", "fct_account_month");

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static List<TableRunner.Built> built;

    @BeforeAll
    static void ingestTheDropAndBuildTheMart() throws IOException {
        copyTree(FIXTURE.resolve("landing"), dir.resolve("landing"));
        ctx = SharedSpark.context(dir);
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        writeCostsParquet(dir.resolve("landing/finance/2026-05-01/costs_20260501.parquet"));
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        new IngestService(ctx).ingest(landing.scan(Optional.empty(), Optional.empty()))
                .forEach(r -> assertEquals(RunRecord.SUCCEEDED, r.status(), r.entity() + ": " + r.message()));
        built = new TableRunner(ctx).build(upstreamOf(specs, TABLES), JobOptions.INCREMENTAL);
    }

    /** finance/costs arrives as Parquet: the fixture keeps it as readable CSV and the test writes the file. */
    private static void writeCostsParquet(final Path target) throws IOException {
        final Path tmp = dir.resolve("costs_parquet");
        ctx.warehouse().spark().read().option("header", "true").csv(FIXTURE.resolve("costs.csv").toAbsolutePath().toString())
                .selectExpr("account_id", "product_line", "CAST(cost_month AS DATE) AS cost_month",
                        "CAST(revenue_amount AS DECIMAL(18,2)) AS revenue_amount",
                        "CAST(cost_amount AS DECIMAL(18,2)) AS cost_amount", "currency_code")
                .coalesce(1).write().parquet(tmp.toString());
        try (Stream<Path> files = Files.list(tmp)) {
            final Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
            Files.copy(part, target);
        }
    }

    private static void copyTree(final Path from, final Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(p -> {
                try {
                    final Path dest = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (final IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The specs the tables need (themselves included), in the catalog's dependency order. */
    static List<TableSpec> upstreamOf(final TableSpecCatalog specs, final List<String> tables) {
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

    private static Map<String, Row> opportunities() {
        final Map<String, Row> out = new TreeMap<>();
        ctx.warehouse().read("fct_opportunity").collectAsList().forEach(r -> out.put(r.getAs("opportunity_id"), r));
        return out;
    }

    private static Row accountMonth(final String account, final String month) {
        final List<Row> rows = ctx.warehouse().read("fct_account_month")
                .where("account_id = '" + account + "' AND month = DATE'" + month + "'").collectAsList();
        assertEquals(1, rows.size(), account + " " + month);
        return rows.get(0);
    }

    private static void assertAmount(final String expected, final Row row, final String column) {
        final BigDecimal actual = row.getAs(column);
        assertNotNull(actual, column);
        assertEquals(0, new BigDecimal(expected).compareTo(actual), column + ": expected " + expected + ", was " + actual);
    }

    private static long count(final Row row, final String column) {
        return ((Number) row.getAs(column)).longValue();
    }

    private static long key(final String table, final String column, final String where) {
        final List<Row> rows = ctx.warehouse().read(table).where(where).select(column).collectAsList();
        assertEquals(1, rows.size(), table + " where " + where);
        return rows.get(0).getLong(0);
    }

    /** The surrogate key of the version of an SCD2 dimension row valid at a moment. */
    private static long keyAsAt(final String table, final String column, final String where, final String timestamp) {
        return key(table, column, where + " AND valid_from <= TIMESTAMP'" + timestamp + "' AND (valid_to IS NULL OR valid_to > TIMESTAMP'"
                + timestamp + "')");
    }

    @Test
    void everyTableBuildsAndNoBlockingCheckFails() {
        built.forEach(b -> assertEquals(RunRecord.SUCCEEDED, b.status(), b.table() + ": " + b.message()));
        for (final TableRunner.Built b : built) {
            b.checks().stream().filter(c -> c.severity() == Severity.ERROR)
                    .forEach(c -> assertTrue(c.passed(), b.table() + ": " + c.describe()));
        }
        assertTrue(built.stream().map(TableRunner.Built::table).toList().containsAll(TABLES));
    }

    @Test
    void aWonDealCarriesItsStageDatesCycleAndAmounts() {
        final Row o1 = opportunities().get("O1");
        assertEquals(true, o1.getAs("is_won"));
        assertEquals(true, o1.getAs("is_closed"));
        assertEquals(Date.valueOf("2026-01-05"), o1.getAs("created_date"));
        assertEquals(20260105, (int) o1.getAs("created_date_key"));
        assertEquals(Date.valueOf("2026-01-05"), o1.getAs("prospecting_date"));
        assertEquals(Date.valueOf("2026-01-12"), o1.getAs("qualification_date"));
        assertNull(o1.getAs("needs_analysis_date"), "O1 skipped needs analysis");
        assertEquals(Date.valueOf("2026-02-01"), o1.getAs("proposal_date"));
        assertEquals(Date.valueOf("2026-02-10"), o1.getAs("negotiation_date"));
        assertEquals(Date.valueOf("2026-02-20"), o1.getAs("closed_won_date"));
        assertEquals(20260220, (int) o1.getAs("close_date_key"));
        assertEquals(46, (int) o1.getAs("days_to_close"), "5 Jan to 20 Feb");
        assertAmount("100000.00", o1, "amount");
        assertEquals("CNY", o1.getAs("currency_code"));
        assertAmount("100000.00", o1, "amount_rpt");
        assertAmount("100000.00", o1, "weighted_amount_rpt");
        assertEquals("Referral", o1.getAs("lead_source"));
        // The account and owner versions valid when the deal was created.
        assertEquals(keyAsAt("dim_account", "account_key", "account_id = 'A1'", "2026-01-05 10:00:00"), (long) o1.getAs("account_key"));
        assertEquals(keyAsAt("dim_employee", "employee_key", "employee_id = 'E1'", "2026-01-05 10:00:00"),
                (long) o1.getAs("employee_key"));
        assertEquals(key("dim_team", "team_key", "team_id = 'T1'"), (long) o1.getAs("team_key"));
        assertEquals(key("dim_product", "product_key", "product_id = 'P1'"), (long) o1.getAs("product_key"));
    }

    @Test
    void anOpenUsdDealIsConvertedAndWeightedAndKeepsTheFirstEntryOfEachStage() {
        final Row o2 = opportunities().get("O2");
        assertEquals(false, o2.getAs("is_closed"));
        assertNull(o2.getAs("days_to_close"));
        assertAmount("10000.00", o2, "amount");
        assertEquals("USD", o2.getAs("currency_code"));
        assertAmount("72000.00", o2, "amount_rpt");          // 10,000 USD at 7.20 (rate of 1 March, latest before the close date)
        assertAmount("43200.00", o2, "weighted_amount_rpt"); // x 60%
        // Proposal 20 Mar, negotiation 10 Apr, back to proposal 15 Apr, negotiation again 25 Apr.
        assertEquals(Date.valueOf("2026-03-20"), o2.getAs("proposal_date"));
        assertEquals(Date.valueOf("2026-04-10"), o2.getAs("negotiation_date"));
        final Row o3 = opportunities().get("O3");
        assertEquals(false, o3.getAs("is_won"));
        assertEquals(true, o3.getAs("is_closed"));
        assertEquals(54, (int) o3.getAs("days_to_close"), "20 Jan to 15 Mar");
        assertEquals(Date.valueOf("2026-03-15"), o3.getAs("closed_lost_date"));
        assertAmount("0.00", o3, "weighted_amount_rpt");
        // E2 sits in T2: the deal's team is its owner's.
        assertEquals(key("dim_team", "team_key", "team_id = 'T2'"), (long) o3.getAs("team_key"));
    }

    @Test
    void everyAccountHasOneRowPerMonthFromItsFirstFactToTheLastMonthOfData() {
        final Map<String, Long> months = new TreeMap<>();
        ctx.warehouse().read("fct_account_month").groupBy("account_id").count().collectAsList()
                .forEach(r -> months.put(r.getString(0), r.getLong(1)));
        // A1: first cost in March 2025; A2: first deal and activity in January 2026; A3: contract signed March 2026.
        assertEquals(Map.of("A1", 14L, "A2", 4L, "A3", 2L), months);
        final Row last = ctx.warehouse().read("fct_account_month").selectExpr("max(month)").first();
        assertEquals(Date.valueOf("2026-04-01"), last.getDate(0));
    }

    @Test
    void monthFlowsBookingsInvoicingCollectionAndMargin() {
        final Row feb = accountMonth("A1", "2026-02-01");
        assertEquals(1, count(feb, "won_count"));
        assertAmount("100000.00", feb, "bookings_amount_rpt");
        final Row mar = accountMonth("A1", "2026-03-01");
        assertAmount("50000.00", mar, "invoiced_amount_rpt");   // I4 is void
        assertAmount("30000.00", mar, "collected_amount_rpt");
        assertAmount("20000.00", mar, "receivable_amount_rpt");
        assertAmount("20000.00", mar, "overdue_amount_rpt");    // I1 was due 25 March
        assertAmount("30000.00", mar, "revenue_amount_rpt");
        assertAmount("18000.00", mar, "cost_amount_rpt");
        assertAmount("12000.00", mar, "gross_margin_amount_rpt");
        final Row apr = accountMonth("A1", "2026-04-01");
        assertAmount("50000.00", apr, "invoiced_amount_rpt");
        assertAmount("15000.00", apr, "collected_amount_rpt");
        assertAmount("55000.00", apr, "receivable_amount_rpt"); // 5,000 left on I1 + I2
        assertAmount("5000.00", apr, "overdue_amount_rpt");     // I2 is due on 30 April itself: not overdue yet
        assertAmount("35000.00", apr, "revenue_amount_rpt");    // two product lines
        assertAmount("14000.00", apr, "gross_margin_amount_rpt");
        final Row a3 = accountMonth("A3", "2026-04-01");
        assertAmount("72000.00", a3, "invoiced_amount_rpt");    // 10,000 USD at 7.20
        assertAmount("0.00", a3, "overdue_amount_rpt");
        assertAmount("3600.00", a3, "gross_margin_amount_rpt"); // (1,000 - 500) USD at 7.20
        assertAmount("0.00", accountMonth("A3", "2026-03-01"), "invoiced_amount_rpt");
    }

    @Test
    void pipelineAtMonthEndFollowsTheStageHistory() {
        // End of January: O1 in qualification at 80,000 and 20%.
        final Row jan = accountMonth("A1", "2026-01-01");
        assertEquals(1, count(jan, "open_opportunity_count"));
        assertAmount("80000.00", jan, "open_pipeline_amount_rpt");
        assertAmount("16000.00", jan, "weighted_pipeline_amount_rpt");
        // End of February: O1 won; O2 in qualification, 10,000 USD = 72,000 at 20%.
        assertAmount("72000.00", accountMonth("A1", "2026-02-01"), "open_pipeline_amount_rpt");
        assertAmount("14400.00", accountMonth("A1", "2026-02-01"), "weighted_pipeline_amount_rpt");
        assertAmount("36000.00", accountMonth("A1", "2026-03-01"), "weighted_pipeline_amount_rpt"); // proposal, 50%
        assertAmount("43200.00", accountMonth("A1", "2026-04-01"), "weighted_pipeline_amount_rpt"); // negotiation, 60%
        assertAmount("10000.00", accountMonth("A2", "2026-02-01"), "weighted_pipeline_amount_rpt"); // O3 50,000 at 20%
        final Row a2mar = accountMonth("A2", "2026-03-01");                                           // O3 lost 15 March
        assertEquals(0, count(a2mar, "open_opportunity_count"));
        assertAmount("0.00", a2mar, "open_pipeline_amount_rpt");
        assertAmount("36000.00", accountMonth("A2", "2026-04-01"), "open_pipeline_amount_rpt");     // O4, 5,000 USD
        assertAmount("7200.00", accountMonth("A2", "2026-04-01"), "weighted_pipeline_amount_rpt");
    }

    @Test
    void activitiesByTypeAndDecisionMakerCoverage() {
        final Row jan = accountMonth("A1", "2026-01-01");
        assertEquals(3, count(jan, "activity_count"));
        assertEquals(1, count(jan, "visit_count"));
        assertEquals(2, count(jan, "call_count"));
        assertEquals(0, count(jan, "demo_count"));
        assertEquals(2, count(jan, "active_contact_count"));
        assertEquals(1, count(jan, "decision_maker_count"));
        assertAmount("0.5000", jan, "decision_maker_coverage");
        // C3, a decision maker created in February, is no longer active: not counted.
        assertAmount("0.5000", accountMonth("A1", "2026-02-01"), "decision_maker_coverage");
        assertAmount("0.3333", accountMonth("A1", "2026-03-01"), "decision_maker_coverage");
        assertAmount("0.0000", accountMonth("A2", "2026-01-01"), "decision_maker_coverage");
        assertAmount("0.5000", accountMonth("A2", "2026-04-01"), "decision_maker_coverage");
        assertEquals(1, count(accountMonth("A2", "2026-04-01"), "workshop_count"));
        final Row first = accountMonth("A1", "2025-03-01");
        assertEquals(0, count(first, "active_contact_count"));
        assertNull(first.getAs("decision_maker_coverage"), "no contacts yet: no coverage");
    }

    @Test
    void customerValueIsCumulativeAndTrailingTwelveMonthGrossMargin() {
        // A1 margins: Mar 2025 +6,000; Jan 2026 -2,000; Mar 2026 +12,000; Apr 2026 +14,000.
        final Row jan = accountMonth("A1", "2026-01-01");
        assertAmount("4000.00", jan, "cumulative_gross_margin_amount_rpt");
        assertAmount("4000.00", jan, "trailing_12m_gross_margin_amount_rpt");
        final Row mar = accountMonth("A1", "2026-03-01");
        assertAmount("16000.00", mar, "cumulative_gross_margin_amount_rpt");
        assertAmount("10000.00", mar, "trailing_12m_gross_margin_amount_rpt"); // March 2025 has left the window
        final Row apr = accountMonth("A1", "2026-04-01");
        assertAmount("30000.00", apr, "cumulative_gross_margin_amount_rpt");
        assertAmount("24000.00", apr, "trailing_12m_gross_margin_amount_rpt");
        assertAmount("65000.00", apr, "trailing_12m_revenue_amount_rpt");
        assertEquals("CNY", apr.getAs("reporting_currency_code"));
    }

    @Test
    void theMonthTotalsAgreeWithTheFacts() {
        final Row m = ctx.warehouse().read("fct_account_month")
                .selectExpr("sum(bookings_amount_rpt)", "sum(won_count)", "sum(activity_count)").first();
        final Row o = ctx.warehouse().read("fct_opportunity").where("is_won").selectExpr("sum(amount_rpt)", "count(*)").first();
        assertEquals(0, o.getDecimal(0).compareTo(m.getDecimal(0)));
        assertEquals(o.getLong(1), m.getLong(1));
        assertEquals(ctx.warehouse().read("stg_crm__activities").count(), m.getLong(2));
    }
}
