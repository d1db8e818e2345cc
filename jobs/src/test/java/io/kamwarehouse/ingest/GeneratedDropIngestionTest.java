package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.generate.EntityReport;
import io.kamwarehouse.generate.GenerationReport;
import io.kamwarehouse.generate.GeneratorOptions;
import io.kamwarehouse.generate.SampleGenerator;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The generated sample drop goes through every contract: each entity's rows are all accounted
 * for, and what is quarantined, rule by rule, is exactly the defects the generator injected.
 */
class GeneratedDropIngestionTest {

    @TempDir
    Path dir;

    @Test
    void quarantineMatchesTheInjectedDefectsRuleByRule() {
        final GenerationReport report = new SampleGenerator(GeneratorOptions.defaults().withScale(0.02),
                dir.resolve("landing"), m -> { }).generateFull();
        final RunContext ctx = SharedSpark.context(dir);
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        final Landing.Scan scan = landing.scan(Optional.empty(), Optional.empty());
        assertEquals(List.of(), scan.unrecognised(), "every generated file has a contract");
        final Map<String, IngestResult> results = new TreeMap<>();
        new IngestService(ctx).ingest(scan).forEach(r -> results.put(r.entity(), r));
        assertEquals(report.entities().size(), results.size());

        final Map<String, Map<String, Long>> quarantined = new TreeMap<>();
        for (final Row r : ctx.warehouse().read(BronzeIngestor.QUARANTINE).groupBy("entity", "rule").count().collectAsList()) {
            quarantined.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
        }
        for (final EntityReport e : report.entities()) {
            final String entity = e.source() + "." + e.entity();
            final IngestResult r = results.get(entity);
            assertEquals(RunRecord.SUCCEEDED, r.status(), entity + ": " + r.message());
            assertEquals(e.rows(), r.rowsRead(), entity + " rows read");
            assertEquals(new TreeMap<>(e.defectsByRule()), quarantined.getOrDefault(entity, Map.of()), entity + " quarantine by rule");
            assertEquals(e.rows() - e.defectRows(), ctx.warehouse().read(r.bronzeTable()).count(), entity + " rows in bronze");
        }
        assertEquals(0, ctx.warehouse().read("raw_crm__accounts").where(col("tier").isin("战略", "重点", "普通")).count(),
                "Chinese tiers are mapped to S/A/B");
    }
}
