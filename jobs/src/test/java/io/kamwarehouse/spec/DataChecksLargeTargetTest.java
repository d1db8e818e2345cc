package io.kamwarehouse.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.testing.SharedSpark;

/**
 * A relationship check gives the same result whether its target is small enough to be checked
 * against its collected keys or larger, checked through a join with its distinct keys.
 */
class DataChecksLargeTargetTest {

    private static final Path FIXTURES = Paths.get("src/test/resources/spec/checks");
    private static final String CHECK = "relationship(customer_id -> stg_shop__customers.customer_id)";

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static TableSpec spec;

    @BeforeAll
    static void setUp() throws IOException {
        ctx = SharedSpark.context(dir);
        spec = TableSpecCatalog.parse("tables/silver/shop/stg_shop__orders/table.yaml",
                Files.readString(FIXTURES.resolve("stg_shop__orders.yaml")));
    }

    /** Customers C0 .. C(n-1), each once. */
    private static void customers(final long n) {
        ctx.warehouse().spark().range(n).selectExpr("concat('C', id) AS customer_id", "'name' AS customer_name")
                .write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true")
                .save(ctx.warehouse().tablePath("stg_shop__customers"));
    }

    /** Four orders: two known customers, one unknown (X1, order O3), one without a customer. */
    private static Dataset<Row> orders() {
        return ctx.warehouse().spark().sql("SELECT * FROM VALUES "
                + "('O1', 'C5', 'open', CAST(1.00 AS DECIMAL(18,2))), "
                + "('O2', 'C7', 'open', CAST(2.00 AS DECIMAL(18,2))), "
                + "('O3', 'X1', 'open', CAST(3.00 AS DECIMAL(18,2))), "
                + "('O4', NULL, 'open', CAST(4.00 AS DECIMAL(18,2))) "
                + "AS t(order_id, customer_id, status, amount)");
    }

    private static CheckResult relationship() {
        return DataChecks.run(ctx.warehouse(), spec, orders()).stream().filter(r -> r.name().equals(CHECK)).findFirst()
                .orElseThrow();
    }

    @Test
    void largeAndSmallTargetsFindTheSameUnknownKey() {
        customers(DataChecks.MAX_COLLECTED_KEYS + 1L);
        final CheckResult large = relationship();
        customers(10);
        final CheckResult small = relationship();
        for (final CheckResult r : List.of(large, small)) {
            assertFalse(r.passed());
            assertEquals(1, r.failingRows(), "only X1; a null customer is not_null's business");
            assertEquals(List.of("O3"), r.sampleFailingKeys());
            assertEquals("1 row whose customer_id is not in stg_shop__customers.customer_id", r.detail());
        }
    }
}
