package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.scoring.ScoringPlans;
import io.kamwarehouse.spec.CheckResult;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * Deal credit on hand-made deals under the real plans (2025: lead 70 / assists 30; 2026: lead 60 /
 * assists 40), from stand-in fct_opportunity, team members and dim_employee tables and the cfg
 * tables built from conf/scoring: the build and every data check of fct_deal_credit pass. The
 * amounts, worked out by hand, are the cases of fct_deal_credit's tests.yaml.
 */
class DealCreditTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static Map<String, TableRunner.Built> built;

    @BeforeAll
    static void build() {
        ctx = SharedSpark.context(dir);
        ctx.warehouse().spark().conf().set(ScoringPlans.DIR_CONF,
                Paths.get("").toAbsolutePath().getParent().resolve("conf/scoring").toString());
        write("fct_opportunity", "opportunity_id STRING, account_id STRING, owner_employee_id STRING, close_date DATE, "
                + "currency_code STRING, amount DECIMAL(18,2), amount_rpt DECIMAL(18,2), is_won BOOLEAN",
                // D1: 1 lead + 3 assists under 2026; D6: the same deal closed under 2025
                "('D1', 'A1', 'E1', DATE'2026-03-15', 'CNY', 1000.00, 1000.00, true)",
                "('D6', 'A1', 'E1', DATE'2025-11-20', 'CNY', 1000.00, 1000.00, true)",
                // D2: one cent; D3: a lead and no assist (the owner E1 is not on the team)
                "('D2', 'A2', 'E1', DATE'2026-04-01', 'CNY', 0.01, 0.01, true)",
                "('D3', 'A2', 'E1', DATE'2026-04-02', 'CNY', 500.00, 500.00, true)",
                // D4: no lead member: the owner E3 leads; D8: no lead, the owner E4 is also an assist member
                "('D4', 'A3', 'E3', DATE'2026-05-10', 'CNY', 250.00, 250.00, true)",
                "('D8', 'A3', 'E4', DATE'2026-05-11', 'CNY', 200.00, 200.00, true)",
                // D5: a USD deal, credited in the reporting currency (100 USD = 712.35 CNY)
                "('D5', 'A1', 'E1', DATE'2026-06-30', 'USD', 100.00, 712.35, true)",
                // D10: two lead members: the owner E1 leads, E2 gets nothing
                "('D10', 'A2', 'E1', DATE'2026-07-01', 'CNY', 300.00, 300.00, true)",
                // D7: lost; D9: won in 2019, before any plan
                "('D7', 'A1', 'E1', DATE'2026-03-01', 'CNY', 999.00, 999.00, false)",
                "('D9', 'A1', 'E1', DATE'2019-12-31', 'CNY', 999.00, 999.00, true)");
        write("stg_crm__opportunity_team_members", "opportunity_id STRING, employee_id STRING, team_role STRING",
                "('D1', 'E1', 'lead')", "('D1', 'E2', 'assist')", "('D1', 'E3', 'solution')", "('D1', 'E4', 'delivery')",
                "('D6', 'E1', 'lead')", "('D6', 'E2', 'assist')", "('D6', 'E3', 'solution')", "('D6', 'E4', 'delivery')",
                "('D2', 'E1', 'lead')", "('D2', 'E2', 'assist')",
                "('D3', 'E2', 'lead')",
                "('D4', 'E1', 'assist')", "('D4', 'E2', 'solution')",
                "('D8', 'E4', 'assist')", "('D8', 'E2', 'assist')",
                "('D5', 'E1', 'lead')", "('D5', 'E2', 'assist')", "('D5', 'E3', 'delivery')",
                "('D10', 'E2', 'lead')", "('D10', 'E1', 'lead')", "('D10', 'E3', 'assist')",
                "('D7', 'E1', 'lead')", "('D9', 'E1', 'lead')");
        // E1 moves from team T1 to T2 on 2026-04-15
        write("dim_employee", "employee_key BIGINT, employee_id STRING, team_id STRING, valid_from TIMESTAMP, valid_to TIMESTAMP, "
                + "is_current BOOLEAN",
                "(11, 'E1', 'T1', TIMESTAMP'2020-01-01 00:00:00', TIMESTAMP'2026-04-15 00:00:00', false)",
                "(12, 'E1', 'T2', TIMESTAMP'2026-04-15 00:00:00', NULL, true)",
                "(21, 'E2', 'T1', TIMESTAMP'2020-01-01 00:00:00', NULL, true)",
                "(31, 'E3', 'T3', TIMESTAMP'2020-01-01 00:00:00', NULL, true)",
                "(41, 'E4', 'T3', TIMESTAMP'2025-01-01 00:00:00', NULL, true)");
        write("dim_team", "team_key BIGINT, team_id STRING", "(1, 'T1')", "(2, 'T2')", "(3, 'T3')");
        PipelineFixture.calendar(ctx, 2019, 2026);
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        built = new TreeMap<>();
        for (final TableRunner.Built b : new TableRunner(ctx).build(List.of(specs.get("cfg_scoring_plan"),
                specs.get("cfg_deal_credit_role"), specs.get("fct_deal_credit")), JobOptions.INCREMENTAL)) {
            built.put(b.table(), b);
        }
    }

    @AfterAll
    static void reset() {
        ctx.warehouse().spark().conf().unset(ScoringPlans.DIR_CONF);
    }

    private static void write(final String table, final String columns, final String... rows) {
        ctx.warehouse().spark().sql("SELECT * FROM VALUES " + String.join(", ", rows) + " AS t(" + columns.replaceAll(
                " [A-Z]+(\\(\\d+,\\d+\\))?", "") + ")").createOrReplaceTempView("fixture_rows");
        ctx.warehouse().spark().sql("SELECT * FROM fixture_rows").selectExpr(casts(columns)).coalesce(1).write().format("delta")
                .mode(SaveMode.Overwrite).save(ctx.warehouse().tablePath(table));
    }

    private static String[] casts(final String columns) {
        final List<String> out = new ArrayList<>();
        for (final String c : columns.split(",\\s*(?![^()]*\\))")) {
            final String[] p = c.trim().split(" ", 2);
            out.add("CAST(" + p[0] + " AS " + p[1] + ") AS " + p[0]);
        }
        return out.toArray(String[]::new);
    }

    @Test
    void theBuildSucceedsAndEveryCheckPasses() {
        for (final TableRunner.Built b : built.values()) {
            assertEquals(RunRecord.SUCCEEDED, b.status(), b.table() + ": " + TableRunner.describe(b));
            for (final CheckResult c : b.checks()) {
                assertTrue(c.passed(), b.table() + ": " + c);
            }
        }
        assertTrue(built.get("fct_deal_credit").checks().stream().anyMatch(c -> c.name().equals("credits_add_up_to_the_deal_amount")));
    }
}
