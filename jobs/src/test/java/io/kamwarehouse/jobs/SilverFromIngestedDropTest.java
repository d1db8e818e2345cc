package io.kamwarehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.CheckResult;
import io.kamwarehouse.spec.DataChecks;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The silver layer over real bronze: part of the bronze test drop (GBK, Chinese headers, a
 * Salesforce export) and an FX file are ingested, then every staging spec runs in dependency
 * order as the pipeline will, each followed by its checks.
 */
class SilverFromIngestedDropTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static TableSpecCatalog specs;
    private static final Map<String, JobResult> FIRST = new LinkedHashMap<>();
    private static final Map<String, List<CheckResult>> CHECKS = new LinkedHashMap<>();

    @BeforeAll
    static void ingestAndStage() throws IOException {
        // Teams, employees, accounts and opportunities of the bronze test drop, and an FX file.
        final Path drop = Paths.get("src/test/resources/landing/crm/2026-10-01");
        final Path landed = Files.createDirectories(dir.resolve("landing/crm/2026-10-01"));
        for (final String f : List.of("teams", "employees", "accounts", "opportunities")) {
            Files.copy(drop.resolve(f + "_20261001.csv"), landed.resolve(f + "_20261001.csv"));
        }
        copyTree(Paths.get("src/test/resources/jobs/landing"), dir.resolve("landing"));
        ctx = SharedSpark.context(dir);
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        new IngestService(ctx).ingest(landing.scan(Optional.empty(), Optional.empty()));
        specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        for (final TableSpec spec : specs.ofLayer("silver")) {
            final JobResult r = TableJobs.run(ctx, spec, JobOptions.INCREMENTAL);
            FIRST.put(spec.name(), r);
            if (ctx.warehouse().exists(spec.name())) {
                CHECKS.put(spec.name(), DataChecks.run(ctx.warehouse(), spec));
            }
        }
    }

    @Test
    void everyLoadedEntityIsStagedAndTheOthersWait() {
        assertEquals(List.of("stg_crm__accounts", "stg_crm__employees", "stg_crm__opportunities", "stg_crm__teams",
                "stg_finance__fx_rates"),
                FIRST.values().stream().filter(r -> RunRecord.SUCCEEDED.equals(r.status())).map(JobResult::table).sorted().toList());
        FIRST.values().stream().filter(r -> RunRecord.SKIPPED.equals(r.status()))
                .forEach(r -> assertTrue(r.message().endsWith("does not exist yet: nothing to stage"), r.message()));
        assertEquals(2, FIRST.get("stg_crm__accounts").rowsWritten());
    }

    @Test
    void noErrorLevelCheckFails() {
        final List<String> errors = new ArrayList<>();
        CHECKS.forEach((table, results) -> DataChecks.blocking(results).forEach(r -> errors.add(table + ": " + r.describe())));
        assertEquals(List.of(), errors);
    }

    @Test
    void opportunitiesAreConformed() {
        final Map<String, Row> o = new LinkedHashMap<>();
        ctx.warehouse().read("stg_crm__opportunities").collectAsList().forEach(r -> o.put(r.getAs("opportunity_id"), r));
        assertEquals(new BigDecimal("1.0000"), o.get("O1").getAs("probability"));
        assertEquals(new BigDecimal("0.6000"), o.get("O2").getAs("probability"));
        assertEquals("closed_won", o.get("O1").getAs("stage"));
        assertEquals(new BigDecimal("1200000.00"), o.get("O1").getAs("amount_rpt"), "CNY stays");
        assertEquals(new BigDecimal("355000.00"), o.get("O2").getAs("amount_rpt"), "USD 50,000 at the last rate, 7.10");
    }

    @Test
    void theSecondPassChangesNothing() {
        final Map<String, Long> versions = new LinkedHashMap<>();
        specs.all().forEach(s -> versions.put(s.name(), ctx.warehouse().version(s.name())));
        for (final TableSpec spec : specs.all()) {
            final JobResult r = TableJobs.run(ctx, spec, JobOptions.INCREMENTAL);
            assertEquals(RunRecord.SKIPPED, r.status(), r.table() + ": " + r.message());
            assertEquals(versions.get(spec.name()), ctx.warehouse().version(spec.name()), spec.name());
        }
    }

    private static void copyTree(final Path from, final Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (final Path p : (Iterable<Path>) s::iterator) {
                final Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
