package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.scoring.ScoringPlans;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The scoring_plan job on a small plan of one role and two career stages: the cfg_ tables hold
 * the expected rows with the plan's version and hash, pass their checks, a rerun with the same
 * plan writes no new version, an edited plan rewrites them with its new hash, and a plan that does
 * not check fails the job with the file and field named.
 */
class ScoringPlanTablesTest {

    /** One role; business results 50 split 60/40, a first-year stage taking half of it. */
    static final String SMALL_PLAN = """
            plan: small
            version: "S.1"
            effective_from: 2026-01-01
            effective_to: 2026-12-31
            currency: CNY
            kpis:
              br_a: {dimension: business_results, description: a, target: {source: targets, metric: bookings}, cap: 1.5}
              br_b: {dimension: business_results, description: b, target: {value: 0.95}, cap: 1.2}
              stage_kpi: {dimension: business_results, description: s, target: {value: 3}, cap: 2}
              collab: {dimension: collaboration, description: c, target: {value: 4.0}, cap: 1.25}
              cv: {dimension: customer_value, description: v, target: {value: 30}, cap: 1.5}
            roles:
              account_manager:
                dimensions: {business_results: 50, collaboration: 20, customer_value: 30}
                kpis:
                  business_results: {br_a: 60, br_b: 40}
                  collaboration: {collab: 100}
                  customer_value: {cv: 100}
            career_stages:
              first_year: {from_months: 0, to_months: 12, share: 50, kpis: {stage_kpi: 100}}
              later: {from_months: 12, share: 0}
            deal_credit: {lead_share: 75, assist_share: 25, assist_roles: [assist]}
            bonus:
              period: quarter
              target_bonus: {account_manager: 1000.50}
              team_lead_multiplier: 1.5
              payout_curve: [{score: 50, factor: 0.5}, {score: 100, factor: 1.5}]
              deferred_share: 20
              release_after_quarters: 1
              clawback_on_churn: false
              match_tolerance: 0.01
            team_health:
              rebuild_below: 60
              role_completeness: {points: 40, target_mix: {account_manager: 100}}
              process_penetration: {points: 20, min_stages: 2, min_activities: 3}
              knowledge_vitality: {points: 20, target_per_member: 0.5}
              data_acuity: {points: 20, metrics: [activities, contacts]}
            service_sla: {S: {hours: 24}, A: {hours: 36.5}, B: {business_days: 3}}
            targets:
              bookings: 1200000.50
              seasonality: {jan: 10, feb: 0, mar: 10, apr: 10, may: 10, jun: 10, jul: 5, aug: 5, sep: 10, oct: 10, nov: 10, dec: 10}
              team_shares: equal
              member_shares: quota
              gap_tolerance: 7.5
            """;

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static List<TableSpec> cfg;
    private static Path plans;

    @BeforeAll
    static void warehouse() throws IOException {
        ctx = SharedSpark.context(dir.resolve("wh"));
        plans = Files.createDirectories(dir.resolve("plans"));
        Files.writeString(plans.resolve("small.yaml"), SMALL_PLAN);
        ctx.warehouse().spark().conf().set(ScoringPlans.DIR_CONF, plans.toString());
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        cfg = specs.all().stream().filter(s -> s.name().startsWith("cfg_")).toList();
    }

    @AfterAll
    static void reset() {
        ctx.warehouse().spark().conf().unset(ScoringPlans.DIR_CONF);
    }

    private static Map<String, TableRunner.Built> build() {
        final Map<String, TableRunner.Built> out = new TreeMap<>();
        for (final TableRunner.Built b : new TableRunner(ctx).build(cfg, JobOptions.INCREMENTAL)) {
            out.put(b.table(), b);
        }
        return out;
    }

    private static List<String> rows(final String table, final String columns) {
        final List<String> out = new ArrayList<>();
        for (final Row r : ctx.warehouse().spark().sql("SELECT " + columns + " FROM delta.`" + ctx.warehouse().tablePath(table)
                + "` ORDER BY 1, 2").collectAsList()) {
            final List<String> cells = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
                final Object v = r.get(i);
                cells.add(v instanceof BigDecimal b ? b.stripTrailingZeros().toPlainString() : String.valueOf(v));
            }
            out.add(String.join(" ", cells));
        }
        return out;
    }

    private static String sha16(final String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
    }

    @Test
    void cfgTablesHoldThePlanAndARerunWritesNothing() throws Exception {
        final String hash = sha16(SMALL_PLAN);
        final Map<String, TableRunner.Built> first = build();
        assertEquals(13, first.size());
        first.forEach((t, b) -> {
            assertEquals(RunRecord.SUCCEEDED, b.status(), t + ": " + TableRunner.describe(b));
            assertTrue(b.checks().stream().allMatch(c -> c.passed()), t + ": " + b.checks());
            assertTrue(b.job().message().contains("small.yaml " + hash + " (version S.1)"), b.job().message());
        });

        assertEquals(List.of("S.1 " + hash + " 2026-01-01 2026-12-31 small.yaml small CNY 0.75 0.25 quarter 0.2 1 false 1.5 0.01 60"),
                rows("cfg_scoring_plan", "plan_version, plan_hash, effective_from, effective_to, plan_file, plan, currency, "
                        + "deal_lead_share, deal_assist_share, bonus_period, bonus_deferred_share, bonus_release_after_quarters, "
                        + "bonus_clawback_on_churn, bonus_team_lead_multiplier, bonus_match_tolerance, team_health_rebuild_below"));
        // first year: stage_kpi takes 50% of business results, br_a 60% and br_b 40% of the other half;
        // later (share 0): br_a and br_b alone, and stage_kpi has no weight so no row.
        assertEquals(List.of(
                "first_year br_a business_results 0.5 0.3 0.15",
                "first_year br_b business_results 0.5 0.2 0.1",
                "first_year collab collaboration 0.2 1 0.2",
                "first_year cv customer_value 0.3 1 0.3",
                "first_year stage_kpi business_results 0.5 0.5 0.25",
                "later br_a business_results 0.5 0.6 0.3",
                "later br_b business_results 0.5 0.4 0.2",
                "later collab collaboration 0.2 1 0.2",
                "later cv customer_value 0.3 1 0.3"),
                rows("cfg_scoring_weight", "career_stage, kpi, dimension, dimension_weight, kpi_weight, composite_weight"));
        assertEquals(List.of("br_a business_results targets bookings null 1.5 true", "br_b business_results value null 0.95 1.2 true",
                "collab collaboration value null 4 1.25 true", "cv customer_value value null 30 1.5 true",
                "stage_kpi business_results value null 3 2 true"),
                rows("cfg_scoring_kpi", "kpi, dimension, target_source, target_metric, target_value, cap, higher_is_better"));
        assertEquals(List.of("first_year 0 12 0.5", "later 12 null 0"),
                rows("cfg_career_stage", "career_stage, from_months, to_months, business_results_share"));
        assertEquals(List.of("S.1 assist"), rows("cfg_deal_credit_role", "plan_version, team_role"));
        assertEquals(List.of("account_manager 1000.5 CNY"), rows("cfg_bonus_target", "role, target_bonus_amount, currency"));
        assertEquals(List.of("1 50 0.5", "2 100 1.5"), rows("cfg_bonus_curve", "point, score, factor"));
        assertEquals(List.of("data_acuity 20 null null null", "knowledge_vitality 20 null null 0.5",
                "process_penetration 20 2 3 null", "role_completeness 40 null null null"),
                rows("cfg_team_health", "dimension, points, min_stages, min_activities, target_per_member"));
        assertEquals(List.of("account_manager 1"), rows("cfg_team_role_target", "role, target_share"));
        assertEquals(List.of("activities S.1", "contacts S.1"), rows("cfg_team_health_metric", "metric, plan_version"));
        assertEquals(List.of("A 36.5 null", "B null 3", "S 24 null"), rows("cfg_service_sla", "tier, response_hours, response_business_days"));
        assertEquals(List.of("S.1 bookings 2026 1200000.5 CNY equal quota 0.075"),
                rows("cfg_target", "plan_version, metric, year, target_amount, currency, team_share_basis, member_share_basis, gap_tolerance"));
        assertEquals(List.of("1 0.1", "2 0", "3 0.1", "4 0.1", "5 0.1", "6 0.1", "7 0.05", "8 0.05", "9 0.1", "10 0.1", "11 0.1", "12 0.1"),
                rows("cfg_target_seasonality", "month_number, weight"));

        // a rerun with the same plan writes nothing
        final Map<String, Long> versions = new TreeMap<>();
        cfg.forEach(s -> versions.put(s.name(), ctx.warehouse().version(s.name())));
        final Map<String, TableRunner.Built> again = build();
        again.forEach((t, b) -> {
            assertEquals(RunRecord.SKIPPED, b.status(), t + ": " + TableRunner.describe(b));
            assertTrue(b.message().startsWith("scoring plans unchanged since the last build: plans small.yaml " + hash), b.message());
            assertEquals(versions.get(t), ctx.warehouse().version(t), t);
        });

        // an edited plan is written again, with its new hash
        final String edited = SMALL_PLAN.replace("{S: {hours: 24}", "{S: {hours: 12}");
        Files.writeString(plans.resolve("small.yaml"), edited);
        try {
            // (two of the tables are enough to show it; the others follow the same fingerprint)
            final List<TableSpec> two = cfg.stream().filter(s -> s.name().equals("cfg_service_sla")
                    || s.name().equals("cfg_scoring_plan")).toList();
            for (final TableRunner.Built b : new TableRunner(ctx).build(two, JobOptions.INCREMENTAL)) {
                assertEquals(RunRecord.SUCCEEDED, b.status(), b.table() + ": " + TableRunner.describe(b));
            }
            assertEquals(versions.get("cfg_service_sla") + 1, ctx.warehouse().version("cfg_service_sla"));
            assertEquals(List.of("S.1 " + sha16(edited)), rows("cfg_scoring_plan", "plan_version, plan_hash"));
            final String h2 = sha16(edited);
            assertEquals(List.of("A 36.5 " + h2, "B null " + h2, "S 12 " + h2), rows("cfg_service_sla", "tier, response_hours, plan_hash"));

            // the run log names the plan file and hash read
            final long logged = ctx.warehouse().read("run_log").filter("output_table = 'cfg_service_sla' AND status = 'succeeded' "
                    + "AND message LIKE '%small.yaml " + sha16(edited) + "%'").count();
            assertEquals(1, logged);
        } finally {
            Files.writeString(plans.resolve("small.yaml"), SMALL_PLAN);
        }
    }

    @Test
    void aPlanThatDoesNotCheckFailsTheJobWithTheFieldNamed() throws IOException {
        final Path bad = Files.createDirectories(dir.resolve("bad-plans"));
        Files.writeString(bad.resolve("small.yaml"), SMALL_PLAN.replace("share: 50, kpis", "share: 150, kpis"));
        ctx.warehouse().spark().conf().set(ScoringPlans.DIR_CONF, bad.toString());
        try {
            final List<TableRunner.Built> built = new TableRunner(ctx).build(List.of(cfg.get(0)), JobOptions.INCREMENTAL);
            assertEquals(RunRecord.FAILED, built.get(0).status());
            assertEquals("scoring plan small.yaml, career_stages.first_year.share: 150 is not a percentage between 0 and 100",
                    built.get(0).message());
        } finally {
            ctx.warehouse().spark().conf().set(ScoringPlans.DIR_CONF, plans.toString());
        }
    }
}
