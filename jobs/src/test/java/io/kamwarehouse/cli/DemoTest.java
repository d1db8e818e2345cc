package io.kamwarehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kamwarehouse.ingest.BronzeIngestor;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.testing.SharedSpark;

/**
 * {@code kamw demo} end to end on a small sample: every generated row is loaded or quarantined,
 * the quarantine holds exactly the defects the generator injected (rule by rule, per entity), and
 * a second run changes nothing.
 */
class DemoTest {

    /** The scale and model thresholds of the demo built here, the same as dashboards/tests/test_superset.py's. */
    static final String SCALE = "0.02";
    /**
     * The sample at this scale closes too few deals for the win-probability model's default thresholds (200
     * training rows, 30 of each outcome): lowered, as the Superset test does, so its tables have rows too.
     */
    static final Map<String, String> VARS = new TreeMap<>(Map.of("min_training_rows", "40", "min_rows_per_outcome", "15"));

    @TempDir
    Path dir;

    private String demo() {
        SharedSpark.spark();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream old = System.out;
        final int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            final List<String> args = new java.util.ArrayList<>(List.of("--warehouse", dir.toString(), "--schemas",
                    SharedSpark.schemasDir().toString(), "--master", "local[2]"));
            VARS.forEach((name, value) -> args.addAll(List.of("--conf", "kamw.var." + name + "=" + value)));
            args.addAll(List.of("-q", "demo", "--scale", SCALE));
            code = Main.execute(args.toArray(String[]::new), System.out, System.err);
        } finally {
            System.setOut(old);
            // the shared session keeps runtime settings: the other tests of this JVM see the defaults
            VARS.keySet().forEach(name -> SharedSpark.spark().conf().unset("kamw.var." + name));
        }
        final String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        return text;
    }

    /**
     * Every {@code bin/kamw sql "..."} example of the README runs on the demo warehouse as written
     * and returns rows: a reader who tries them sees what the text promises.
     */
    private void readmeQueriesReturnRows() throws IOException {
        final String readme = Files.readString(SharedSpark.schemasDir().getParent().resolve("README.md"));
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("bin/kamw sql \"([^\"]+)\"").matcher(readme);
        int examples = 0;
        while (m.find()) {
            examples++;
            final CliRun.Result r = CliRun.kamw(dir, "sql", m.group(1), "--csv");
            assertEquals(0, r.code(), m.group(1) + ": " + r.err());
            assertTrue(r.out().lines().count() >= 2, "rows from the README's " + m.group(1) + ": " + r.out());
        }
        assertTrue(examples >= 10, "the README's sql examples found: " + examples);
        // the other read-only commands of the README's examples run as written too
        int others = 0;
        for (final String line : readme.lines().toList()) {
            final List<String> args = words(line);
            if (args.size() < 2 || !args.get(0).equals("bin/kamw") || !READ_ONLY.contains(args.get(1))
                    && !(List.of("run", "pipeline").contains(args.get(1)) && args.contains("--dry-run"))) {
                continue;
            }
            others++;
            final CliRun.Result r = CliRun.kamw(dir, args.subList(1, args.size()).toArray(new String[0]));
            assertEquals(0, r.code(), line + ": " + r.err());
            assertTrue(!r.out().isBlank(), line + " printed nothing");
        }
        assertTrue(others >= 6, "the README's other examples found: " + others);
    }

    /** Commands whose README examples only read (test records check results, docs writes kamw-docs/; dry runs as well). */
    private static final java.util.Set<String> READ_ONLY = java.util.Set.of("status", "ls", "tables", "lineage", "compile", "test",
            "docs");

    /** A shell line's words: double-quoted strings kept whole, a comment (# after a space) left out. */
    static List<String> words(final String line) {
        final List<String> out = new java.util.ArrayList<>();
        final StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (!quoted && c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
                break;
            } else if (!quoted && c == ' ') {
                if (any) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(w.toString());
        }
        return out;
    }

    /** entity -> rule -> count, as the generator's manifests record the injected defects; "_rows" holds the row count. */
    private Map<String, Map<String, Long>> manifests() throws IOException {
        final Map<String, Map<String, Long>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir.resolve("landing"))) {
            for (final Path m : files.filter(p -> p.getFileName().toString().equals("_manifest.json")).toList()) {
                final JsonNode doc = new ObjectMapper().readTree(m.toFile());
                for (final JsonNode e : doc.path("entities")) {
                    final Map<String, Long> rules = new TreeMap<>();
                    for (final Iterator<Map.Entry<String, JsonNode>> it = e.path("defects").fields(); it.hasNext(); ) {
                        final Map.Entry<String, JsonNode> d = it.next();
                        rules.put(d.getKey(), d.getValue().asLong());
                    }
                    rules.put("_rows", e.path("rows").asLong());
                    out.put(doc.path("source").asText() + "." + e.path("entity").asText(), rules);
                }
            }
        }
        return out;
    }

    @Test
    void demoLoadsEveryRowQuarantinesExactlyTheInjectedDefectsAndIsIdempotent() throws IOException {
        final long t0 = System.nanoTime();
        final String first = demo();
        final long t1 = System.nanoTime();
        assertTrue(first.contains("warehouse: file:" + dir), first);
        final RunContext ctx = SharedSpark.context(dir);
        final Map<String, Map<String, Long>> expected = manifests();
        assertEquals(20, expected.size(), expected.keySet().toString());
        assertTrue(!expected.containsKey("finance.bonus_payouts"), "payroll's ledger is not generated with the sample");

        final Map<String, Map<String, Long>> quarantined = new TreeMap<>();
        for (final Row r : ctx.warehouse().read(BronzeIngestor.QUARANTINE).groupBy("entity", "rule").count().collectAsList()) {
            quarantined.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
        }
        final Map<String, Long> bronzeRows = new TreeMap<>();
        for (final Map.Entry<String, Map<String, Long>> e : expected.entrySet()) {
            final Map<String, Long> rules = new TreeMap<>(e.getValue());
            final long rows = rules.remove("_rows");
            final String table = ctx.contracts().get(e.getKey()).bronzeTable();
            final long loaded = ctx.warehouse().read(table).count();
            final long bad = quarantined.getOrDefault(e.getKey(), Map.of()).values().stream().mapToLong(Long::longValue).sum();
            assertEquals(rules, quarantined.getOrDefault(e.getKey(), Map.of()), e.getKey() + ": quarantine by rule");
            assertEquals(rows, loaded + bad, e.getKey() + ": loaded + quarantined = rows generated");
            bronzeRows.put(table, loaded);
        }

        // Payroll's ledger comes back after the bonus run: every computed payment paid as computed but for the
        // handful of exceptions the demo tells, each one line or two of the reconciliation.
        final java.util.regex.Matcher ledger = java.util.regex.Pattern.compile("payroll ledger \\S+: ([0-9,]+) bonus payments paid on the"
                + " bonus run's instructions, with (\\d+) exceptions").matcher(first);
        assertTrue(ledger.find(), first);
        final long ledgerLines = Long.parseLong(ledger.group(1).replace(",", ""));
        assertEquals(ledgerLines, ctx.warehouse().read("raw_finance__bonus_payouts").count(), "every ledger line loads");
        final Map<String, Long> recon = new TreeMap<>();
        ctx.warehouse().read("fct_bonus_reconciliation").groupBy("status").count().collectAsList()
                .forEach(r -> recon.put(r.getString(0), r.getLong(1)));
        final long lines = recon.values().stream().mapToLong(Long::longValue).sum();
        final long exceptions = lines - recon.getOrDefault("matched", 0L);
        assertTrue(exceptions >= 1 && exceptions <= 2L * Long.parseLong(ledger.group(2)),
                "the exceptions told, and nothing else, are unmatched: " + recon);
        // on this small sample (about 40 lines) the told exceptions are a tenth of them; on the scale-1 demo 6 of 1,361
        assertTrue(recon.get("matched") > lines / 2, "most reconciliation lines match: " + recon);
        bronzeRows.put("raw_finance__bonus_payouts", ledgerLines);

        final Map<String, Long> versions = new TreeMap<>();
        bronzeRows.keySet().forEach(t -> versions.put(t, ctx.warehouse().version(t)));
        // Every gold table whose inputs come from the sample sources is built, and has rows.
        final io.kamwarehouse.spec.TableSpecCatalog specs = io.kamwarehouse.spec.TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        final Map<String, Long> built = new TreeMap<>();
        for (final io.kamwarehouse.spec.TableSpec spec : specs.all()) {
            if (ctx.warehouse().exists(spec.name())) {
                built.put(spec.name(), ctx.warehouse().version(spec.name()));
            }
        }
        for (final io.kamwarehouse.spec.TableSpec spec : specs.ofLayer("gold")) {
            final boolean fromSamples = upstreamBronze(specs, spec.name()).stream().allMatch(bronzeRows::containsKey);
            if (fromSamples) {
                assertTrue(built.containsKey(spec.name()), spec.name() + " is built by the demo");
                // the rows Delta logged with the version (as kamw status reads them), a count where the log does not say
                final long rows = ctx.warehouse().rowCountFromLog(spec.name()).orElseGet(() -> ctx.warehouse().read(spec.name()).count());
                assertTrue(rows > 0, spec.name() + " has rows on the demo");
            }
        }
        final long t2 = System.nanoTime();
        dashboardsReadThePublishedDemo(ctx, specs);
        readmeQueriesReturnRows();
        final long t3 = System.nanoTime();

        final String second = demo();
        final long t4 = System.nanoTime();
        assertTrue(second.contains("rows read 0, loaded 0, quarantined 0"), second);
        for (final String table : bronzeRows.keySet()) {
            assertEquals(bronzeRows.get(table), ctx.warehouse().read(table).count(), table + " rows after a second demo");
            assertEquals(versions.get(table), ctx.warehouse().version(table), table + " version after a second demo");
        }
        built.forEach((table, version) -> assertEquals(version, ctx.warehouse().version(table),
                table + " version after a second demo: a rerun on the same data writes nothing"));
        assertEquals(List.of(), ctx.warehouse().read("run_log").where("status not in ('succeeded', 'skipped', 'started')")
                .select("job").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        // each demo command has a row when it started and one when it ended, with the same run id
        assertEquals(List.of("kamw demo|started|succeeded", "kamw demo|started|succeeded"), ctx.warehouse().read("run_log")
                .where("job = 'kamw demo'").groupBy("run_id", "job").agg(org.apache.spark.sql.functions.concat_ws("|",
                        org.apache.spark.sql.functions.first("job"), org.apache.spark.sql.functions.min("status"),
                        org.apache.spark.sql.functions.max("status")).as("s")).select("s")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        keepForTheSupersetTest();
        // Where the time goes, for whoever makes the suite faster (printed, never asserted).
        System.out.printf("DemoTest phases: first demo %.1fs, its assertions %.1fs, publish and dashboard queries %.1fs, "
                + "second demo %.1fs, its assertions %.1fs%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9,
                (System.nanoTime() - t4) / 1e9);
    }

    /**
     * The key this test leaves beside its warehouse is the one dashboards/tests/test_superset.py computes
     * for the same sources, so that test serves the warehouse rather than building it again: both
     * computed here, on this checkout, and compared.
     */
    @Test
    void theKeyKeptWithTheWarehouseIsTheOneTheSupersetTestComputes() throws IOException, InterruptedException {
        final Path root = SharedSpark.schemasDir().toAbsolutePath().getParent();
        final Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import test_superset as t; "
                    + "print(t.SCALE, t.json.dumps(t.DEMO_VARS, sort_keys=True), t.source_key(), sep='\\n')",
                    root.resolve("dashboards/tests").toString()).redirectErrorStream(true).start();
        } catch (final IOException e) {
            org.junit.jupiter.api.Assumptions.abort("python3 is not on PATH, so the Superset test's key cannot be computed: " + e);
            return;
        }
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        final List<String> lines = out.lines().toList();
        assertEquals(List.of(SCALE, varsJson(), sourceKey(root)), lines, "scale, thresholds and key of test_superset.py against this test's");
    }

    /**
     * Leaves this demo warehouse where dashboards/tests/test_superset.py keeps the one it serves
     * (target/superset-test/demo-warehouse, or $KAMW_SUPERSET_OUT's; Folders.copy creates it), with the key of the sources it
     * was built from, computed as that test computes it: run after {@code mvn verify}, as CI does, the
     * Superset test serves it instead of building the same demo again. Its own serving folder is left out.
     */
    private void keepForTheSupersetTest() throws IOException {
        final Path root = SharedSpark.schemasDir().toAbsolutePath().getParent();
        final String outEnv = System.getenv("KAMW_SUPERSET_OUT");
        final Path out = outEnv != null && !outEnv.isEmpty() ? Path.of(outEnv) : root.resolve("target").resolve("superset-test");
        final Path cache = out.resolve("demo-warehouse");
        final Path stamp = out.resolve("demo-warehouse.key");
        Files.deleteIfExists(stamp);
        io.kamwarehouse.runtime.Folders.delete(cache);
        io.kamwarehouse.runtime.Folders.copy(dir, cache);
        io.kamwarehouse.runtime.Folders.delete(cache.resolve("serving"));
        Files.writeString(stamp, sourceKey(root));
    }

    /** The thresholds as Python's json.dumps(DEMO_VARS, sort_keys=True) writes them: {"a": "1", "b": "2"}. */
    private static String varsJson() {
        final StringBuilder json = new StringBuilder("{");
        VARS.forEach((name, value) -> json.append(json.length() > 1 ? ", " : "").append('"').append(name).append("\": \"")
                .append(value).append('"'));
        return json.append('}').toString();
    }

    /**
     * test_superset.py's source_key(): SHA-256 of the scale, the thresholds as sorted JSON ({"a": "1", "b":
     * "2"}), then each file of jobs/src/main, schemas, conf, pom.xml and jobs/pom.xml, in the order of their
     * paths relative to the repository (with /): that path, then the file's bytes.
     */
    static String sourceKey(final Path root) throws IOException {
        final java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (final java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(SCALE.getBytes(StandardCharsets.UTF_8));
        sha.update(varsJson().getBytes(StandardCharsets.UTF_8));
        final TreeMap<String, Path> files = new TreeMap<>();
        for (final String base : List.of("jobs/src/main", "schemas", "conf", "pom.xml", "jobs/pom.xml")) {
            final Path p = root.resolve(base);
            if (Files.isRegularFile(p)) {
                files.put(base, p);
            } else if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).forEach(f -> files.put(root.relativize(f).toString().replace('\\', '/'), f));
                }
            }
        }
        for (final Map.Entry<String, Path> f : files.entrySet()) {
            sha.update(f.getKey().getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(f.getValue()));
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Publishes the demo's gold tables to PostgreSQL and runs, as Superset's read-only login, every
     * dataset's query and every chart's metrics, group-bys and filters of the shipped dashboards:
     * each must run and return rows.
     */
    private static void dashboardsReadThePublishedDemo(final RunContext ctx, final io.kamwarehouse.spec.TableSpecCatalog specs) {
        final io.kamwarehouse.serving.ServingTarget pg = io.kamwarehouse.testing.SharedPostgres.target();
        final io.kamwarehouse.serving.ServingConfig config = io.kamwarehouse.serving.ServingConfig.load();
        final io.kamwarehouse.serving.Publisher publisher = new io.kamwarehouse.serving.Publisher(ctx.warehouse(), config, pg, ctx.progress());
        publisher.publish(publisher.candidates(specs.all().stream().map(io.kamwarehouse.spec.TableSpec::name).toList()), true);
        final io.kamwarehouse.dashboards.DashboardBundle bundle = io.kamwarehouse.dashboards.DashboardBundle.load(
                java.nio.file.Paths.get("..", "dashboards", "bundle"));
        assertEquals(List.of(), bundle.problems());
        final List<io.kamwarehouse.dashboards.BundleVerifier.Result> results;
        try (java.sql.Connection c = pg.connectAs(config.readerRole(), null)) {
            results = io.kamwarehouse.dashboards.BundleVerifier.run(bundle, c);
        } catch (final java.sql.SQLException e) {
            throw new AssertionError("cannot connect as the reader: " + e.getMessage(), e);
        }
        assertEquals(bundle.datasets().size() + bundle.charts().size(), results.size());
        final List<String> failed = results.stream().filter(r -> !r.ok())
                .map(r -> r.kind() + " '" + r.name() + "': " + (r.error() != null ? r.error() : "no rows") + "\n    " + r.sql()).toList();
        assertEquals(List.of(), failed, "dashboard queries on the published demo");
    }

    /** The bronze tables a spec'd table is built from, through its inputs. */
    private static java.util.Set<String> upstreamBronze(final io.kamwarehouse.spec.TableSpecCatalog specs, final String table) {
        final java.util.Set<String> out = new java.util.TreeSet<>();
        if (table.startsWith("raw_")) {
            out.add(table);
            return out;
        }
        for (final String in : specs.get(table).inputs()) {
            out.addAll(upstreamBronze(specs, in));
        }
        return out;
    }
}
