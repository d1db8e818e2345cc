package io.kamwarehouse.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.testing.SharedSpark;

/** One check of each kind on a toy orders table: each fails on rows that break it and passes otherwise. */
class DataChecksTest {

    private static final Path FIXTURES = Paths.get("src/test/resources/spec/checks");

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static TableSpec spec;

    @BeforeAll
    static void customers() throws IOException {
        ctx = SharedSpark.context(dir);
        spec = TableSpecCatalog.parse("tables/silver/shop/stg_shop__orders/table.yaml",
                Files.readString(FIXTURES.resolve("stg_shop__orders.yaml")));
        csv("stg_shop__customers.csv", "customer_id string, customer_name string").write().format("delta")
                .save(ctx.warehouse().tablePath("stg_shop__customers"));
    }

    private static Dataset<Row> csv(final String file, final String schema) {
        return ctx.warehouse().spark().read().option("header", "true").schema(schema)
                .csv(FIXTURES.resolve(file).toAbsolutePath().toString());
    }

    private static Dataset<Row> orders(final String file) {
        return csv(file, "order_id string, customer_id string, status string, amount decimal(18,2)");
    }

    private static Map<String, CheckResult> byName(final List<CheckResult> results) {
        return results.stream().collect(Collectors.toMap(CheckResult::name, r -> r));
    }

    @Test
    void everyCheckPassesOnOrdersThatBreakNothing() {
        final List<CheckResult> results = DataChecks.run(ctx.warehouse(), spec, orders("orders_good.csv"));
        assertEquals(List.of("unique(order_id)", "not_null(order_id)", "not_null(customer_id)", "accepted_values(status)",
                "relationship(customer_id -> stg_shop__customers.customer_id)", "amount_is_not_negative"),
                results.stream().map(CheckResult::name).toList());
        results.forEach(r -> assertTrue(r.passed(), r.describe()));
        results.forEach(r -> assertEquals(0, r.failingRows(), r.name()));
        assertTrue(DataChecks.blocking(results).isEmpty());
        assertTrue(DataChecks.summary(results).startsWith("6 checks: 6 passed, 0 errors, 0 warnings"), DataChecks.summary(results));
    }

    @Test
    void eachCheckFailsOnTheRowsThatBreakIt() {
        final List<CheckResult> results = DataChecks.run(ctx.warehouse(), spec, orders("orders_bad.csv"));
        final Map<String, CheckResult> r = byName(results);

        final CheckResult unique = r.get("unique(order_id)");
        assertEquals(false, unique.passed());
        assertEquals(2, unique.failingRows(), "both rows of the repeated O2");
        assertEquals(List.of("O2"), unique.sampleFailingKeys());
        assertEquals("1 value of (order_id) appear more than once, in 2 rows", unique.detail());

        assertTrue(r.get("not_null(order_id)").passed());
        final CheckResult notNull = r.get("not_null(customer_id)");
        assertEquals(1, notNull.failingRows());
        assertEquals(List.of("O3"), notNull.sampleFailingKeys(), "samples name the table's key");

        final CheckResult accepted = r.get("accepted_values(status)");
        assertEquals(1, accepted.failingRows());
        assertEquals(List.of("O4"), accepted.sampleFailingKeys());
        assertEquals("1 row whose status is not one of [open, shipped]", accepted.detail());

        final CheckResult rel = r.get("relationship(customer_id -> stg_shop__customers.customer_id)");
        assertEquals(1, rel.failingRows(), "C9 is unknown; the null customer is not_null's business");
        assertEquals(List.of("O5"), rel.sampleFailingKeys());
        assertEquals(Severity.WARN, rel.severity());
        assertTrue(!rel.blocking());

        final CheckResult expression = r.get("amount_is_not_negative");
        assertEquals(1, expression.failingRows());
        assertEquals(List.of("O6"), expression.sampleFailingKeys());
        assertEquals("error amount_is_not_negative: 1 row where (amount >= 0) is false (e.g. O6)", expression.describe());

        assertEquals(List.of("unique(order_id)", "not_null(customer_id)", "accepted_values(status)", "amount_is_not_negative"),
                DataChecks.blocking(results).stream().map(CheckResult::name).toList());
    }

    /** Writes {@code rows} as the orders table, as a job does (through the observer when there is one). */
    private static void write(final Dataset<Row> rows) {
        rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .save(ctx.warehouse().tablePath(spec.name()));
    }

    @Test
    void rowChecksCountedWhileTheRowsAreWrittenEqualTheChecksAfterTheWrite() {
        final DataChecks.Observer observer = DataChecks.observer(ctx.warehouse(), spec);
        write(observer.observe(orders("orders_bad.csv")));
        final List<CheckResult> observed = DataChecks.run(ctx.warehouse(), spec, null, observer);
        assertEquals(DataChecks.run(ctx.warehouse(), spec), observed, "the same results as the checks after the write");
        assertEquals(List.of("unique(order_id)", "not_null(customer_id)", "accepted_values(status)", "amount_is_not_negative"),
                DataChecks.blocking(observed).stream().map(CheckResult::name).toList());
        assertEquals(List.of("O5"), byName(observed).get("relationship(customer_id -> stg_shop__customers.customer_id)")
                .sampleFailingKeys());

        // The row checks come from the rows as they were written: the table replaced behind the observer's back by good
        // rows, they still report the written rows' failures, while the unique check (a query after the write) sees the table.
        write(orders("orders_good.csv"));
        final Map<String, CheckResult> stale = byName(DataChecks.run(ctx.warehouse(), spec, null, observer));
        assertEquals(1, stale.get("not_null(customer_id)").failingRows());
        assertEquals(1, stale.get("amount_is_not_negative").failingRows());
        assertTrue(stale.get("unique(order_id)").passed());
        // a build by period replaced only some rows: its relationships look at the whole table, after the write
        final Map<String, CheckResult> scoped = byName(DataChecks.run(ctx.warehouse(), spec, "true", observer));
        assertEquals(1, scoped.get("accepted_values(status)").failingRows(), "counted as written");
        assertTrue(scoped.get("relationship(customer_id -> stg_shop__customers.customer_id)").passed(), "checked on the table");
    }

    @Test
    void whatCannotBeObservedIsLeftToTheChecksAfterTheWrite() {
        // a frame without a column a check reads is written unobserved; the checks after the write say what is wrong
        final DataChecks.Observer observer = DataChecks.observer(ctx.warehouse(), spec);
        final Dataset<Row> noAmount = orders("orders_good.csv").drop("amount");
        assertSame(noAmount, observer.observe(noAmount));
        write(noAmount);
        assertTrue(assertThrows(TableSpecException.class, () -> DataChecks.run(ctx.warehouse(), spec, null, observer)).getMessage()
                .contains("'amount >= 0' is not a valid SQL expression on stg_shop__orders"));
        // nothing observed: every check runs on the table
        final DataChecks.Observer unused = DataChecks.observer(ctx.warehouse(), spec);
        write(orders("orders_bad.csv"));
        assertEquals(DataChecks.run(ctx.warehouse(), spec), DataChecks.run(ctx.warehouse(), spec, null, unused));
        assertEquals(1, byName(DataChecks.run(ctx.warehouse(), spec, null, unused)).get("accepted_values(status)").failingRows());
    }

    @Test
    void aRelationshipToATableNotBuiltYetFailsEveryReference() {
        final TableSpec other = new TableSpec(spec.name(), spec.layer(), spec.description(), spec.grain(), spec.keys(),
                spec.inputs(), spec.job(), spec.params(), List.of(CheckSpec.relationship("customer_id", "stg_shop__clients",
                        "customer_id", Severity.WARN, null)), spec.schedule(), spec.owner(), spec.origin());
        final CheckResult r = DataChecks.run(ctx.warehouse(), other, orders("orders_good.csv")).get(0);
        assertEquals(3, r.failingRows());
        assertTrue(r.detail().contains("stg_shop__clients does not exist yet"), r.detail());
    }

    @Test
    void aRelationshipSeesEachNewVersionOfItsTargetAndATargetWrittenAgainFromScratch() throws IOException {
        final TableSpec checked = withChecks(List.of(CheckSpec.relationship("customer_id", "stg_shop__accounts", "customer_id",
                Severity.ERROR, null)));
        final Dataset<Row> good = orders("orders_good.csv");
        final String target = ctx.warehouse().tablePath("stg_shop__accounts");
        final org.apache.spark.sql.SparkSession spark = ctx.warehouse().spark();

        accounts(spark, "C1", "C2").write().format("delta").save(target);
        assertEquals(0, DataChecks.run(ctx.warehouse(), checked, good).get(0).failingRows());
        assertEquals(0, DataChecks.run(ctx.warehouse(), checked, good).get(0).failingRows(), "the remembered key set");

        accounts(spark, "C1").write().format("delta").mode("overwrite").save(target);
        final CheckResult afterOverwrite = DataChecks.run(ctx.warehouse(), checked, good).get(0);
        assertEquals(1, afterOverwrite.failingRows(), "C2 left the target in its version 1");
        assertEquals(List.of("O2"), afterOverwrite.sampleFailingKeys());

        // Dropped and written again: back at version 0, with other keys than the first version 0.
        org.apache.commons.io.FileUtils.deleteDirectory(new java.io.File(java.net.URI.create(target).getPath()));
        accounts(spark, "C2").write().format("delta").save(target);
        final CheckResult recreated = DataChecks.run(ctx.warehouse(), checked, good).get(0);
        assertEquals(2, recreated.failingRows(), "O1 and O3 name C1, which the new table lacks");
        assertEquals(List.of("O1", "O3"), recreated.sampleFailingKeys());
    }

    private static Dataset<Row> accounts(final org.apache.spark.sql.SparkSession spark, final String... ids) {
        return spark.createDataset(List.of(ids), org.apache.spark.sql.Encoders.STRING()).toDF("customer_id");
    }

    @Test
    void aBrokenCheckIsReportedWithTheSpecFileAndCheck() {
        final Dataset<Row> good = orders("orders_good.csv");
        final TableSpec badColumn = withChecks(List.of(CheckSpec.notNull("customer", Severity.ERROR, null)));
        assertTrue(assertThrows(TableSpecException.class, () -> DataChecks.run(ctx.warehouse(), badColumn, good)).getMessage()
                .contains("tables/silver/shop/stg_shop__orders/table.yaml, check not_null(customer): stg_shop__orders has no column customer"));
        final TableSpec notBoolean = withChecks(List.of(CheckSpec.expression("amount + 1", Severity.ERROR, "plus_one")));
        assertTrue(assertThrows(TableSpecException.class, () -> DataChecks.run(ctx.warehouse(), notBoolean, good)).getMessage()
                .contains("check plus_one: the expression is decimal(19,2), not a boolean"));
        final TableSpec badSql = withChecks(List.of(CheckSpec.expression("amount >= ", Severity.ERROR, "broken")));
        assertTrue(assertThrows(TableSpecException.class, () -> DataChecks.run(ctx.warehouse(), badSql, good)).getMessage()
                .contains("check broken: 'amount >= ' is not a valid SQL expression on stg_shop__orders"));
    }

    private static TableSpec withChecks(final List<CheckSpec> checks) {
        return new TableSpec(spec.name(), spec.layer(), spec.description(), spec.grain(), spec.keys(), spec.inputs(),
                spec.job(), spec.params(), checks, spec.schedule(), spec.owner(), spec.origin());
    }
}
