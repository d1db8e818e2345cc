package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.CheckResult;
import io.kamwarehouse.spec.CheckSpec;
import io.kamwarehouse.spec.DataChecks;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * {@code fct_account_clv}'s invariant that both fitted models give a CLV, as the spec states it: an
 * account whose Gamma-Gamma expected spend does not exist (p x + q &lt;= 1) may have none, any other may not.
 */
class AccountClvCheckTest {

    private static final String CHECK = "clv_where_both_models_fitted";

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static TableSpec spec;

    @BeforeAll
    static void theShippedSpec() throws Exception {
        ctx = SharedSpark.context(dir);
        final TableSpec full = TableSpecCatalog.parse("tables/gold/account_value/fct_account_clv/table.yaml",
                Files.readString(SharedSpark.schemasDir().resolve("tables/gold/account_value/fct_account_clv/table.yaml")),
                Files.readString(SharedSpark.schemasDir().resolve("tables/gold/account_value/fct_account_clv/query.sql")), true);
        final List<CheckSpec> only = full.checks().stream().filter(c -> CHECK.equals(c.name())).toList();
        assertEquals(1, only.size(), "the spec has the check " + CHECK);
        spec = new TableSpec(full.name(), full.layer(), full.description(), full.grain(), full.keys(), full.inputs(), full.job(),
                full.params(), only, full.schedule(), full.owner(), full.origin());
    }

    private static CheckResult check(final String values) {
        final Dataset<Row> rows = ctx.warehouse().spark().sql("SELECT account_id, CAST(as_of_date AS DATE) AS as_of_date, "
                + "bgnbd_r, gg_p, gg_q, CAST(frequency AS INT) AS frequency, CAST(clv_3y AS DECIMAL(18,2)) AS clv_3y FROM VALUES "
                + values + " AS t(account_id, as_of_date, bgnbd_r, gg_p, gg_q, frequency, clv_3y)");
        final List<CheckResult> results = DataChecks.run(ctx.warehouse(), spec, rows);
        assertEquals(1, results.size());
        return results.get(0);
    }

    @Test
    void aMissingClvIsAllowedOnlyWhereTheExpectedSpendDoesNotExist() {
        final CheckResult ok = check(
                // both fitted, CLV present
                "('A1', '2026-09-30', 0.8D, 6.0D, 3.0D, 2, 1200.00), "
                // pooled fit with q = 0.66 and no repeat deal: p*0 + q <= 1, the expected spend is infinite
                + "('A2', '2026-09-30', 0.8D, 6.0D, 0.66D, 0, NULL), "
                // same fit, two repeat deals: p*2 + q > 1, so the CLV exists and is given
                + "('A3', '2026-09-30', 0.8D, 6.0D, 0.66D, 2, 300.00), "
                // BG/NBD not fitted: no CLV expected
                + "('A4', '2026-09-30', NULL, 6.0D, 3.0D, 1, NULL)");
        assertEquals(0, ok.failingRows(), ok.detail());
    }

    @Test
    void aMissingClvWhereTheExpectedSpendExistsFails() {
        final CheckResult failed = check(
                "('A1', '2026-09-30', 0.8D, 6.0D, 3.0D, 2, 1200.00), "
                // q > 1: the spend exists for every account, so a null CLV is a defect
                + "('A5', '2026-09-30', 0.8D, 6.0D, 3.0D, 0, NULL), "
                // q <= 1 but a repeat deal makes p x + q > 1: the spend exists, a null CLV is a defect
                + "('A6', '2026-09-30', 0.8D, 0.5D, 0.66D, 1, NULL)");
        assertFalse(failed.passed());
        assertEquals(2, failed.failingRows(), failed.detail());
        assertEquals(List.of("A5, 2026-09-30", "A6, 2026-09-30"), failed.sampleFailingKeys());
    }
}
