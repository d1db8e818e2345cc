package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.ExternalData;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The CDNOW 1/10 sample, the raw transaction file as published (no header, blank-separated,
 * yyyymmdd dates), through the normal path: its source contract into bronze, staged into silver,
 * then the model job of fct_cdnow_customer_value and mart_cdnow_model_fit. The fits must give the
 * published estimates (Fader, Hardie &amp; Lee 2005): BG/NBD r = 0.243, alpha = 4.414, a = 0.793,
 * b = 2.426 and Gamma-Gamma p = 6.25, q = 3.74, v = 15.44, to two decimals.
 */
class CdnowCustomerValueTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static List<IngestResult> ingested;
    private static Map<String, TableRunner.Built> built;
    private static Map<String, Row> fits;

    @BeforeAll
    static void ingestTheRawFileAndBuildTheModel() {
        final Path file = ExternalData.resolve("cdnow/CDNOW_sample.txt");
        ctx = SharedSpark.context(dir);
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        ingested = new IngestService(ctx).ingest(landing.fromPath(file.toString(), "cdnow.sample_transactions",
                LocalDate.of(1998, 7, 1)));
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        built = PipelineFixture.build(ctx, specs, java.util.Set.of(), "mart_cdnow_model_fit");
        fits = new HashMap<>();
        for (final Row r : ctx.warehouse().read("mart_cdnow_model_fit").collectAsList()) {
            fits.put(r.getAs("model"), r);
            System.out.printf(Locale.ROOT, "CDNOW %s fit through the pipeline: %s, %.3f s, %d iterations; %s%n",
                    r.<String>getAs("model"), r.getAs("parameters"), r.<Double>getAs("fit_seconds"), r.<Integer>getAs("iterations"),
                    r.<String>getAs("message"));
        }
        System.out.println("fct_cdnow_customer_value: " + TableRunner.describe(built.get("fct_cdnow_customer_value")) + "; "
                + built.get("fct_cdnow_customer_value").message());
    }

    private static double param(final String model, final String name) {
        return fits.get(model).<scala.collection.Map<String, Object>>getAs("parameters").get(name).map(v -> (Double) v).get();
    }

    @Test
    void everyLineOfTheRawFileIsLoaded() throws Exception {
        assertEquals(1, ingested.size());
        final IngestResult r = ingested.get(0);
        assertEquals(RunRecord.SUCCEEDED, r.status(), r.message());
        final long lines = Files.readAllLines(ExternalData.resolve("cdnow/CDNOW_sample.txt"), StandardCharsets.US_ASCII).stream()
                .filter(l -> !l.isBlank()).count();
        assertEquals(6919, lines);
        assertEquals(lines, r.rowsRead());
        assertEquals(lines, r.rowsLoaded(), "no line is quarantined: " + r.quarantinedByRule());
        // identical lines (two purchases the same day) are kept apart by their line number
        final Row first = ctx.warehouse().read("stg_cdnow__sample_transactions").where("line_number = 1").first();
        assertEquals("0001", first.<String>getAs("customer_id"));
        assertEquals(LocalDate.of(1997, 1, 1), first.<java.sql.Date>getAs("purchase_date").toLocalDate());
        assertEquals(2, first.<Integer>getAs("cd_count"));
        assertEquals(0, new BigDecimal("29.33").compareTo(first.getAs("dollar_value")));
        assertEquals(6919, ctx.warehouse().read("stg_cdnow__sample_transactions").count());
    }

    @Test
    void summariesMatchThePublishedOnes() throws Exception {
        // cdnow_customers_summary.csv: ID, frequency, recency, T in weeks, for the same calibration period.
        final Map<String, double[]> published = new HashMap<>();
        final List<String> lines = Files.readAllLines(ExternalData.resolve("cdnow/cdnow_customers_summary.csv"));
        for (final String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                final String[] f = line.trim().split(",");
                published.put(String.format("%04d", Integer.parseInt(f[0])), new double[] {
                    Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])});
            }
        }
        final List<Row> rows = ctx.warehouse().read("fct_cdnow_customer_value").select("customer_id", "frequency", "recency", "t")
                .collectAsList();
        assertEquals(2357, rows.size());
        for (final Row r : rows) {
            final double[] p = published.get(r.getString(0));
            assertEquals(p[0], r.getInt(1), 0.0, "frequency of " + r.getString(0));
            assertEquals(p[1], r.getDouble(2), 0.005 + 1e-9, "recency of " + r.getString(0));
            assertEquals(p[2], r.getDouble(3), 0.005 + 1e-9, "T of " + r.getString(0));
        }
    }

    @Test
    void fitsGiveThePublishedEstimates() {
        assertTrue(fits.get("bg_nbd").<Boolean>getAs("converged"), fits.get("bg_nbd").<String>getAs("message"));
        assertEquals(0.243, param("bg_nbd", "r"), 0.005);
        assertEquals(4.414, param("bg_nbd", "alpha"), 0.005);
        assertEquals(0.793, param("bg_nbd", "a"), 0.005);
        assertEquals(2.426, param("bg_nbd", "b"), 0.005);
        assertEquals(2357.0, fits.get("bg_nbd").<Double>getAs("sample_size"), 0.0);
        // the paper's log-likelihood is -9582.4
        assertEquals(-9582.4, fits.get("bg_nbd").<Double>getAs("log_likelihood"), 0.1);
        assertTrue(fits.get("gamma_gamma").<Boolean>getAs("converged"), fits.get("gamma_gamma").<String>getAs("message"));
        assertEquals(6.25, param("gamma_gamma", "p"), 0.005);
        assertEquals(3.74, param("gamma_gamma", "q"), 0.005);
        assertEquals(15.44, param("gamma_gamma", "v"), 0.005);
        assertEquals(946.0, fits.get("gamma_gamma").<Double>getAs("sample_size"), 0.0, "customers with a repeat purchase");
        assertEquals(2, fits.size(), "one pooled fit per model, no segments");
    }

    @Test
    void customersWhoBoughtMoreAreExpectedToBuyMoreAndDid() {
        // The paper's conditional-expectation check: by number of repeat purchases in calibration (0, 1, 2, 3+),
        // the mean expected holdout purchases and the mean actual ones both rise.
        ctx.warehouse().read("fct_cdnow_customer_value").createOrReplaceTempView("cdnow_value");
        final List<Row> groups = ctx.warehouse().spark().sql("SELECT least(frequency, 3) AS x, avg(expected_transactions),"
                + " avg(holdout_transactions) FROM cdnow_value GROUP BY 1 ORDER BY 1").collectAsList();
        assertEquals(4, groups.size());
        for (int i = 0; i < groups.size(); i++) {
            System.out.printf(Locale.ROOT, "CDNOW holdout, calibration frequency %s%d: %.3f expected, %.3f actual per customer%n",
                    i == 3 ? ">=" : "", groups.get(i).getInt(0), groups.get(i).getDouble(1), groups.get(i).getDouble(2));
            if (i > 0) {
                assertTrue(groups.get(i).getDouble(1) > groups.get(i - 1).getDouble(1), "expected rises with frequency");
                assertTrue(groups.get(i).getDouble(2) > groups.get(i - 1).getDouble(2), "actual rises with frequency");
            }
        }
        final Row sums = ctx.warehouse().read("fct_cdnow_customer_value")
                .selectExpr("sum(expected_transactions)", "sum(holdout_transactions)", "count_if(p_alive BETWEEN 0 AND 1)").first();
        System.out.printf(Locale.ROOT, "CDNOW holdout (39 weeks): %.1f repeat purchase days expected, %d happened%n",
                sums.getDouble(0), sums.getLong(1));
        assertEquals(1882, sums.getLong(1), "repeat purchase days from 1997-10-01 to 1998-06-30 in the raw file");
        assertEquals(2357, sums.getLong(2));
    }
}
