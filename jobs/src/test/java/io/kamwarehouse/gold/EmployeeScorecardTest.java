package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * Scorecards from tiny input tables (fixtures in {@code gold/scorecard}, one CSV per input table,
 * written as Delta with the types below): the four scorecard tables are built by their own jobs,
 * with their checks, and nothing upstream. The data runs to 2026-02-28 (the day before the CRM
 * drop of the activities), so January and February 2026 are the complete months and no quarter
 * is complete yet. Team East region (T-R) has two key-account teams: T-KA with A1 (account
 * manager, 10 months in: growth stage), N1 (account manager, hired 2025-11-01: new hire), S1
 * and S2 (solution consultants, experts, identical) and X1 (left 2025-12-31); T-KA2 with A2
 * (account manager, expert). A1 owns AC1 (tier A), N1 AC2 (B), A2 AC3 (S). Weights are the 2026
 * plan's: account managers 50 / 20 / 30, business results 70 bookings / 30 collection of which a
 * growth or expert stage takes 30%, a new hire 100%.
 */
class EmployeeScorecardTest {

    private static final Path ROOT = Paths.get("src/test/resources/gold/scorecard");
    private static final MathContext MC = new MathContext(20, RoundingMode.HALF_UP);
    private static final String PLAN = "plan_version STRING, plan_hash STRING, effective_from DATE, effective_to DATE, ";

    /** Column types of each fixture table (the columns the jobs read). */
    private static final Map<String, String> TABLES = Map.ofEntries(
            Map.entry("cfg_scoring_plan", PLAN + "plan_file STRING, currency STRING, deal_lead_share DECIMAL(9,6), "
                    + "deal_assist_share DECIMAL(9,6)"),
            Map.entry("cfg_scoring_kpi", PLAN + "kpi STRING, dimension STRING, target_source STRING, target_metric STRING, "
                    + "target_value DECIMAL(18,4), cap DECIMAL(18,4)"),
            Map.entry("cfg_scoring_weight", PLAN + "role STRING, career_stage STRING, dimension STRING, dimension_weight DECIMAL(9,6), "
                    + "kpi STRING, kpi_weight DECIMAL(9,6), composite_weight DECIMAL(9,6)"),
            Map.entry("cfg_career_stage", PLAN + "career_stage STRING, from_months INT, to_months INT, business_results_share DECIMAL(9,6)"),
            Map.entry("dim_team", "team_key BIGINT, team_id STRING, team_name STRING, team_type STRING, parent_team_id STRING, "
                    + "level INT, root_team_id STRING, path STRING"),
            Map.entry("dim_employee", "employee_key BIGINT, employee_id STRING, role STRING, team_id STRING, career_stage STRING, "
                    + "hire_date DATE, termination_date DATE, is_team_lead BOOLEAN, valid_from TIMESTAMP, valid_to TIMESTAMP, "
                    + "is_current BOOLEAN"),
            Map.entry("dim_account", "account_key BIGINT, account_id STRING, tier STRING, owner_employee_id STRING, valid_from TIMESTAMP, "
                    + "valid_to TIMESTAMP, is_current BOOLEAN"),
            Map.entry("fct_deal_credit", "opportunity_id STRING, employee_id STRING, team_id STRING, team_role STRING, is_lead BOOLEAN, "
                    + "account_id STRING, close_date DATE, credit_share DECIMAL(9,6), credit_amount DECIMAL(18,2), plan_version STRING, "
                    + "plan_hash STRING"),
            Map.entry("fct_opportunity", "opportunity_id STRING, account_id STRING, is_won BOOLEAN, close_date DATE"),
            Map.entry("fct_account_month", "account_id STRING, month DATE, invoiced_amount_rpt DECIMAL(18,2), "
                    + "collected_amount_rpt DECIMAL(18,2), revenue_amount_rpt DECIMAL(18,2), active_contact_count BIGINT, "
                    + "decision_maker_count BIGINT"),
            Map.entry("fct_contract_renewal", "contract_id STRING, account_id STRING, effective_end_date DATE, end_month DATE, "
                    + "renewal_status STRING, is_renewal_due INT, is_renewed INT"),
            Map.entry("stg_crm__targets", "employee_id STRING, period_month DATE, metric STRING, target_value DECIMAL(18,2), "
                    + "currency_code STRING, target_value_rpt DECIMAL(18,2)"),
            Map.entry("stg_crm__activities", "activity_id STRING, activity_type STRING, account_id STRING, employee_id STRING, "
                    + "activity_date DATE, _drop_date DATE"),
            Map.entry("stg_crm__contacts", "contact_id STRING, account_id STRING, decision_role STRING, created_date DATE"),
            Map.entry("stg_crm__kb_contributions", "contribution_id STRING, employee_id STRING, contribution_date DATE, "
                    + "contribution_type STRING"),
            Map.entry("stg_crm__delivery_milestones", "milestone_id STRING, opportunity_id STRING, account_id STRING, "
                    + "project_manager_employee_id STRING, planned_date DATE, actual_date DATE, status STRING"),
            Map.entry("fct_service_sla", "ticket_id STRING, account_id STRING, employee_id STRING, tier STRING, opened_at TIMESTAMP, "
                    + "opened_date DATE, first_response_at TIMESTAMP, deadline_at TIMESTAMP, sla_status STRING, within_sla BOOLEAN"),
            Map.entry("stg_survey__peer_reviews", "review_id STRING, reviewer_employee_id STRING, reviewee_employee_id STRING, "
                    + "period STRING, collaboration_score DECIMAL(3,1), knowledge_sharing_score DECIMAL(3,1)"),
            Map.entry("stg_survey__nps_responses", "response_id STRING, account_id STRING, survey_date DATE, nps_score INT, "
                    + "csat_score INT"));

    private static final List<String> BUILT = List.of("bdg_kpi_evidence", "fct_employee_kpi", "fct_employee_scorecard",
            "fct_team_scorecard");

    @TempDir
    static Path dir;
    private static RunContext ctx;

    @BeforeAll
    static void build() {
        ctx = SharedSpark.context(dir);
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        PipelineFixture.calendar(ctx, 2025, 2026);
        TABLES.forEach((table, ddl) -> ctx.warehouse().spark().read().schema(ddl).option("header", "true")
                .csv(ROOT.resolve(table + ".csv").toAbsolutePath().toString()).coalesce(1).write().format("delta")
                .mode(SaveMode.Overwrite).save(ctx.warehouse().tablePath(table)));
        FactFixture.dropped(ctx, "2026-03-01"); // the CRM drop of 1 March: as of 28 February
        final List<TableRunner.Built> built = new TableRunner(ctx)
                .build(BUILT.stream().map(specs::get).toList(), JobOptions.INCREMENTAL);
        for (final TableRunner.Built b : built) {
            assertEquals(RunRecord.SUCCEEDED, b.status(), b.table() + ": " + TableRunner.describe(b));
            b.checks().forEach(c -> assertTrue(c.passed(), b.table() + ": " + c));
        }
    }

    private static BigDecimal d(final String v) {
        return new BigDecimal(v);
    }

    private static BigDecimal capAt(final BigDecimal v, final String cap) {
        return v.min(d(cap)).max(BigDecimal.ZERO);
    }

    /** Rows of a table for one period, by key. */
    private static Map<String, Row> rows(final String table, final String period, final String... keyCols) {
        final Map<String, Row> out = new TreeMap<>();
        for (final Row r : ctx.warehouse().read(table).filter("period = '" + period + "'").collectAsList()) {
            final StringBuilder k = new StringBuilder();
            for (final String c : keyCols) {
                k.append(k.length() == 0 ? "" : "/").append(r.<Object>getAs(c));
            }
            out.put(k.toString(), r);
        }
        return out;
    }

    private static void assertClose(final BigDecimal expected, final BigDecimal actual, final String scale, final String what) {
        assertTrue(expected.subtract(actual).abs().compareTo(d(scale)) <= 0, what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void onlyCompletePeriodsOfStaffEmployedAtTheirEnd() {
        final List<String> periods = ctx.warehouse().read("fct_employee_scorecard").select("period_type", "period").distinct()
                .collectAsList().stream().map(r -> r.getString(0) + " " + r.getString(1)).sorted().toList();
        assertEquals(List.of("month 2026-01", "month 2026-02"), periods); // Q1 ends after the data
        final List<String> january = List.copyOf(rows("fct_employee_scorecard", "2026-01", "employee_id").keySet());
        assertEquals(List.of("A1", "A2", "N1", "S1", "S2"), january); // X1 left in December
    }

    @Test
    void growthStageAccountManagerWorkedOutByHand() {
        final Map<String, Row> k = rows("fct_employee_kpi", "2026-01", "employee_id", "kpi");
        // the growth stage takes 30% of business results: bookings 70% x 70%, collection 30% x 70%, account growth 30%
        final List<String> a1Kpis = k.keySet().stream().filter(s -> s.startsWith("A1/")).map(s -> s.substring(3)).sorted().toList();
        assertEquals(List.of("account_growth", "assists", "bookings_attainment", "collection_rate", "csat", "kb_contributions",
                "nps_owned", "peer_review", "renewal_rate"), a1Kpis);
        assertEquals(0, d("0.49").compareTo(k.get("A1/bookings_attainment").getAs("kpi_weight")));
        assertEquals(0, d("0.30").compareTo(k.get("A1/account_growth").getAs("kpi_weight")));
        assertEquals("growth", k.get("A1/account_growth").getAs("career_stage"));

        // bookings: lead credit 60,000 of O1 against the January target of 100,000 (O3 closes in February)
        final BigDecimal bookings = capAt(d("60000").divide(d("100000"), MC), "1.5");
        // collection: 90,000 collected of 100,000 invoiced on AC1, against 95%
        final BigDecimal collection = capAt(d("90000").divide(d("100000"), MC).divide(d("0.95"), MC), "1.2");
        // growth: AC1's revenue 55,000 against 50,000 a year earlier = 10%, against 10%
        final BigDecimal growth = capAt(d("55000").subtract(d("50000")).divide(d("50000"), MC).divide(d("0.10"), MC), "2.0");
        // peer review: R1 of 2026-Q1 (4.0 and 5.0) counts for January; R0 of 2025-Q4 does not
        final BigDecimal peer = capAt(d("4.5").divide(d("4.0"), MC), "1.25");
        // assists: O2 assisted in January against 2 a quarter = 2/3 a month
        final BigDecimal assists = capAt(d("1").divide(d("2").divide(d("3"), MC), MC), "2.0");
        final BigDecimal kb = BigDecimal.ZERO;
        // NPS: 10, 9 and 5 = 2 promoters, 1 detractor of 3 = 33.33, scored (NPS + 100) / (30 + 100)
        final BigDecimal nps = d("100").divide(d("3"), MC);
        final BigDecimal npsAtt = capAt(nps.add(d("100")).divide(d("130"), MC), "1.5");
        // CSAT: 5 and 4 (the third response has none) = 4.5 against 4.2
        final BigDecimal csat = capAt(d("4.5").divide(d("4.2"), MC), "1.2");
        // renewal: nothing of AC1 was due in January (K9 ends in February): left out, NPS and CSAT share its 40%
        assertFalse(k.get("A1/renewal_rate").<Boolean>getAs("has_data"));
        assertTrue(k.get("A1/nps_owned").<Boolean>getAs("is_reweighted"));
        assertClose(d("0.4").divide(d("0.6"), MC), k.get("A1/nps_owned").getAs("effective_kpi_weight"), "0.00000001",
                "A1 NPS weight");

        final Map<String, BigDecimal> expected = Map.of("bookings_attainment", bookings, "collection_rate", collection,
                "account_growth", growth, "peer_review", peer, "assists", assists, "kb_contributions", kb,
                "nps_owned", npsAtt, "csat", csat);
        expected.forEach((kpi, att) -> assertClose(att, k.get("A1/" + kpi).getAs("attainment"), "0.000001", "A1 " + kpi));
        assertClose(nps, k.get("A1/nps_owned").getAs("value"), "0.000001", "A1 NPS");
        assertEquals(3L, k.get("A1/nps_owned").<Long>getAs("evidence_rows"));

        final BigDecimal hundred = d("100");
        final BigDecimal business = bookings.multiply(d("0.49")).add(collection.multiply(d("0.21"))).add(growth.multiply(d("0.30")))
                .multiply(hundred);
        final BigDecimal collaboration = peer.multiply(d("0.5")).add(assists.multiply(d("0.2"))).add(kb.multiply(d("0.3")))
                .multiply(hundred);
        final BigDecimal customerRaw = npsAtt.multiply(d("0.4")).add(csat.multiply(d("0.2"))).divide(d("0.6"), MC).multiply(hundred);
        assertTrue(customerRaw.compareTo(hundred) > 0, "customer value is over 100 before its cap: " + customerRaw);
        final BigDecimal customer = customerRaw.min(hundred);
        final BigDecimal composite = business.multiply(d("0.5")).add(collaboration.multiply(d("0.2")))
                .add(customer.multiply(d("0.3"))).setScale(2, RoundingMode.HALF_UP);

        final Row s = rows("fct_employee_scorecard", "2026-01", "employee_id").get("A1");
        assertEquals(business.setScale(2, RoundingMode.HALF_UP), s.getAs("business_results_score"));
        assertEquals(collaboration.setScale(2, RoundingMode.HALF_UP), s.getAs("collaboration_score"));
        assertEquals(d("100.00"), s.getAs("customer_value_score"));
        assertEquals(composite, s.getAs("composite_score"));
        assertEquals(d("86.90"), composite);
        assertEquals(9L, s.<Long>getAs("kpi_count"));
        assertEquals(8L, s.<Long>getAs("kpis_with_data"));

        // February: O3's 90,000 against 100,000
        final Map<String, Row> feb = rows("fct_employee_kpi", "2026-02", "employee_id", "kpi");
        assertClose(d("0.9"), feb.get("A1/bookings_attainment").getAs("attainment"), "0.000001", "A1 February bookings");
    }

    @Test
    void newHireIsScoredOnProcessMetricsOnly() {
        final Map<String, Row> k = rows("fct_employee_kpi", "2026-01", "employee_id", "kpi");
        final List<String> business = k.values().stream()
                .filter(r -> "N1".equals(r.getAs("employee_id")) && "business_results".equals(r.getAs("dimension")))
                .map(r -> r.<String>getAs("kpi")).sorted().toList();
        assertEquals(List.of("activities", "decision_chain_coverage", "new_key_contacts"), business);
        // contacts: C1 (decision maker) and C2 (influencer) on AC2 in January; C3 a user, C4 in December: 2 of 4
        final BigDecimal contacts = capAt(d("2").divide(d("4"), MC), "1.5");
        // activities: two visits and a call; the email does not count; the February visit neither: 3 of 30
        final BigDecimal activities = capAt(d("3").divide(d("30"), MC), "1.5");
        // decision chain: AC2, his only account, has a decision maker: 100% against 60%, capped at 120%
        final BigDecimal chain = capAt(d("1").divide(d("0.60"), MC), "1.2");
        assertClose(contacts, k.get("N1/new_key_contacts").getAs("attainment"), "0.000001", "N1 contacts");
        assertClose(activities, k.get("N1/activities").getAs("attainment"), "0.000001", "N1 activities");
        assertEquals(0, d("1.2").compareTo(k.get("N1/decision_chain_coverage").getAs("attainment")));
        final BigDecimal businessScore = contacts.multiply(d("0.4")).add(activities.multiply(d("0.3"))).add(chain.multiply(d("0.3")))
                .multiply(d("100"));
        // collaboration: no review (left out); assists 0 of 2/3; K1 = 1 of 1/3, capped at 2: (0 x 0.2 + 2 x 0.3) / 0.5 = 120, capped
        assertFalse(k.get("N1/peer_review").<Boolean>getAs("has_data"));
        final BigDecimal collaboration = d("100");
        // customer value: AC2 has no responses and no renewals: the dimension is left out, the others share its 30%
        final Row s = rows("fct_employee_scorecard", "2026-01", "employee_id").get("N1");
        assertNull(s.getAs("customer_value_score"));
        final BigDecimal composite = businessScore.multiply(d("0.5")).add(collaboration.multiply(d("0.2")))
                .divide(d("0.7"), MC).setScale(2, RoundingMode.HALF_UP);
        assertEquals(businessScore.setScale(2, RoundingMode.HALF_UP), s.getAs("business_results_score"));
        assertEquals(d("100.00"), s.getAs("collaboration_score"));
        assertEquals(composite, s.getAs("composite_score"));
        assertEquals(d("70.71"), composite);
        assertEquals(2L, s.<Long>getAs("dimensions_with_data"));
        assertEquals("re-weighted: another dimension has no data", k.get("N1/activities").getAs("weight_note"));
    }

    @Test
    void aKpiWithoutDataIsLeftOutAndItsDimensionReweighted() {
        final Map<String, Row> k = rows("fct_employee_kpi", "2026-01", "employee_id", "kpi");
        // A2 (expert): AC3 has no invoices in January: collection rate is left out, bookings and strategic accounts share it
        final Row collection = k.get("A2/collection_rate");
        assertFalse(collection.<Boolean>getAs("has_data"));
        assertNull(collection.getAs("points"));
        assertEquals(0L, collection.<Long>getAs("evidence_rows"));
        final BigDecimal bookingsWeight = d("0.49").divide(d("0.79"), MC);
        assertClose(bookingsWeight, k.get("A2/bookings_attainment").getAs("effective_kpi_weight"), "0.00000001", "A2 bookings weight");
        // bookings 30,000 of 60,000; AC3 (tier S) won O2: 1 strategic account against 1 a quarter = 3 a month, capped at 2
        final BigDecimal business = d("0.5").multiply(bookingsWeight).add(d("2").multiply(d("0.30").divide(d("0.79"), MC)))
                .multiply(d("100")).min(d("100"));
        // collaboration: assisted on O1: 1 of 2/3 = 1.5 x 0.2; no KB: (0.3 + 0) / 0.5 = 60
        final BigDecimal collaboration = d("1.5").multiply(d("0.2")).divide(d("0.5"), MC).multiply(d("100"));
        final BigDecimal composite = business.multiply(d("0.5")).add(collaboration.multiply(d("0.2"))).divide(d("0.7"), MC)
                .setScale(2, RoundingMode.HALF_UP);
        final Row s = rows("fct_employee_scorecard", "2026-01", "employee_id").get("A2");
        assertEquals(composite, s.getAs("composite_score"));
        assertEquals(d("88.57"), composite);
        // the points of the KPIs add up to the composite when no dimension is capped (A2's business results is)
        assertTrue(k.get("A2/strategic_accounts").<Boolean>getAs("has_data"));
        assertEquals("re-weighted: other KPIs of its dimension and another dimension have no data",
                k.get("A2/bookings_attainment").getAs("weight_note"));
    }

    @Test
    void equalScoresShareARankInTheTeam() {
        final Map<String, Row> s = rows("fct_employee_scorecard", "2026-01", "employee_id");
        // S1 and S2: no bookings target and no tier-S account (business results left out); no assists, no KB: 0;
        // NPS and CSAT of the team's accounts (they own none): over 100, capped: (0 x 0.35 + 100 x 0.25) / 0.6
        final BigDecimal sc = d("100").multiply(d("0.25")).divide(d("0.6"), MC).setScale(2, RoundingMode.HALF_UP);
        assertEquals(sc, s.get("S1").getAs("composite_score"));
        assertEquals(sc, s.get("S2").getAs("composite_score"));
        final Map<String, Integer> ranks = s.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().<Integer>getAs("rank_in_team"), (a, b) -> a, TreeMap::new));
        assertEquals(Map.of("A1", 1, "N1", 2, "S1", 3, "S2", 3, "A2", 1), ranks);
        final List<Row> evidence = ctx.warehouse().read("bdg_kpi_evidence")
                .filter("employee_id = 'S1' AND period = '2026-01' AND kpi = 'csat'").collectAsList();
        assertEquals(2, evidence.size());
        evidence.forEach(r -> assertEquals("team", r.getAs("book_basis")));
    }

    @Test
    void everyKpiValueIsTheSumOfItsEvidence() {
        ctx.warehouse().read("fct_employee_kpi").createOrReplaceTempView("k");
        ctx.warehouse().read("bdg_kpi_evidence").createOrReplaceTempView("e");
        final List<Row> diff = ctx.warehouse().spark().sql("SELECT k.employee_id, k.period, k.kpi, k.evidence_rows, count(e.kpi) AS n, "
                + "k.numerator, sum(e.numerator) AS s FROM k LEFT JOIN e USING (employee_id, period_type, period, kpi) "
                + "GROUP BY 1, 2, 3, 4, 6 HAVING k.evidence_rows <> count(e.kpi) OR k.numerator <> coalesce(sum(e.numerator), 0)")
                .collectAsList();
        assertTrue(diff.isEmpty(), diff.toString());
        // A1's bookings trace to O1 only in January
        final List<String> a1 = ctx.warehouse().read("bdg_kpi_evidence")
                .filter("employee_id = 'A1' AND period = '2026-01' AND kpi = 'bookings_attainment'").collectAsList().stream()
                .map(r -> r.<String>getAs("source_table") + ":" + r.getAs("source_id")).toList();
        assertEquals(List.of("fct_deal_credit:O1"), a1);
    }
}
