package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.jobs.JobResult;
import io.kamwarehouse.jobs.Scd2Job;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.CheckResult;
import io.kamwarehouse.spec.DataChecks;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The scd2 job on a small source that changes between runs: successive changes to one key,
 * changes that touch only untracked columns, a late version, a new key with several versions in
 * one batch, and reruns that must change nothing.
 */
class Scd2JobTest {

    private static final String SPEC = """
            name: dim_thing
            layer: gold
            description: test dimension
            grain: one row per thing_id per version
            keys: [thing_key]
            inputs: [stg_test__things]
            job: scd2
            scd2:
              source: SELECT thing_id, thing_name, tier, owner, changed_at FROM stg_test__things
              business_key: [thing_id]
              surrogate_key: thing_key
              tracked: [tier, owner]
              effective_from: changed_at
            schedule: daily
            owner: test
            checks:
              - unique: [thing_key]
              - not_null: [thing_key, thing_id]
            """;
    // A version shows the untracked values of the last source row before the next version starts.
    private static final StructType SOURCE = new StructType().add("thing_id", DataTypes.StringType)
            .add("thing_name", DataTypes.StringType).add("tier", DataTypes.StringType).add("owner", DataTypes.StringType)
            .add("changed_at", DataTypes.TimestampType);

    @TempDir
    Path dir;
    private RunContext ctx;
    private TableSpec spec;

    @BeforeEach
    void setUp() {
        ctx = SharedSpark.context(dir);
        spec = TableSpecCatalog.parse("tables/gold/test/dim_thing/table.yaml", SPEC);
    }

    private static Row v(final String id, final String name, final String tier, final String owner, final String at) {
        return RowFactory.create(id, name, tier, owner, Timestamp.valueOf(at + " 00:00:00"));
    }

    private void source(final Row... rows) {
        final Dataset<Row> df = ctx.warehouse().spark().createDataFrame(List.of(rows), SOURCE);
        df.write().format("delta").mode("overwrite").save(ctx.warehouse().tablePath("stg_test__things"));
    }

    private JobResult build(final JobOptions options) {
        return new Scd2Job().run(ctx, spec, options);
    }

    /** thing_id -> its versions in order: "valid_from|valid_to|current|tier|owner|name|key". */
    private Map<String, List<String>> table() {
        final Map<String, List<String>> out = new TreeMap<>();
        for (final Row r : ctx.warehouse().read("dim_thing").orderBy("thing_id", "valid_from").collectAsList()) {
            final Timestamp to = r.getAs("valid_to");
            out.computeIfAbsent(r.getAs("thing_id"), k -> new ArrayList<>()).add(String.join("|",
                    r.getAs("valid_from").toString().substring(0, 10), to == null ? "-" : to.toString().substring(0, 10),
                    String.valueOf((boolean) r.getAs("is_current")), r.getAs("tier"), r.getAs("owner"), r.getAs("thing_name"),
                    String.valueOf((long) r.getAs("thing_key"))));
        }
        return out;
    }

    private static String strip(final String version) {
        return version.substring(0, version.lastIndexOf('|'));
    }

    /** Exactly one current row per key; each version ends where the next starts; the last is open. */
    private void assertValidity() {
        table().forEach((id, versions) -> {
            assertEquals(1, versions.stream().filter(x -> x.split("\\|")[2].equals("true")).count(), id + ": one current row");
            for (int i = 0; i < versions.size(); i++) {
                final String[] p = versions.get(i).split("\\|");
                if (i + 1 < versions.size()) {
                    assertEquals(versions.get(i + 1).split("\\|")[0], p[1], id + ": version " + i + " ends where the next starts");
                    assertEquals("false", p[2]);
                } else {
                    assertEquals("-", p[1], id + ": the last version is open");
                }
            }
        });
        final List<CheckResult> checks = DataChecks.run(ctx.warehouse(), spec);
        assertTrue(checks.stream().allMatch(CheckResult::passed), DataChecks.summary(checks));
    }

    @Test
    void successiveChangesKeepOneCurrentRowAndContiguousValidity() {
        source(v("T1", "Alpha", "B", "e1", "2026-01-01"), v("T2", "Beta", "A", "e2", "2026-01-01"));
        assertEquals(RunRecord.SUCCEEDED, build(JobOptions.INCREMENTAL).status());
        final Map<String, List<String>> first = table();
        assertEquals(List.of("2026-01-01|-|true|B|e1|Alpha"), first.get("T1").stream().map(Scd2JobTest::strip).toList());
        final String t1Key = first.get("T1").get(0).substring(first.get("T1").get(0).lastIndexOf('|') + 1);

        // Same input again: nothing to do, no new table version.
        final long v1 = ctx.warehouse().version("dim_thing");
        assertEquals(RunRecord.SKIPPED, build(JobOptions.INCREMENTAL).status());
        assertEquals(v1, ctx.warehouse().version("dim_thing"));

        // T1: tier B -> A (Feb), a name-only change in March (no new version: the Feb version shows
        // the name it ended with), then tier S in April.
        // T2: name changes only (type 1, in place). T3: new, with two versions in one batch.
        source(v("T1", "Alpha", "B", "e1", "2026-01-01"), v("T1", "Alpha", "A", "e1", "2026-02-01"),
                v("T1", "Alpha Ltd", "A", "e1", "2026-03-01"), v("T1", "Alpha Ltd", "S", "e1", "2026-04-01"),
                v("T2", "Beta Corp", "A", "e2", "2026-02-15"),
                v("T3", "Gamma", "B", "e3", "2026-01-10"), v("T3", "Gamma", "B", "e4", "2026-03-10"));
        final JobResult second = build(JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SUCCEEDED, second.status(), second.message());
        final Map<String, List<String>> t = table();
        assertEquals(List.of("2026-01-01|2026-02-01|false|B|e1|Alpha", "2026-02-01|2026-04-01|false|A|e1|Alpha Ltd",
                "2026-04-01|-|true|S|e1|Alpha Ltd"), t.get("T1").stream().map(Scd2JobTest::strip).toList());
        assertTrue(t.get("T1").get(0).endsWith("|" + t1Key), "the surrogate key of an existing version does not change");
        assertEquals(List.of("2026-01-01|-|true|A|e2|Beta Corp"), t.get("T2").stream().map(Scd2JobTest::strip).toList(),
                "an untracked change updates the current row in place");
        assertEquals(List.of("2026-01-10|2026-03-10|false|B|e3|Gamma", "2026-03-10|-|true|B|e4|Gamma"),
                t.get("T3").stream().map(Scd2JobTest::strip).toList());
        assertEquals(5, second.rowsWritten(), "4 new versions (T1 x2, T3 x2) and one in-place update (T2)");
        assertValidity();

        // Re-delivering the same source as a new input version changes nothing.
        final long v2 = ctx.warehouse().version("dim_thing");
        source(v("T1", "Alpha", "B", "e1", "2026-01-01"), v("T1", "Alpha", "A", "e1", "2026-02-01"),
                v("T1", "Alpha Ltd", "A", "e1", "2026-03-01"), v("T1", "Alpha Ltd", "S", "e1", "2026-04-01"),
                v("T2", "Beta Corp", "A", "e2", "2026-02-15"),
                v("T3", "Gamma", "B", "e3", "2026-01-10"), v("T3", "Gamma", "B", "e4", "2026-03-10"));
        final JobResult same = build(JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SKIPPED, same.status(), same.message());
        assertEquals(v2, ctx.warehouse().version("dim_thing"));
        assertEquals(t, table());

        // A late version (before T1's current row) is ignored and reported; a rebuild takes it in.
        source(v("T1", "Alpha", "B", "e1", "2026-01-01"), v("T1", "Alpha", "S", "e9", "2026-01-15"),
                v("T1", "Alpha", "A", "e1", "2026-02-01"), v("T1", "Alpha Ltd", "S", "e1", "2026-04-01"),
                v("T2", "Beta Corp", "A", "e2", "2026-02-15"),
                v("T3", "Gamma", "B", "e3", "2026-01-10"), v("T3", "Gamma", "B", "e4", "2026-03-10"));
        final JobResult late = build(JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SKIPPED, late.status());
        assertTrue(late.message().contains("1 source version(s) older than the current row ignored"), late.message());
        assertEquals(RunRecord.SUCCEEDED, build(JobOptions.REBUILD).status());
        assertEquals(List.of("2026-01-01|2026-01-15|false|B|e1|Alpha", "2026-01-15|2026-02-01|false|S|e9|Alpha",
                "2026-02-01|2026-04-01|false|A|e1|Alpha", "2026-04-01|-|true|S|e1|Alpha Ltd"),
                table().get("T1").stream().map(Scd2JobTest::strip).toList());
        assertValidity();
    }

    @Test
    void aChangeBackToAnEarlierValueIsANewVersion() {
        source(v("T1", "Alpha", "B", "e1", "2026-01-01"));
        build(JobOptions.INCREMENTAL);
        source(v("T1", "Alpha", "A", "e1", "2026-02-01"));
        build(JobOptions.INCREMENTAL);
        source(v("T1", "Alpha", "B", "e1", "2026-03-01"));
        final JobResult r = build(JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SUCCEEDED, r.status(), r.message());
        assertEquals(List.of("2026-01-01|2026-02-01|false|B|e1|Alpha", "2026-02-01|2026-03-01|false|A|e1|Alpha",
                "2026-03-01|-|true|B|e1|Alpha"), table().get("T1").stream().map(Scd2JobTest::strip).toList());
        assertValidity();
        assertNull(ctx.warehouse().read("dim_thing").where("thing_id = 'T1' AND is_current AND valid_to IS NOT NULL")
                .takeAsList(1).stream().findFirst().orElse(null));
    }

    @Test
    void withHistoryInTheSourceALateVersionIsTakenInAndTheOrderOfLoadsDoesNotMatter() {
        spec = TableSpecCatalog.parse("tables/gold/test/dim_thing/table.yaml",
                SPEC.replace("  effective_from: changed_at\n", "  effective_from: changed_at\n  history: source\n"));
        source(v("T1", "Alpha", "B", "e1", "2026-01-01"), v("T1", "Alpha", "A", "e1", "2026-02-01"));
        build(JobOptions.INCREMENTAL);
        final long key = ctx.warehouse().read("dim_thing").where("thing_id = 'T1' AND valid_from = TIMESTAMP'2026-01-01 00:00:00'")
                .first().getAs("thing_key");
        // a version starting before the current one arrives late, with a new key
        source(v("T1", "Alpha", "B", "e1", "2026-01-01"), v("T1", "Alpha", "S", "e9", "2026-01-15"),
                v("T1", "Alpha", "A", "e1", "2026-02-01"), v("T2", "Beta", "A", "e2", "2026-01-20"));
        final JobResult late = build(JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SUCCEEDED, late.status(), late.message());
        assertEquals("recomputed from the source's whole history: 4 versions of 2 keys", late.message());
        assertEquals(List.of("2026-01-01|2026-01-15|false|B|e1|Alpha", "2026-01-15|2026-02-01|false|S|e9|Alpha",
                "2026-02-01|-|true|A|e1|Alpha"), table().get("T1").stream().map(Scd2JobTest::strip).toList());
        assertValidity();
        final Map<String, List<String>> dayByDay = table();
        // the same final source built at once: the same versions with the same keys (a version's key is its start)
        assertEquals(key, (long) ctx.warehouse().read("dim_thing").where("thing_id = 'T1' AND valid_from = TIMESTAMP'2026-01-01 "
                + "00:00:00'").first().getAs("thing_key"));
        assertEquals(RunRecord.SUCCEEDED, build(JobOptions.REBUILD).status());
        assertEquals(dayByDay, table());
        // nothing changed: nothing written
        final long v = ctx.warehouse().version("dim_thing");
        assertEquals(RunRecord.SKIPPED, build(JobOptions.INCREMENTAL).status());
        assertEquals(v, ctx.warehouse().version("dim_thing"));
    }
}
