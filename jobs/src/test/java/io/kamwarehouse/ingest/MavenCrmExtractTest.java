package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.testing.ExternalData;
import io.kamwarehouse.testing.SharedSpark;

/** The real Maven Analytics CRM export loads through its own contracts with every row accounted for. */
class MavenCrmExtractTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static Map<String, IngestResult> results;

    @BeforeAll
    static void ingestTheRealExport() {
        final Path folder = ExternalData.resolve("crm_sales_opportunities");
        ctx = SharedSpark.context(dir);
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        results = new TreeMap<>();
        new IngestService(ctx).ingest(landing.fromPath(folder.toString(), "maven_crm", LocalDate.of(2026, 10, 1)))
                .forEach(r -> results.put(r.entity(), r));
    }

    @Test
    void everyFileOfTheExportLoadsAndEveryRowIsAccountedFor() {
        assertEquals(List.of("maven_crm.accounts", "maven_crm.data_dictionary", "maven_crm.products",
                "maven_crm.sales_pipeline", "maven_crm.sales_teams"), List.copyOf(results.keySet()));
        results.values().forEach(r -> assertEquals(RunRecord.SUCCEEDED, r.status(), r.entity() + ": " + r.message()));
        final IngestResult pipeline = results.get("maven_crm.sales_pipeline");
        assertEquals(8800, pipeline.rowsRead(), "data rows in sales_pipeline.csv");
        assertEquals(8800, pipeline.rowsLoaded() + pipeline.rowsQuarantined());
        assertEquals(85, results.get("maven_crm.accounts").rowsLoaded());
        assertEquals(35, results.get("maven_crm.sales_teams").rowsLoaded());
        assertEquals(7, results.get("maven_crm.products").rowsLoaded());
    }

    @Test
    void knownDefectsAreHandledByTheContractNotDropped() {
        // GTXPro is the product list's "GTX Pro": 1,480 deals keep their product under its catalogue name.
        assertEquals(0, ctx.warehouse().read("raw_maven_crm__sales_pipeline").where(col("product").equalTo("GTXPro")).count());
        assertEquals(1480, ctx.warehouse().read("raw_maven_crm__sales_pipeline").where(col("product").equalTo("GTX Pro")).count());
        // The misspelt sector is normalised.
        assertEquals(12, ctx.warehouse().read("raw_maven_crm__accounts").where(col("sector").equalTo("technology")).count());
        // Open deals without an account are kept (1,425 in the export), not quarantined.
        assertEquals(1425, ctx.warehouse().read("raw_maven_crm__sales_pipeline").where(col("account").isNull()).count());
        assertEquals(0, results.get("maven_crm.sales_pipeline").rowsQuarantined());
    }

    @Test
    void wonDealsMatchTheRawFile() {
        final Row won = ctx.warehouse().read("raw_maven_crm__sales_pipeline").where(col("deal_stage").equalTo("Won"))
                .agg(count("*"), sum("close_value")).first();
        assertEquals(4238L, won.getLong(0));
        assertEquals(0, new BigDecimal("10005534").compareTo(won.getDecimal(1)), "total won close_value");
        assertTrue(ctx.warehouse().read("raw_maven_crm__sales_pipeline").where(col("deal_stage").equalTo("Won")
                .and(col("close_date").isNull())).isEmpty(), "every won deal has a close date");
    }
}
