package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.WarehouseConfig;
import io.kamwarehouse.spec.CheckResult;
import io.kamwarehouse.spec.DataChecks;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/** Staging through the repository's specs: latest version per key, incremental merges, FX conversion. */
class StagingJobTest {

    private static final Instant T0 = Instant.parse("2026-10-01T12:00:00Z");
    private static final LocalDate D0 = LocalDate.parse("2026-10-01");

    @TempDir
    Path dir;
    private RunContext ctx;
    private TableSpecCatalog specs;

    @BeforeEach
    void warehouse() {
        ctx = SharedSpark.context(dir);
        specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
    }

    private JobResult stage(final String table) {
        return new StagingJob().run(ctx, specs.get(table));
    }

    /** Appends fixture {@code file} as batch number {@code n}, delivered n-1 days after the first. */
    private void deliver(final String entity, final String file, final int n) {
        BronzeFixture.append(ctx, entity, file, entity + "-b" + n, D0.plusDays(n - 1), T0.plus(Duration.ofDays(n - 1)));
    }

    private Map<String, Row> rows(final String table) {
        final Map<String, Row> out = new TreeMap<>();
        for (final Row r : ctx.warehouse().read(table).collectAsList()) {
            out.put(r.getString(0), r);
        }
        return out;
    }

    private long version(final String table) {
        return ctx.warehouse().version(table);
    }

    @Test
    void theLatestVersionOfEachKeyWinsAcrossBatches() {
        deliver("crm.accounts", "batch1.csv", 1);
        final JobResult first = stage("stg_crm__accounts");
        assertEquals(RunRecord.SUCCEEDED, first.status());
        assertTrue(first.message().startsWith("first build"), first.message());
        assertEquals(2, first.rowsWritten());
        assertEquals(Map.of("raw_crm__accounts", 0L), first.inputVersions());
        final Row a002Before = rows("stg_crm__accounts").get("A002");

        deliver("crm.accounts", "batch2.csv", 2);
        final JobResult second = stage("stg_crm__accounts");
        assertEquals(3, second.rowsRead());
        assertEquals(2, second.rowsWritten(), second.message());
        assertTrue(second.message().endsWith("1 inserted, 1 updated"), second.message());
        assertEquals(first.outputVersion() + 1, second.outputVersion());
        final Map<String, Row> after = rows("stg_crm__accounts");
        assertEquals(Set.of("A001", "A002", "A003"), after.keySet());
        assertEquals("S", after.get("A001").getAs("tier"));
        assertEquals("East Precision Group", after.get("A001").getAs("account_name"), "the later of two versions in one batch");
        assertEquals("crm.accounts-b2", after.get("A001").getAs("_batch_id"));
        assertEquals(a002Before.<Object>getAs("_updated_at"), after.get("A002").getAs("_updated_at"), "untouched rows keep _updated_at");
        assertNotEquals(a002Before.<Object>getAs("_updated_at"), after.get("A001").getAs("_updated_at"));

        deliver("crm.accounts", "batch3_older.csv", 3);
        final JobResult third = stage("stg_crm__accounts");
        assertEquals(0, third.rowsWritten(), "an older version arriving late does not overwrite a newer one");
        assertEquals(second.outputVersion(), version("stg_crm__accounts"));
        assertEquals("S", rows("stg_crm__accounts").get("A001").getAs("tier"));

        // A rebuild from all of bronze gives what the incremental runs gave.
        final Set<String> incremental = content("stg_crm__accounts");
        final JobResult rebuilt = new StagingJob().run(ctx, specs.get("stg_crm__accounts"), JobOptions.REBUILD);
        assertTrue(rebuilt.message().startsWith("rebuild requested: rebuilt from all 3 batch(es)"), rebuilt.message());
        assertEquals(6, rebuilt.rowsRead());
        assertEquals(3, rebuilt.rowsWritten());
        assertEquals(second.outputVersion() + 1, version("stg_crm__accounts"));
        assertEquals(incremental, content("stg_crm__accounts"));
    }

    @Test
    void anIdenticalRedeliveryChangesNothing() {
        deliver("crm.accounts", "batch1.csv", 1);
        stage("stg_crm__accounts");
        final long v = version("stg_crm__accounts");
        deliver("crm.accounts", "batch1.csv", 2);
        final JobResult again = stage("stg_crm__accounts");
        assertEquals(RunRecord.SUCCEEDED, again.status());
        assertEquals(2, again.rowsRead());
        assertEquals(0, again.rowsWritten());
        assertTrue(again.message().contains("nothing changed"), again.message());
        assertEquals(v, version("stg_crm__accounts"), "no MERGE, so no new version");
        assertEquals(2, ctx.warehouse().read("stg_crm__accounts").count());
        assertEquals("crm.accounts-b1", rows("stg_crm__accounts").get("A001").getAs("_batch_id"));
    }

    @Test
    void runningAgainWithoutANewBatchWritesNoVersion() {
        deliver("crm.accounts", "batch1.csv", 1);
        stage("stg_crm__accounts");
        final long v = version("stg_crm__accounts");
        final long ledger = version(MergedBatches.TABLE);
        final JobResult again = stage("stg_crm__accounts");
        assertEquals(RunRecord.SKIPPED, again.status());
        // told from the table's last commit, which read bronze v0: neither bronze nor the ledger is scanned
        assertEquals("no new batch in raw_crm__accounts since the last merge (raw_crm__accounts still at v0)", again.message());
        assertEquals(v, again.outputVersion());
        assertEquals(v, version("stg_crm__accounts"));
        assertEquals(ledger, version(MergedBatches.TABLE));
        // a redelivery that changes nothing makes no commit, so the next run reads the ledger to know it is merged
        deliver("crm.accounts", "batch1.csv", 2);
        assertTrue(stage("stg_crm__accounts").message().contains("nothing changed"));
        final JobResult third = stage("stg_crm__accounts");
        assertEquals(RunRecord.SKIPPED, third.status());
        assertEquals("no new batch in raw_crm__accounts since the last merge", third.message());
        assertEquals(v, version("stg_crm__accounts"));
    }

    private Set<String> content(final String table) {
        final Set<String> out = new HashSet<>();
        ctx.warehouse().read(table).drop("_updated_at").collectAsList().forEach(r -> out.add(r.toString()));
        return out;
    }

    @Test
    void amountsConvertAtTheRateOfTheDayOrTheLastEarlierRateAndProbabilityBecomesAFraction() {
        deliver("finance.fx_rates", "rates_2026-10.csv", 1);
        deliver("crm.opportunities", "batch1.csv", 1);
        final JobResult r = stage("stg_crm__opportunities");
        assertEquals(Map.of("raw_crm__opportunities", 0L, "raw_finance__fx_rates", 0L), r.inputVersions());
        final Map<String, Row> o = rows("stg_crm__opportunities");
        assertEquals(new BigDecimal("7100.00"), o.get("O1").getAs("amount_rpt"), "USD on Friday 2026-10-02 at 7.10");
        assertEquals(new BigDecimal("7100.00"), o.get("O2").getAs("amount_rpt"), "Sunday uses Friday's rate");
        assertEquals(new BigDecimal("500.00"), o.get("O3").getAs("amount_rpt"), "CNY is the reporting currency");
        assertNull(o.get("O4").getAs("amount_rpt"), "no rate on or before 2026-09-01");
        assertEquals(new BigDecimal("72.00"), o.get("O5").getAs("amount_rpt"), "after the last rate: the last rate");
        assertNull(o.get("O6").getAs("amount_rpt"), "no amount");
        assertEquals(new BigDecimal("14200.00"), o.get("O7").getAs("amount_rpt"), "no close date: the created date's rate");
        assertEquals(new BigDecimal("1000.00"), o.get("O1").getAs("amount"), "the amount itself stays");
        assertEquals(new BigDecimal("0.8000"), o.get("O1").getAs("probability"));
        assertEquals(new BigDecimal("1.0000"), o.get("O3").getAs("probability"));
        assertEquals("decimal(18,2)", ctx.warehouse().read("stg_crm__opportunities").schema().apply("amount_rpt")
                .dataType().simpleString());

        final List<CheckResult> checks = DataChecks.run(ctx.warehouse(), specs.get("stg_crm__opportunities"));
        final CheckResult fx = checks.stream().filter(c -> c.name().equals("fx_rate_found(amount)")).findFirst().orElseThrow();
        assertFalse(fx.passed());
        assertEquals(1, fx.failingRows());
        assertEquals(List.of("O4"), fx.sampleFailingKeys());
        assertTrue(DataChecks.blocking(checks).isEmpty(), DataChecks.summary(checks));

        // A late rate for 2026-09-01 arrives: only the amount that had no rate changes.
        final Object o1UpdatedAt = o.get("O1").getAs("_updated_at");
        deliver("finance.fx_rates", "rates_2026-09-01.csv", 2);
        final JobResult repaired = stage("stg_crm__opportunities");
        assertEquals(1, repaired.rowsWritten(), repaired.message());
        assertTrue(repaired.message().contains("1 new FX batch(es)"), repaired.message());
        final Map<String, Row> after = rows("stg_crm__opportunities");
        assertEquals(new BigDecimal("700.00"), after.get("O4").getAs("amount_rpt"));
        assertEquals(o1UpdatedAt, after.get("O1").getAs("_updated_at"));
        assertEquals(new BigDecimal("0.0000"), after.get("O4").getAs("probability"), "not divided by 100 twice");
        assertEquals(RunRecord.SKIPPED, stage("stg_crm__opportunities").status());
        // More rates when every amount already has one: nothing to do.
        deliver("finance.fx_rates", "rates_2026-10.csv", 3);
        final JobResult moreRates = stage("stg_crm__opportunities");
        assertEquals(RunRecord.SKIPPED, moreRates.status());
        assertTrue(moreRates.message().startsWith("1 new FX batch(es), but every amount already has a rate"), moreRates.message());
        assertEquals(repaired.outputVersion(), version("stg_crm__opportunities"));
        // A rate for a later day: an amount dated after the last rate took the last one, and follows the new one
        // (as a rebuild from all of bronze would convert it); amounts dated before it keep theirs.
        deliver("finance.fx_rates", "rates_2026-11.csv", 4);
        final JobResult later = stage("stg_crm__opportunities");
        assertEquals(RunRecord.SUCCEEDED, later.status(), later.message());
        assertEquals(1, later.rowsWritten(), later.message());
        final Map<String, Row> followed = rows("stg_crm__opportunities");
        assertEquals(new BigDecimal("73.00"), followed.get("O5").getAs("amount_rpt"), "closes 2026-12-31: the 2026-11-02 rate now");
        assertEquals(new BigDecimal("7100.00"), followed.get("O1").getAs("amount_rpt"), "2026-10-02 keeps its day's rate");

        // The reporting currency is a setting; changing it rebuilds the table in the new currency.
        ctx.warehouse().spark().conf().set(WarehouseConfig.REPORTING_CURRENCY_CONF, "USD");
        try {
            final JobResult usd = stage("stg_crm__opportunities");
            assertTrue(usd.message().startsWith("contract, staging parameters or reporting currency changed"), usd.message());
            final Map<String, Row> inUsd = rows("stg_crm__opportunities");
            assertEquals(new BigDecimal("1000.00"), inUsd.get("O1").getAs("amount_rpt"));
            assertEquals(new BigDecimal("70.00"), inUsd.get("O3").getAs("amount_rpt"), "CNY 500 at Friday's CNY->USD 0.14");
        } finally {
            ctx.warehouse().spark().conf().unset(WarehouseConfig.REPORTING_CURRENCY_CONF);
        }
    }

    @Test
    void aJobReadsOnlyTheInputsItsSpecDeclares() {
        final JobInputs inputs = new JobInputs(ctx.warehouse(), specs.get("stg_crm__accounts"));
        final String m = assertThrows(KamwException.class, () -> inputs.read("raw_crm__teams")).getMessage();
        assertTrue(m.contains("the job of stg_crm__accounts reads raw_crm__teams, which tables/silver/crm/stg_crm__accounts/table.yaml "
                + "does not list in its inputs [raw_crm__accounts]"), m);
    }

    @Test
    void aBronzeTableNotLoadedYetIsSkipped() {
        final JobResult r = stage("stg_crm__teams");
        assertEquals(RunRecord.SKIPPED, r.status());
        assertEquals("raw_crm__teams does not exist yet: nothing to stage", r.message());
        assertEquals(-1, r.outputVersion());
        assertFalse(ctx.warehouse().exists("stg_crm__teams"));
    }
}
