package io.kamwarehouse.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.cli.Main;

/**
 * The scoring plan loader on the real plan files (conf/scoring) and on copies of the 2026 plan
 * with one mistake each: every mistake is refused with the file, the field path and the problem.
 */
class ScoringPlanTest {

    private static final Path PLANS = Paths.get("").toAbsolutePath().getParent().resolve("conf/scoring");

    @TempDir
    Path tmp;

    private static String plan2026() {
        try {
            return Files.readString(PLANS.resolve("2026.yaml"), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The 2026 plan with one piece of text replaced (which must be there). */
    private static String mutate(final String from, final String to) {
        final String text = plan2026();
        assertTrue(text.contains(from), "the 2026 plan no longer contains: " + from);
        return text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }

    private static String refused(final String yaml) {
        return assertThrows(ScoringPlanException.class, () -> ScoringPlan.parse("bad.yaml", yaml.getBytes(StandardCharsets.UTF_8)))
                .getMessage();
    }

    private static String sha16(final byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
    }

    // ---- the real plans ----------------------------------------------------------------------

    @Test
    void theRealPlansLoadWithoutGapsOrOverlaps() throws Exception {
        final ScoringPlans plans = ScoringPlans.fromDirectory(PLANS);
        assertEquals(List.of("2025.yaml", "2026.yaml"), plans.all().stream().map(ScoringPlan::file).toList());
        final ScoringPlan p25 = plans.all().get(0);
        final ScoringPlan p26 = plans.all().get(1);
        assertEquals("2025.1", p25.version());
        assertEquals(LocalDate.parse("2020-01-01"), p25.effectiveFrom());
        assertEquals(LocalDate.parse("2025-12-31"), p25.effectiveTo());
        assertEquals("2026.1", p26.version());
        assertEquals(LocalDate.parse("2026-01-01"), p26.effectiveFrom());
        assertEquals(sha16(Files.readAllBytes(PLANS.resolve("2026.yaml"))), p26.hash());
        assertEquals(sha16(Files.readAllBytes(PLANS.resolve("2025.yaml"))), p25.hash());

        // the demo's three years (2023-10 .. 2026-09) all fall under a plan, 2025 and 2026 under different ones
        assertEquals("2025.1", plans.on(LocalDate.parse("2023-10-01")).orElseThrow().version());
        assertEquals("2025.1", plans.on(LocalDate.parse("2025-12-31")).orElseThrow().version());
        assertEquals("2026.1", plans.on(LocalDate.parse("2026-01-01")).orElseThrow().version());
        assertTrue(plans.on(LocalDate.parse("2027-01-01")).isEmpty());

        assertEquals(weights("business_results", "60", "collaboration", "10", "customer_value", "30"),
                p25.roles().roles().get("account_manager").dimensions());
        assertEquals(weights("business_results", "50", "collaboration", "20", "customer_value", "30"),
                p26.roles().roles().get("account_manager").dimensions());
        assertEquals(new BigDecimal("70"), p25.dealCredit().leadShare());
        assertEquals(new BigDecimal("60"), p26.dealCredit().leadShare());
        assertEquals(List.of("assist", "solution", "delivery"), p26.dealCredit().assistRoles());
        assertEquals(List.of("new_hire", "growth", "expert"), p26.careerStages().stages().stream()
                .map(CareerStageSection.Stage::name).toList());
        assertEquals(null, p26.careerStages().stages().get(2).toMonths());
        assertEquals(new BigDecimal("36000"), p26.bonus().targetBonus().get("account_manager"));
        assertEquals(5, p26.serviceSla().tiers().get("B").businessDays());
        assertEquals(new BigDecimal("48"), p26.serviceSla().tiers().get("S").hours());
        assertEquals("targets", p26.kpis().get("bookings_attainment").targetSource());
        assertEquals("bookings", p26.kpis().get("bookings_attainment").targetMetric());
        assertEquals(new BigDecimal("0.95"), p26.kpis().get("collection_rate").targetValue());
    }

    private static Map<String, BigDecimal> weights(final String... kv) {
        final Map<String, BigDecimal> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], new BigDecimal(kv[i + 1]));
        }
        return m;
    }

    @Test
    void effectiveWeightsApplyTheCareerStageShareAndAddUpToOne() {
        final ScoringPlan p = ScoringPlans.fromDirectory(PLANS).all().get(1);
        final Map<String, String> growth = new TreeMap<>();
        final Map<String, String> newHire = new TreeMap<>();
        final Map<String, BigDecimal> totals = new TreeMap<>();
        for (final CfgTables.EffectiveWeight w : ScoringWeights.effective(p)) {
            totals.merge(w.role() + "/" + w.careerStage(), w.compositeWeight(), BigDecimal::add);
            if (w.role().equals("account_manager") && w.careerStage().equals("growth")) {
                growth.put(w.kpi(), w.kpiWeight().stripTrailingZeros().toPlainString() + " "
                        + w.compositeWeight().stripTrailingZeros().toPlainString());
            }
            if (w.role().equals("account_manager") && w.careerStage().equals("new_hire")) {
                newHire.put(w.kpi(), w.kpiWeight().stripTrailingZeros().toPlainString());
            }
        }
        // growth takes 30% of business results (50%): account_growth 0.3 of it; the role's KPIs keep 70%
        // (bookings 70% x 70% = 0.49, collection 30% x 70% = 0.21); the other dimensions are the role's.
        assertEquals(Map.of(
                "bookings_attainment", "0.49 0.245",
                "collection_rate", "0.21 0.105",
                "account_growth", "0.3 0.15",
                "peer_review", "0.5 0.1",
                "assists", "0.2 0.04",
                "kb_contributions", "0.3 0.06",
                "nps_owned", "0.4 0.12",
                "renewal_rate", "0.4 0.12",
                "csat", "0.2 0.06"), growth);
        // a new hire's business results are the stage's KPIs alone (share 100): the role's are left out
        assertEquals(Map.of("new_key_contacts", "0.4", "activities", "0.3", "decision_chain_coverage", "0.3",
                "peer_review", "0.5", "assists", "0.2", "kb_contributions", "0.3", "nps_owned", "0.4", "renewal_rate", "0.4",
                "csat", "0.2"), newHire);
        assertEquals(15, totals.size()); // 5 roles x 3 stages
        totals.forEach((k, v) -> assertEquals(0, v.compareTo(BigDecimal.ONE), k + " adds up to " + v));
    }

    // ---- the hash ----------------------------------------------------------------------------

    @Test
    void theHashIsStableAndChangesWithTheContent() throws Exception {
        final byte[] bytes = plan2026().getBytes(StandardCharsets.UTF_8);
        final String h = ScoringPlan.parse("2026.yaml", bytes).hash();
        assertEquals(16, h.length());
        assertTrue(h.matches("[0-9a-f]{16}"));
        assertEquals(h, ScoringPlan.parse("other-name.yaml", bytes.clone()).hash(), "the hash is of the bytes, not the name");
        assertEquals(sha16(bytes), h);
        final String withComment = plan2026() + "# a comment changes the bytes\n";
        assertNotEquals(h, ScoringPlan.parse("2026.yaml", withComment.getBytes(StandardCharsets.UTF_8)).hash());
        final String otherWeight = mutate("lead_share: 60\n  assist_share: 40", "lead_share: 50\n  assist_share: 50");
        assertNotEquals(h, ScoringPlan.parse("2026.yaml", otherWeight.getBytes(StandardCharsets.UTF_8)).hash());
    }

    // ---- each mistake, refused with the field named -------------------------------------------

    @Test
    void roleDimensionWeightsMustAddUpTo100() {
        assertEquals("scoring plan bad.yaml, roles.account_manager.dimensions: weights add up to 90, not 100 "
                + "(business_results 50 + collaboration 20 + customer_value 20)",
                refused(mutate("dimensions: {business_results: 50, collaboration: 20, customer_value: 30}",
                        "dimensions: {business_results: 50, collaboration: 20, customer_value: 20}")));
    }

    @Test
    void kpiWeightsWithinADimensionMustAddUpTo100() {
        assertEquals("scoring plan bad.yaml, roles.account_manager.kpis.business_results: weights add up to 110, not 100 "
                + "(bookings_attainment 80 + collection_rate 30)",
                refused(mutate("business_results: {bookings_attainment: 70, collection_rate: 30}",
                        "business_results: {bookings_attainment: 80, collection_rate: 30}")));
    }

    @Test
    void stageKpiWeightsMustAddUpTo100() {
        assertEquals("scoring plan bad.yaml, career_stages.new_hire.kpis: weights add up to 90, not 100 "
                + "(new_key_contacts 40 + activities 30 + decision_chain_coverage 20)",
                refused(mutate("kpis: {new_key_contacts: 40, activities: 30, decision_chain_coverage: 30}",
                        "kpis: {new_key_contacts: 40, activities: 30, decision_chain_coverage: 20}")));
    }

    @Test
    void dealCreditSharesMustAddUpTo100() {
        assertEquals("scoring plan bad.yaml, deal_credit: lead_share + assist_share add up to 90, not 100 (60 + 30)",
                refused(mutate("assist_share: 40", "assist_share: 30")));
    }

    @Test
    void targetSeasonalityMustGiveEveryMonthAndAddUpTo100() {
        assertEquals("scoring plan bad.yaml, targets.seasonality: weights add up to 95, not 100 (jan 6 + feb 6 + mar 10 + apr 8 + "
                + "may 8 + jun 10 + jul 8 + aug 8 + sep 10 + oct 8 + nov 8 + dec 5)",
                refused(mutate("nov: 8, dec: 10}", "nov: 8, dec: 5}")));
        assertEquals("scoring plan bad.yaml, targets.seasonality: has no weight for dec: every month needs one (0 for none)",
                refused(mutate("oct: 8, nov: 8, dec: 10}", "oct: 8, nov: 18}")));
        assertEquals("scoring plan bad.yaml, targets.seasonality.sept: is not a month; write jan, feb, mar, apr, may, jun, jul, aug, "
                + "sep, oct, nov, dec", refused(mutate("sep: 10,", "sept: 10,")));
    }

    @Test
    void targetShareBasesAndTheAmountAreChecked() {
        assertEquals("scoring plan bad.yaml, targets.team_shares: 'headcount' is not one of quota, equal",
                refused(mutate("team_shares: quota", "team_shares: headcount")));
        assertEquals("scoring plan bad.yaml, targets.bookings: 0 must be above 0", refused(mutate("bookings: 235000000", "bookings: 0")));
        assertEquals("scoring plan bad.yaml, targets.bookings.2025: is outside the plan's effective period 2026-01-01 to 2026-12-31",
                refused(mutate("bookings: 235000000", "bookings: {2025: 100, 2026: 200}")));
    }

    @Test
    void aTargetPerYearOrOneForEveryYear() throws Exception {
        final ScoringPlan y2025 = ScoringPlan.parse("2025.yaml", Files.readAllBytes(PLANS.resolve("2025.yaml")));
        assertEquals("{2024=175000000, 2025=215000000}", y2025.targets().bookings().toString());
        final ScoringPlan every = ScoringPlan.parse("x.yaml", Files.readString(PLANS.resolve("2025.yaml"))
                .replace("bookings: {2024: 175000000, 2025: 215000000}", "bookings: 1000").getBytes(StandardCharsets.UTF_8));
        assertEquals("{2020=1000, 2021=1000, 2022=1000, 2023=1000, 2024=1000, 2025=1000}", every.targets().bookings().toString());
    }

    @Test
    void aPlanWithoutTargetsSetsNone() {
        final String text = plan2026();
        final String without = text.substring(0, text.indexOf("\n# Bookings targets set top-down"));
        assertEquals(null, ScoringPlan.parse("no-targets.yaml", without.getBytes(StandardCharsets.UTF_8)).targets());
        assertEquals(0, io.kamwarehouse.scoring.CfgTables.rows(io.kamwarehouse.scoring.CfgTables.get("target"),
                java.util.List.of(ScoringPlan.parse("no-targets.yaml", without.getBytes(StandardCharsets.UTF_8)))).size());
    }

    @Test
    void teamHealthPointsMustAddUpTo100() {
        assertEquals("scoring plan bad.yaml, team_health: the points of the dimensions add up to 95, not 100 "
                + "(role_completeness 25 + process_penetration 25 + knowledge_vitality 20 + data_acuity 25)",
                refused(mutate("knowledge_vitality:\n    points: 25", "knowledge_vitality:\n    points: 20")));
    }

    @Test
    void dataAcuityMetricsNameTheRolesExpectedToRecordThem() {
        final TeamHealthSection th = ScoringPlan.parse("2026.yaml", plan2026().getBytes(StandardCharsets.UTF_8)).teamHealth();
        assertEquals(List.of("activities", "contacts", "stage_history", "delivery_milestones", "service_tickets", "nps_responses",
                "peer_reviews", "kb_contributions"), th.metrics());
        assertEquals(List.of("project_manager"), th.metricRoles().get("delivery_milestones"));
        assertEquals(List.of(), th.metricRoles().get("peer_reviews"), "all: every member");
        assertEquals("scoring plan bad.yaml, team_health.data_acuity.metrics.contacts: unknown role 'sales' (roles: account_manager, "
                + "solution_consultant, project_manager, customer_success, back_office)",
                refused(mutate("contacts: [account_manager]", "contacts: [sales]")));
        assertEquals("scoring plan bad.yaml, team_health.data_acuity.metrics.contacts: must not be empty",
                refused(mutate("contacts: [account_manager]", "contacts: []")));
        // the list form (every member expected to record each metric) stays valid
        final TeamHealthSection listed = ScoringPlan.parse("2026.yaml", mutate("      activities: [account_manager, solution_consultant,"
                + " customer_success]\n      contacts: [account_manager]\n      stage_history: [account_manager]\n"
                + "      delivery_milestones: [project_manager]\n      service_tickets: [customer_success, back_office]\n"
                + "      nps_responses: [account_manager]\n      peer_reviews: all\n      kb_contributions: all",
                "      [activities, peer_reviews]").replace("    metrics:\n      [", "    metrics: [")
                .getBytes(StandardCharsets.UTF_8)).teamHealth();
        assertEquals(List.of("activities", "peer_reviews"), listed.metrics());
        assertTrue(listed.metricRoles().isEmpty());
    }

    @Test
    void targetMixMustAddUpTo100() {
        assertTrue(refused(mutate("customer_success: 15, back_office: 10}", "customer_success: 15, back_office: 5}"))
                .startsWith("scoring plan bad.yaml, team_health.role_completeness.target_mix: weights add up to 95, not 100"));
    }

    @Test
    void anUnknownKpiIsRefused() {
        assertTrue(refused(mutate("customer_value: {csat: 100}", "customer_value: {csatt: 100}"))
                .startsWith("scoring plan bad.yaml, roles.back_office.kpis.customer_value.csatt: unknown KPI 'csatt' "
                        + "(declared under kpis: bookings_attainment, "));
    }

    @Test
    void aKpiUnderAnotherDimensionIsRefused() {
        assertEquals("scoring plan bad.yaml, roles.account_manager.kpis.collaboration.csat: KPI 'csat' scores customer_value, "
                + "not collaboration; move it under customer_value or change its dimension in kpis:",
                refused(mutate("collaboration: {peer_review: 50, assists: 20, kb_contributions: 30}",
                        "collaboration: {peer_review: 50, csat: 20, kb_contributions: 30}")));
        // stage KPIs share business results, so they must be business-results KPIs
        assertEquals("scoring plan bad.yaml, career_stages.expert.kpis.peer_review: KPI 'peer_review' scores collaboration, "
                + "not business_results; move it under collaboration or change its dimension in kpis:",
                refused(mutate("kpis: {strategic_accounts: 100}", "kpis: {peer_review: 100}")));
    }

    @Test
    void anUnknownRoleIsRefused() {
        assertEquals("scoring plan bad.yaml, bonus.target_bonus.back_offize: unknown role 'back_offize' (roles: account_manager, "
                + "solution_consultant, project_manager, customer_success, back_office)",
                refused(mutate("back_office: 9000", "back_offize: 9000")));
        assertTrue(refused(mutate("customer_success: 15, back_office: 10}", "customer_success: 15, sales: 10}"))
                .startsWith("scoring plan bad.yaml, team_health.role_completeness.target_mix.sales: unknown role 'sales'"));
    }

    @Test
    void overlappingOrGappedCareerStagesAreRefused() {
        assertEquals("scoring plan bad.yaml, career_stages.growth.from_months: stages overlap: growth starts at 5 months, "
                + "before new_hire ends at 6",
                refused(mutate("from_months: 6\n    to_months: 18", "from_months: 5\n    to_months: 18")));
        assertEquals("scoring plan bad.yaml, career_stages.growth.from_months: gap between stages: new_hire ends at 6 months "
                + "but growth starts at 7",
                refused(mutate("from_months: 6\n    to_months: 18", "from_months: 7\n    to_months: 18")));
        assertEquals("scoring plan bad.yaml, career_stages.expert.to_months: the last stage must be open-ended (no to_months), "
                + "so every employee has a stage",
                refused(mutate("from_months: 18\n", "from_months: 18\n    to_months: 120\n")));
    }

    @Test
    void overlappingPlanPeriodsAcrossFilesAreRefused() throws IOException {
        Files.writeString(tmp.resolve("2026.yaml"), plan2026());
        Files.writeString(tmp.resolve("2026b.yaml"), plan2026().replace("version: \"2026.1\"", "version: \"2026.2\"")
                .replace("effective_from: 2026-01-01", "effective_from: 2026-07-01")
                .replace("effective_to: 2026-12-31", "effective_to: 2027-06-30"));
        final ScoringPlanException e = assertThrows(ScoringPlanException.class, () -> ScoringPlans.fromDirectory(tmp));
        assertEquals("scoring plan 2026b.yaml, effective_from: plans overlap: 2026b.yaml is effective from 2026-07-01 to "
                + "2027-06-30, 2026.yaml from 2026-01-01 to 2026-12-31; a date may fall under one plan only", e.getMessage());
    }

    @Test
    void aPayoutCurveThatDoesNotIncreaseIsRefused() {
        assertEquals("scoring plan bad.yaml, bonus.payout_curve[2].factor: the payout curve must increase: factor 0.8 is not "
                + "above the previous point's 0.9",
                refused(mutate("{score: 85, factor: 1.1}", "{score: 85, factor: 0.8}")));
        assertEquals("scoring plan bad.yaml, bonus.payout_curve[2].score: the payout curve must increase: score 60 is not "
                + "above the previous point's 70",
                refused(mutate("{score: 85, factor: 1.1}", "{score: 60, factor: 1.1}")));
    }

    @Test
    void aMissingSlaTierIsRefused() {
        assertTrue(refused(mutate("  B: {business_days: 5}\n", ""))
                .startsWith("scoring plan bad.yaml, service_sla.B: is missing: every account tier (S, A, B) needs a response time"));
    }

    @Test
    void unknownKeysAreRefused() {
        assertEquals("scoring plan bad.yaml, deal_credit.lead_shar: unknown key 'lead_shar' (allowed here: assist_roles, "
                + "assist_share, lead_share)",
                refused(mutate("  lead_share: 60", "  lead_shar: 60")));
        assertTrue(refused(mutate("currency: CNY", "curency: CNY"))
                .startsWith("scoring plan bad.yaml, curency: unknown key 'curency'"));
        assertTrue(refused(mutate("    cap: 1.5\n", "    cap: 1.5\n    weight: 3\n"))
                .startsWith("scoring plan bad.yaml, kpis.bookings_attainment.weight: unknown key 'weight'"));
    }

    // ---- the scoring_plan job kind in table specs ---------------------------------------------

    @Test
    void aScoringPlanSpecNamesAKnownSectionAndReadsNoTable() {
        final String spec = """
                name: cfg_service_sla
                layer: gold
                description: SLA per tier.
                grain: one row per plan_version x tier
                keys: [plan_version, tier]
                inputs: []
                job: scoring_plan
                scoring_plan: {section: service_sla}
                schedule: daily
                owner: analytics
                checks:
                  - unique: [plan_version, tier]
                  - not_null: [plan_version, tier]
                """;
        final String path = "tables/gold/config/cfg_service_sla/table.yaml";
        assertEquals("service_sla", io.kamwarehouse.spec.TableSpecCatalog.parse(path, spec)
                .params(io.kamwarehouse.spec.ScoringPlanParams.class).section());
        final Exception unknown = assertThrows(io.kamwarehouse.spec.TableSpecException.class,
                () -> io.kamwarehouse.spec.TableSpecCatalog.parse(path, spec.replace("section: service_sla", "section: slas")));
        assertTrue(unknown.getMessage().startsWith("table spec tables/gold/config/cfg_service_sla/table.yaml, scoring_plan.section: 'slas' is not "
                + "a section of the scoring plan tables (known: scoring_plan, scoring_kpi, "), unknown.getMessage());
        final Exception reads = assertThrows(io.kamwarehouse.spec.TableSpecException.class,
                () -> io.kamwarehouse.spec.TableSpecCatalog.parse(path, spec.replace("inputs: []", "inputs: [dim_date]")));
        assertEquals("table spec tables/gold/config/cfg_service_sla/table.yaml, inputs: a scoring_plan job reads the scoring plan files, not "
                + "tables: write 'inputs: []'", reads.getMessage());
    }

    // ---- kamw plan check ---------------------------------------------------------------------

    @Test
    void planCheckPrintsEachPlanAndFailsWithTheMessage() throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream stdout = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.execute(new String[] {"--conf", "kamw.scoring.dir=" + PLANS, "plan", "check"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
        final String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        final String h25 = ScoringPlans.fromDirectory(PLANS).all().get(0).hash();
        assertTrue(text.contains("2025.yaml: plan kam-scoring version 2025.1, hash " + h25
                + ", effective 2020-01-01 to 2025-12-31, currency CNY"), text);
        assertTrue(text.contains("    account_manager: business_results 60, collaboration 10, customer_value 30"), text);
        assertTrue(text.contains("2026.yaml: plan kam-scoring version 2026.1"), text);

        final Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, mutate("assist_share: 40", "assist_share: 30"));
        final ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        final int failed = Main.execute(new String[] {"plan", "check", bad.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err2, true, StandardCharsets.UTF_8));
        assertEquals(2, failed);
        assertEquals("kamw: error: scoring plan bad.yaml, deal_credit: lead_share + assist_share add up to 90, not 100 (60 + 30)",
                err2.toString(StandardCharsets.UTF_8).trim());
    }
}
