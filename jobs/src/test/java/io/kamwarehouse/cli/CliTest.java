package io.kamwarehouse.cli;

import io.kamwarehouse.cli.CliRun.Result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/** The command line: clear one-line errors with non-zero exits, and readable or CSV output. */
class CliTest {

    @TempDir
    Path dir;


    private Result kamw(final String... args) {
        return CliRun.kamw(dir, args);
    }

    private static void assertOneLineError(final Result r, final int code, final String expected) {
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(r.err().contains("Exception"), "no exception class names: " + r.err());
    }

    /** {@code kamw lineage}: both trees from the specs and contracts alone, depth and direction, a typo's suggestion. */
    @Test
    void lineageShowsWhatATableIsBuiltFromAndInto() {
        final Result r = kamw("lineage", "fct_bonus_reconciliation");
        assertEquals(0, r.code(), r.err());
        final List<String> lines = r.out().lines().toList();
        assertEquals("fct_bonus_reconciliation  (gold, sql)", lines.get(0));
        assertEquals("built from:", lines.get(1));
        assertTrue(lines.contains("  fct_bonus  (gold, sql)"), r.out());
        // down to the extracts, two levels below fct_bonus: dim_employee from the CRM's employees
        assertTrue(lines.contains("    dim_employee  (gold, scd2)"), r.out());
        assertTrue(lines.contains("      raw_crm__employees  (bronze, from crm.employees extracts)"), r.out());
        // a branch is printed once; where the table appears again it is marked
        assertEquals(1, lines.stream().filter(l -> l.trim().equals("dim_employee  (gold, scd2)")).count(), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.trim().equals("dim_employee  (gold, scd2)  [shown above]")), r.out());
        assertEquals(List.of("built into:", "  (nothing is built from it)"), lines.subList(lines.size() - 2, lines.size()));

        final Result teams = kamw("lineage", "raw_crm__teams", "--downstream", "--depth", "2");
        assertEquals(0, teams.code(), teams.err());
        assertEquals(List.of("raw_crm__teams  (bronze, from crm.teams extracts)", "built into:", "  stg_crm__teams  (silver, staging)",
                "    dim_team  (gold, sql)"), teams.out().lines().toList());
        final Result up = kamw("lineage", "DIM_TEAM", "--upstream");
        assertEquals(List.of("dim_team  (gold, sql)", "built from:", "  stg_crm__teams  (silver, staging)",
                "    raw_crm__teams  (bronze, from crm.teams extracts)"), up.out().lines().toList(), up.err());
        assertOneLineError(kamw("lineage", "fct_bonus_reconcilation"), 2, "unknown table 'fct_bonus_reconcilation'; did you mean "
                + "fct_bonus_reconciliation?");
        assertOneLineError(kamw("lineage", "dim_team", "--depth", "0"), 2, "--depth must be 1 or more");
    }

    /** {@code kamw compile}: a query as a build runs it, vars and run date filled in, from the specs alone. */
    @Test
    void compilePrintsTheQueryAsABuildRunsIt() {
        final Result r = kamw("compile", "bdg_kpi_evidence", "--date", "2026-09-30", "--conf", "kamw.var.activity_types='visit'");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("SELECT DATE'2026-09-30' AS as_of_date"), r.out());
        assertTrue(r.out().contains("WHERE activity_type IN ('visit')"), r.out());
        assertFalse(r.out().contains("${"), "every var filled in: " + r.out());
        assertTrue(r.err().contains("${periods_from} is 0001-01-01, as a whole rebuild runs it"), r.err());

        final Result open = kamw("compile", "bdg_kpi_evidence");
        assertEquals(0, open.code(), open.err());
        assertTrue(open.out().contains("SELECT DATE'${as_of_date}' AS as_of_date"), open.out());
        assertTrue(open.err().contains("${as_of_date} left open: give --date"), open.err());

        assertOneLineError(kamw("compile", "dim_account"), 2, "dim_account is built by a scd2 job, which has no query to compile");
        assertOneLineError(kamw("compile", "dim_tem"), 2, "unknown table 'dim_tem'; did you mean dim_team?");
    }

    @Test
    void aMissingPathIsAClearError() {
        assertOneLineError(kamw("ingest", "--source", "maven_crm", "--path", dir.resolve("nope.csv").toString()), 2,
                "does not exist; give a file or a folder");
    }

    @Test
    void unknownSourceAndTableNameTheKnownOnes() {
        assertOneLineError(kamw("ingest", "--source", "sap"), 2, "unknown source 'sap'; known sources: cdnow, crm, finance, maven_crm, prepbench, survey");
        assertOneLineError(kamw("run", "raw_crm__acounts", "--dry-run"), 2, "unknown table 'raw_crm__acounts'; did you mean raw_crm__accounts?");
        assertOneLineError(kamw("ingest", "--source", "crmm"), 2, "unknown source 'crmm'; did you mean crm?");
        assertOneLineError(kamw("ingest", "--source", "crm.acounts"), 2, "unknown source entity 'crm.acounts'; did you mean crm.accounts?");
        assertOneLineError(kamw("run", "--dry-run", "stg_crm__zzz"), 2, "unknown table 'stg_crm__zzz'; kamw tables lists all ");
        assertOneLineError(kamw("pipeline", "--dry-run", "--select", "fct_bonuss+"), 2,
                "unknown table 'fct_bonuss' in selector 'fct_bonuss+'; did you mean fct_bonus?");
        // the same name in other case is the table, where only one matches
        final Result upper = kamw("run", "DIM_ACCOUNT", "--dry-run");
        assertEquals(0, upper.code(), upper.err());
        assertTrue(upper.out().startsWith("run dim_account: scd2 job from"), upper.out());
    }

    @Test
    void aMalformedDateSaysTheFormat() {
        assertOneLineError(kamw("ingest", "--date", "2026-13-01"), 2, "'2026-13-01' is not a date: use yyyy-MM-dd");
        assertOneLineError(kamw("run", "raw_crm__teams", "--date", "yesterday", "--dry-run"), 2, "is not a date");
    }

    @Test
    void pathWithoutSourceAndUnknownOptionsAreUsageErrors() {
        assertOneLineError(kamw("ingest", "--path", "x.csv"), 2, "--path needs --source NAME");
        final Result r = kamw("ingest", "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--bogus'") && r.err().contains("kamw ingest --help"), r.err());
    }

    @Test
    void aHeaderThatMatchesNoContractIsRejectedWithNonZeroExit() throws IOException {
        final Path file = Files.writeString(dir.resolve("mystery.csv"), "foo,bar\n1,2\n");
        final Result r = kamw("ingest", "--source", "crm", "--path", file.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("matches no contract of source 'crm'"), r.out());
    }

    /**
     * A refused file is recorded with its checksum and not tried again while it is unchanged: the
     * next runs report it and exit 0; a changed file, or one named by --retry, is tried again.
     */
    @Test
    void aRefusedFileDoesNotBlockLaterRunsUntilItChangesOrIsRetried() throws Exception {
        final Path drop = Files.createDirectories(dir.resolve("landing/crm/2026-10-01"));
        Files.writeString(drop.resolve("mystery.csv"), "foo,bar\n1,2\n");
        Files.writeString(drop.resolve("teams_bad.csv"), "team_id,nonsense\nTM-9,x\n");
        final Result first = kamw("ingest", "--source", "crm");
        assertEquals(2, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("matches no contract of source 'crm'"), first.out());

        final Result log = kamw("sql", "select file_path, checksum is not null as summed, reason from refused_files order by file_path", "--csv");
        final String[] rows = log.out().split("\n");
        assertEquals(3, rows.length, log.out());
        assertTrue(rows[1].contains("mystery.csv,true,") && rows[1].contains("matches no contract"), log.out());
        assertTrue(rows[2].contains("teams_bad.csv,true,"), log.out());

        // unchanged: reported, not tried again, exit 0
        final Result second = kamw("ingest", "--source", "crm");
        assertEquals(0, second.code(), second.out() + second.err());
        assertTrue(second.out().contains("not tried again"), second.out());
        assertTrue(second.out().contains("kamw ingest --retry mystery.csv"), second.out());
        assertTrue(second.out().contains("kamw ingest --retry teams_bad.csv"), second.out());

        // asked for: tried again (and refused again)
        final Result retried = kamw("ingest", "--source", "crm", "--retry", "teams_bad.csv");
        assertEquals(2, retried.code(), retried.out() + retried.err());
        assertTrue(retried.out().contains("mystery.csv") && retried.out().contains("not tried again"), retried.out());
        assertOneLineError(kamw("ingest", "--source", "crm", "--retry", "nope.csv"), 2, "--retry nope.csv: no such file waiting in ");

        // fixed: a changed file is tried again, and loads
        Files.writeString(drop.resolve("teams_bad.csv"), "team_id,team_name,parent_team_id,team_type,region,manager_employee_id,"
                + "created_date,updated_at\nTM-009,North,,region,North,E100009,2019-01-01,2019-01-01 00:00:00\n");
        final Result fixed = kamw("ingest", "--source", "crm");
        assertEquals(0, fixed.code(), fixed.out() + fixed.err());
        assertTrue(kamw("sql", "select team_id from raw_crm__teams", "--csv").out().contains("TM-009"));
        final Result after = kamw("ingest", "--source", "crm");
        assertEquals(0, after.code(), after.out() + after.err());
        assertTrue(after.out().contains("raw_crm__teams  2026-10-01  skipped  0"), "loaded once: " + after.out());
        assertFalse(after.out().contains("teams_bad.csv"), after.out());
    }

    /**
     * A drop whose file lacks an optional column (here renamed) never erases what earlier drops
     * gave: silver keeps the last known value, the drift is on the command's output and in
     * schema_drift, and a rebuild from all of bronze gives the same rows.
     */
    @Test
    void aDropWithoutAColumnKeepsItsEarlierValuesAndTheDriftIsRecorded() throws Exception {
        final Path day1 = Files.createDirectories(dir.resolve("landing/crm/2026-10-01"));
        Files.writeString(day1.resolve("teams_20261001.csv"), io.kamwarehouse.testing.TeamTables.TEAMS);
        assertEquals(0, kamw("pipeline", "--select", "+stg_crm__teams").code());
        final Path day2 = Files.createDirectories(dir.resolve("landing/crm/2026-10-02"));
        // region's header renamed to 'area'; TM-002 renamed, TM-004 new
        Files.writeString(day2.resolve("teams_20261002.csv"), "team_id,team_name,parent_team_id,team_type,area,manager_employee_id,"
                + "created_date,updated_at\n"
                + "TM-002,East Strategic Accounts,TM-001,key_account,Ost,E100002,2017-06-05,2026-10-01 12:00:00\n"
                + "TM-004,North Region,,region,North,E100004,2026-09-01,2026-10-01 12:00:00\n");
        final Result second = kamw("pipeline", "--select", "+stg_crm__teams");
        assertEquals(0, second.code(), second.out() + second.err());
        assertTrue(second.out().contains("column region is missing and header 'area' is unknown: probably renamed; add 'area' to its "
                + "aliases in "), second.out());
        assertTrue(second.out().contains("silver keeps the last values earlier drops gave for [region]"), second.out());

        final String expected = "team_id,team_name,region\nTM-001,East Region,East\nTM-002,East Strategic Accounts,East\n"
                + "TM-003,West Region,West\nTM-004,North Region,NULL\n";
        final String q = "select team_id, team_name, coalesce(region, 'NULL') region from stg_crm__teams order by team_id";
        assertEquals(expected, kamw("sql", q, "--csv").out(), "the name changed, the region stayed");
        final Result drift = kamw("sql", "select change, column_name, header from schema_drift order by change", "--csv");
        assertEquals("change,column_name,header\nextra,,area\nmissing,region,\nrenamed,region,area\n", drift.out());

        assertEquals(0, kamw("run", "stg_crm__teams", "--rebuild").code());
        assertEquals(expected, kamw("sql", q, "--csv").out(), "a rebuild from all of bronze gives the same");
    }

    @Test
    void helpWorksOnEveryCommand() {
        for (final String cmd : List.of("generate", "ingest", "run", "pipeline", "backfill", "status", "sql", "demo")) {
            final Result r = kamw(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage: kamw " + cmd), r.out());
        }
    }

    /**
     * Every command's help: its own options, the global ones described once (in kamw --help) and
     * named at the end; lines within 80 columns, never cut inside a word or a path.
     */
    @Test
    void helpShowsEachCommandsOwnOptionsAndWrapsAtWords() {
        final List<List<String>> commands = new ArrayList<>();
        collect(new picocli.CommandLine(new Main()), new ArrayList<>(), commands);
        assertTrue(commands.size() > 20, commands.toString());
        for (final List<String> cmd : commands) {
            final List<String> args = new ArrayList<>(cmd);
            args.add("--help");
            final Result r = kamw(args.toArray(new String[0]));
            final String name = String.join(" ", cmd);
            assertEquals(0, r.code(), name);
            assertTrue(r.out().startsWith(("Usage: kamw " + name).strip() + " ["), r.out());
            if (!cmd.isEmpty()) {
                assertFalse(r.out().contains("--warehouse=PATH"), name + " describes a global option: " + r.out());
                assertTrue(r.out().contains("Global options, described in 'kamw --help': --warehouse, --landing"), r.out());
                if (cmd.size() > 1 && cmd.get(0).equals("dashboards")) {
                    assertTrue(r.out().contains("Options of kamw dashboards, described in 'kamw dashboards --help': --bundle."), r.out());
                }
            }
            for (final String line : r.out().lines().toList()) {
                assertTrue(line.stripTrailing().length() <= 80, name + ": a line longer than 80 columns: " + line);
            }
            // a word or a path cut at a line's end would be missing from the words printed
            final Set<String> printed = new java.util.HashSet<>(List.of(r.out().split("\\s+")));
            final picocli.CommandLine.Model.CommandSpec spec = specOf(cmd);
            final List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
            spec.options().stream().filter(o -> !o.inherited() && !o.hidden()).forEach(o -> texts.addAll(List.of(o.description())));
            for (final String text : texts) {
                for (final String word : text.split("\\s+")) {
                    if (!word.isEmpty() && !word.contains("${") && !word.contains("%")) {
                        assertTrue(printed.contains(word), name + ": '" + word + "' is cut across lines:\n" + r.out());
                    }
                }
            }
        }
    }

    @Test
    void completionScriptCoversTheCommandsAndTheirOptions() throws Exception {
        final Result r = kamw("completion");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("complete -F _complete_kamw") && r.out().contains("kamw_sql") && r.out().contains("--rebuild"),
                r.out().substring(0, Math.min(400, r.out().length())));
        final Path script = dir.resolve("kamw-completion.bash");
        Files.writeString(script, r.out());
        final Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertEquals(0, bash.waitFor(), new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static picocli.CommandLine.Model.CommandSpec specOf(final List<String> cmd) {
        picocli.CommandLine cli = new picocli.CommandLine(new Main());
        for (final String c : cmd) {
            cli = cli.getSubcommands().get(c);
        }
        return cli.getCommandSpec();
    }

    private static void collect(final picocli.CommandLine cli, final List<String> path, final List<List<String>> out) {
        out.add(List.copyOf(path));
        for (final Map.Entry<String, picocli.CommandLine> e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help") || !e.getValue().getCommandName().equals(e.getKey())) {
                continue;
            }
            final List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            collect(e.getValue(), sub, out);
        }
    }

    @Test
    void runDryRunChecksArgumentsWithoutSpark() {
        final Result r = kamw("run", "raw_crm__accounts", "--date", "2026-10-01", "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertEquals("run raw_crm__accounts: ingest pending drops of crm.accounts up to 2026-10-02 (as of 2026-10-01)", r.out().trim());
    }

    @Test
    void aDateAndAnotherAsOfDateGivenWithConfAreRefusedBeforeSparkStarts() {
        assertOneLineError(kamw("run", "fct_opportunity", "--date", "2026-10-01", "--conf", "kamw.asOfDate=2026-09-30", "--dry-run"),
                2, "--date 2026-10-01 and --conf kamw.asOfDate=2026-09-30 give two as-of dates; give one");
        assertOneLineError(kamw("pipeline", "--date", "2026-10-01", "--conf", "kamw.var.as_of_date=2026-09-30", "--dry-run"),
                2, "--date 2026-10-01 and --conf kamw.var.as_of_date=2026-09-30 give two as-of dates; give one");
        final Result same = kamw("run", "fct_opportunity", "--date", "2026-10-01", "--conf", "kamw.asOfDate=2026-10-01", "--dry-run");
        assertEquals(0, same.code(), same.err());
    }

    /** The repository's table specs, read without Spark. */
    private static TableSpecCatalog specs() {
        return TableSpecCatalog.load(SchemaFiles.fromDirectory(SharedSpark.schemasDir()));
    }

    /** The tables that read one of {@code from}, directly or through others; {@code from} left out. */
    private static Set<String> downstream(final TableSpecCatalog specs, final Set<String> from) {
        final Set<String> reached = new TreeSet<>(from);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (final TableSpec s : specs.all()) {
                if (!reached.contains(s.name()) && s.inputs().stream().anyMatch(reached::contains)) {
                    grew = reached.add(s.name());
                }
            }
        }
        reached.removeAll(from);
        return reached;
    }

    /** The dry run's plan: table to what it does, in the printed order, after the header line. */
    private static Map<String, String> backfillPlan(final Result r, final String header) {
        final List<String> lines = r.out().lines().toList();
        assertEquals(header, lines.get(0), r.out());
        final Map<String, String> plan = new LinkedHashMap<>();
        for (final String line : lines.subList(1, lines.size())) {
            assertTrue(line.startsWith("  ") && line.contains(": "), "a plan line: " + line);
            final String[] parts = line.strip().split(": ", 2);
            assertNull(plan.put(parts[0], parts[1]), "listed once: " + parts[0]);
        }
        return plan;
    }

    @Test
    void aBackfillWhoseRangeEndsBeforeItStartsIsRefused() {
        assertOneLineError(kamw("backfill", "--from", "2026-09-01", "--to", "2026-08-01", "--dry-run"), 2,
                "--to 2026-08-01 is before --from 2026-09-01");
    }

    @Test
    void aBackfillOfAnUnknownTableNamesIt() {
        assertOneLineError(kamw("backfill", "no_such_table", "--from", "2026-09-01", "--to", "2026-09-30", "--dry-run"), 2,
                "unknown table 'no_such_table'");
        assertOneLineError(kamw("backfill", "raw_crm__accounts", "--from", "2026-09-01", "--to", "2026-09-30", "--dry-run"), 2,
                "raw_crm__accounts is a bronze table, which a backfill does not recompute: name the silver or gold tables that read it");
    }

    @Test
    void aBackfillOfEveryTableBuiltByPeriodRecomputesTheirPeriodsThenBringsUpToDateWhatReadsThem() {
        final Result r = kamw("backfill", "--from", "2026-09-01", "--to", "2026-09-30", "--dry-run");
        assertEquals(0, r.code(), r.err());
        final Map<String, String> plan = backfillPlan(r, "backfill 2026-09-01 to 2026-09-30:");
        assertEquals("recompute the months from 2026-09-01 to 2026-09-01 (and any its inputs' changes reach)",
                plan.get("fct_account_month"), r.out());
        // fct_bonus has no period: it reads fct_employee_scorecard, downstream of fct_employee_kpi, and comes after it
        assertEquals("bring up to date (downstream)", plan.get("fct_bonus"), "fct_bonus reads fct_employee_scorecard: " + r.out());
        final List<String> order = new ArrayList<>(plan.keySet());
        assertTrue(order.indexOf("fct_account_month") < order.indexOf("bdg_kpi_evidence"), "a table after its inputs: " + order);
        assertTrue(order.indexOf("fct_employee_scorecard") < order.indexOf("fct_bonus"), "a table after its inputs: " + order);

        final TableSpecCatalog specs = specs();
        final Set<String> byPeriod = specs.all().stream().filter(s -> s.period() != null).map(TableSpec::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(byPeriod.contains("fct_account_month"), byPeriod.toString());
        final Set<String> recomputed = plan.entrySet().stream().filter(e -> e.getValue().startsWith("recompute the "))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(byPeriod, recomputed, "every table with a period: block, and only those, is recomputed by period");
        final Set<String> broughtUpToDate = plan.entrySet().stream().filter(e -> e.getValue().equals("bring up to date (downstream)"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(downstream(specs, byPeriod), broughtUpToDate, "then exactly the tables downstream of them");
        assertEquals(plan.size(), recomputed.size() + broughtUpToDate.size(), r.out());
    }

    @Test
    void aNamedTableWithoutAPeriodIsRebuiltWholeThenWhatReadsItIsBroughtUpToDate() {
        final Result r = kamw("backfill", "dim_team", "--from", "2026-09-01", "--to", "2026-09-30", "--dry-run");
        assertEquals(0, r.code(), r.err());
        final Map<String, String> plan = backfillPlan(r, "backfill 2026-09-01 to 2026-09-30:");
        assertEquals("dim_team", plan.keySet().iterator().next(), r.out());
        assertEquals("rebuild whole (no period declared)", plan.get("dim_team"), r.out());
        final Set<String> down = downstream(specs(), Set.of("dim_team"));
        assertTrue(down.contains("fct_opportunity") && down.contains("fct_team_scorecard"), down.toString());
        final Map<String, String> rest = new LinkedHashMap<>(plan);
        rest.remove("dim_team");
        assertEquals(down, new TreeSet<>(rest.keySet()), r.out());
        rest.forEach((table, what) -> assertEquals("bring up to date (downstream)", what, table));

        final Result asOf = kamw("backfill", "dim_team", "--from", "2026-09-01", "--to", "2026-09-30", "--date", "2026-10-01", "--dry-run");
        assertEquals(0, asOf.code(), asOf.err());
        assertEquals(plan, backfillPlan(asOf, "backfill 2026-09-01 to 2026-09-30 as of 2026-10-01:"));
    }

    @Test
    void ingestThenQueryByNameAndStatus() throws IOException {
        final Path teams = Paths.get("src/test/resources/landing/crm/2026-10-01/teams_20261001.csv");
        final Result ingest = kamw("ingest", "--source", "crm.teams", "--path", teams.toString(), "--date", "2026-10-01");
        assertEquals(0, ingest.code(), ingest.out() + ingest.err());
        assertTrue(ingest.out().contains("raw_crm__teams"), ingest.out());

        final Result sql = kamw("sql", "select team_id, team_name from raw_crm__teams order by team_id");
        assertEquals(0, sql.code(), sql.err());
        final String[] lines = sql.out().split("\n");
        assertEquals("team_id  team_name", lines[0].stripTrailing());
        assertEquals("T01      华东大区", lines[2].stripTrailing(), "CJK text aligned by display width");
        assertTrue(sql.out().contains("(2 rows)"));

        final Result csv = kamw("sql", "select team_id, team_name from raw_crm__teams order by team_id", "--csv");
        assertEquals("team_id,team_name\nT01,华东大区\nT02,Key Accounts East\n", csv.out());

        final Result status = kamw("status", "--csv");
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().startsWith("table,layer,version,rows,last_run_at,last_status,quarantined_rows\n"), status.out());
        assertTrue(status.out().contains("raw_crm__teams,bronze,0,2,"), status.out());

        final Result bad = kamw("sql", "select * from no_such_table");
        assertOneLineError(bad, 2, "query failed");
        assertTrue(bad.err().contains("tables present: raw_crm__teams"), bad.err());

        final Result again = kamw("ingest", "--source", "crm.teams", "--path", teams.toString(), "--date", "2026-10-01");
        assertEquals(0, again.code());
        assertTrue(again.out().contains("skipped"), again.out());
        // the table's last run was skipped because nothing changed: the table is up to date
        final Result after = kamw("status", "--csv");
        assertTrue(after.out().contains("raw_crm__teams,bronze,0,2,") && after.out().contains(",up to date,0"), after.out());
    }

    /**
     * The warehouse lease: a writing command is refused (exit 75, the holder named) while another
     * live process holds it, read-only commands go on and show the writer; a lease whose process
     * died is taken over by the next writer, which records the interrupted run with its last step.
     */
    @Test
    void writersTakeTheWarehouseLeaseAndAnInterruptedRunIsRecorded() throws Exception {
        final Path teams = Paths.get("src/test/resources/landing/crm/2026-10-01/teams_20261001.csv");
        assertEquals(0, kamw("ingest", "--source", "crm.teams", "--path", teams.toString(), "--date", "2026-10-01").code());
        assertFalse(Files.exists(dir.resolve(io.kamwarehouse.runtime.WarehouseLease.FILE)), "given back at the end");
        final Process alive = new ProcessBuilder("sleep", "60").start();
        try {
            writeLease(alive.pid(), "[7/80] build stg_crm__teams");
            final Result refused = kamw("ingest", "--source", "crm.teams", "--path", teams.toString(), "--date", "2026-10-02");
            assertOneLineError(refused, 75, "is in use by 'kamw pipeline --date 2026-10-01' (run 20261001T000000-dead0001, ops@");
            assertTrue(refused.err().contains("now at: [7/80] build stg_crm__teams"), refused.err());
            assertOneLineError(kamw("run", "stg_crm__teams"), 75, "Wait for it with --wait [SECONDS]");
            final Result status = kamw("status");
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().contains("writer:    'kamw pipeline --date 2026-10-01' (run 20261001T000000-dead0001"),
                    status.out());
            assertEquals(0, kamw("sql", "select 1").code(), "reading needs no lease");
            final Result dry = kamw("run", "raw_crm__teams", "--dry-run");
            assertEquals(0, dry.code(), dry.err());
            assertTrue(dry.out().contains("now: lease: 'kamw pipeline --date 2026-10-01' (run 20261001T000000-dead0001")
                    && dry.out().contains("the run would stop with exit code 75 (or wait for it with --wait)"), "a dry run says "
                    + "what the real run would meet: " + dry.out());
        } finally {
            alive.destroyForcibly().waitFor();
        }
        // the holder's process is gone: its run was interrupted
        writeLease(alive.pid(), "[7/80] build stg_crm__teams");
        assertTrue(kamw("status").out().contains("writer:    interrupted: 'kamw pipeline --date 2026-10-01'"));
        final Result next = kamw("ingest", "--source", "crm.teams", "--path", teams.toString(), "--date", "2026-10-01");
        assertEquals(0, next.code(), next.err());
        final Result log = kamw("sql", "select job, status, message from run_log where run_id = '20261001T000000-dead0001'", "--csv");
        assertTrue(log.out().startsWith("job,status,message\nkamw pipeline,interrupted,did not finish: its process " + alive.pid()
                + " no longer runs on "), log.out());
        assertTrue(log.out().contains("; last step: [7/80] build stg_crm__teams; its lease was taken over by run "), log.out());
    }

    private void writeLease(final long pid, final String step) throws IOException {
        final java.time.Instant now = java.time.Instant.now();
        Files.writeString(dir.resolve(io.kamwarehouse.runtime.WarehouseLease.FILE), "{\"run_id\":\"20261001T000000-dead0001\","
                + "\"user\":\"ops\",\"host\":\"" + java.net.InetAddress.getLocalHost().getHostName() + "\",\"pid\":" + pid
                + ",\"command\":\"kamw pipeline --date 2026-10-01\",\"started\":\"" + now.minusSeconds(90) + "\",\"heartbeat\":\""
                + now + "\",\"step\":\"" + step + "\"}");
    }

    /** Day 1's teams drop in the landing folder, and stg_crm__teams and dim_team built from it. */
    private void buildTeams() throws IOException {
        final Path day1 = Files.createDirectories(dir.resolve("landing/crm/2026-10-01"));
        Files.writeString(day1.resolve("teams_20261001.csv"), io.kamwarehouse.testing.TeamTables.TEAMS);
        assertEquals(0, kamw("pipeline", "--select", "+dim_team").code());
    }

    /** Day 2's teams drop: one new team, TM-004. */
    private void dropNewTeam() throws IOException {
        final Path day2 = Files.createDirectories(dir.resolve("landing/crm/2026-10-02"));
        Files.writeString(day2.resolve("teams_20261002.csv"), "team_id,team_name,parent_team_id,team_type,region,manager_employee_id,"
                + "created_date,updated_at\nTM-004,North Region,,region,North,E100004,2026-09-01,2026-10-01 12:00:00\n");
    }

    /**
     * The warehouse as a catalog in {@code kamw sql}: tables listed by layer, described with the
     * spec's column texts, their history, time travel and change feed by name; changes refused;
     * several statements from a file or standard input, stopping at the first that fails.
     */
    @Test
    void sqlSeesTheWarehouseAsACatalogWithHistoryAndTimeTravel() throws Exception {
        buildTeams();
        dropNewTeam();
        assertEquals(0, kamw("pipeline", "--select", "+dim_team").code());

        final Result tables = kamw("sql", "show tables", "--csv");
        assertEquals(0, tables.code(), tables.err());
        assertTrue(tables.out().contains("bronze,raw_crm__teams,false\n") && tables.out().contains("silver,stg_crm__teams,false\n")
                && tables.out().contains("gold,dim_team,false\n") && tables.out().contains("meta,run_log,false\n"), tables.out());
        assertEquals("namespace,tableName,isTemporary\ngold,dim_team,false\n", kamw("sql", "show tables in gold", "--csv").out());

        final Result history = kamw("sql", "describe history stg_crm__teams", "--csv");
        assertEquals(0, history.code(), history.err());
        final List<String[]> versions = history.out().lines().skip(1).map(l -> l.split(",", 6)).toList();
        assertEquals(List.of("1", "0"), versions.stream().map(v -> v[0]).toList(), history.out());
        assertEquals("WRITE", versions.get(0)[4], history.out());
        assertTrue(versions.get(0)[5].contains("Append"), "the second drop's new team appended: " + history.out());
        assertEquals("count\n3\n", kamw("sql", "select count(*) count from stg_crm__teams version as of 0", "--csv").out());
        assertEquals("count\n4\n", kamw("sql", "select count(*) count from silver.stg_crm__teams", "--csv").out());
        final String at = versions.get(1)[1];
        assertEquals("count\n3\n", kamw("sql", "select count(*) count from stg_crm__teams timestamp as of '" + at + "'", "--csv")
                .out(), "as it was at version 0's time");
        assertEquals("_change_type,team_id\ninsert,TM-004\n", kamw("sql", "select _change_type, team_id from "
                + "table_changes('stg_crm__teams', 1) order by 1, 2", "--csv").out(), "the change feed by name");

        final Result described = kamw("sql", "describe dim_team", "--csv");
        assertTrue(described.out().contains("\nroot_team_id,string,the root team above this one (itself for a root)\n"),
                "the spec's column text as the comment: " + described.out());

        assertOneLineError(kamw("sql", "delete from dim_team where true"), 2,
                "kamw sql only reads the warehouse; this statement (DeleteFromTable) would change it");
        assertOneLineError(kamw("sql", "drop table stg_crm__teams"), 2, "would change it");
        assertEquals("n\n4\n", kamw("sql", "select count(*) n from dim_team", "--csv").out(), "nothing deleted");

        final Path script = dir.resolve("queries.sql");
        Files.writeString(script, "select count(*) n from dim_team;\n-- the second fails\nselect nope from dim_team;\nselect 1;\n");
        final Result file = kamw("sql", "-f", script.toString(), "--csv");
        assertOneLineError(file, 2, "statement 2 of 3 (line 3) query failed: [UNRESOLVED_COLUMN");
        assertTrue(file.err().contains("(the 1 statement(s) after it were not run)"), file.err());
        assertEquals("n\n4\n", file.out(), "the first ran, the third did not");

        final java.io.InputStream in = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("select 1 a;\nselect 'x;y' b".getBytes(StandardCharsets.UTF_8)));
            final Result stdin = kamw("sql", "-", "--csv");
            assertEquals(0, stdin.code(), stdin.err());
            assertEquals("a\n1\nb\nx;y\n", stdin.out());
        } finally {
            System.setIn(in);
        }
    }

    /**
     * {@code kamw test}: the selected tables' checks on the tables as built, every outcome kept in
     * check_results (a build's too, passed ones included); a check the table breaks names the
     * table, the check, the count and sample rows, and an error exits 3 where a warning does not.
     */
    @Test
    void testRunsTheSelectedTablesChecksAndKeepsEveryResult() throws Exception {
        buildTeams();
        assertEquals("source,table_name,checks,passed\nbuild,dim_team,13,13\nbuild,stg_crm__teams,5,5\n", kamw("sql",
                "select source, table_name, count(*) checks, count_if(passed) passed from check_results group by 1, 2 order by 2",
                "--csv").out(), "a build's check outcomes, passed ones too");

        final Result ls = kamw("ls", "+dim_team", "--csv");
        assertEquals(0, ls.code(), ls.err());
        final List<String> listed = ls.out().lines().toList();
        assertEquals(3, listed.size(), "the header and the two tables with a spec: " + ls.out());
        assertTrue(listed.get(0).endsWith(",folder,version,built_at"), listed.get(0));
        assertTrue(listed.get(1).startsWith("silver,crm,stg_crm__teams,staging,") && listed.get(1).matches(".*,0,20\\d\\d-[0-9-]+T[0-9:]+Z"),
                listed.get(1));
        assertTrue(listed.get(2).startsWith("gold,conformed,dim_team,sql,") && listed.get(2).matches(".*,0,20\\d\\d-[0-9-]+T[0-9:]+Z"),
                listed.get(2));

        final Path site = dir.resolve("site");
        final Result docs = kamw("docs", "--out", site.toString());
        assertEquals(0, docs.code(), docs.err());
        final String html = Files.readString(site.resolve("index.html"));
        final String team = html.substring(html.indexOf("<section id=\"dim_team\">"), html.indexOf("</section>",
                html.indexOf("<section id=\"dim_team\">")));
        assertTrue(team.contains("<b>In the warehouse:</b> version 0, built 20"), team);
        assertTrue(team.contains("3 rows") && team.contains("<b>Last run:</b> <span class=\"ok\">succeeded</span>"), team);
        assertTrue(team.contains("<tr><td>root_team_id</td><td>string</td><td>the root team above this one (itself for a root)</td></tr>"),
                "the built column's type and the spec's text: " + team);
        assertTrue(team.contains("<td>roots_are_level_one</td><td>expression</td><td>error</td>"), team);
        assertTrue(team.contains("<a href=\"#stg_crm__teams\">") && team.contains("<pre>"), "lineage and query: " + team);
        assertTrue(html.contains("<section id=\"fct_bonus\">") && html.contains("Not built in this warehouse."), "every table listed");
        assertFalse(html.matches("(?s).*(src|href)=\"https?:.*"), "nothing loaded from elsewhere: the file opens as it is");

        final Result ok = kamw("test", "+dim_team");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.readString(site.resolve("index.html")).contains("succeeded</span> at "), "the docs' last run is the build's");
        assertEquals(0, kamw("docs", "--out", site.toString()).code());
        final String after = Files.readString(site.resolve("index.html"));
        final int at = after.indexOf("<b>Last run:</b>", after.indexOf("<section id=\"dim_team\">"));
        final String lastRun = after.substring(at, after.indexOf("</p>", at));
        assertTrue(lastRun.contains("succeeded</span>") && lastRun.contains("recomputed: 3 rows") && !lastRun.contains("checks passed"),
                "the table's last run is its build, not kamw test's: " + lastRun);
        assertTrue(ok.out().contains("[1/2] test stg_crm__teams v0: 5/5 passed\n[2/2] test dim_team v0: 13/13 passed\n"), ok.out());
        assertTrue(ok.out().contains("tested 2 tables: 18 checks passed, 0 failed (error), 0 failed (warn)"), ok.out());

        // checks added to the spec since the build: the table as built breaks them
        final Path schemas = dir.resolve("schemas");
        try (java.util.stream.Stream<Path> files = Files.walk(SharedSpark.schemasDir())) {
            for (final Path f : files.toList()) {
                final Path to = schemas.resolve(SharedSpark.schemasDir().relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        final Path spec = schemas.resolve("tables/gold/conformed/dim_team/table.yaml");
        Files.writeString(spec, Files.readString(spec).replace("checks:\n", "checks:\n  - expression: \"level = 1\"\n"
                + "    name: only_roots\n  - expression: \"team_id <> 'TM-003'\"\n    name: not_the_west\n    severity: warn\n"));
        final Result bad = CliRun.kamwWith(schemas, dir, "test", "dim_team");
        assertEquals(3, bad.code(), bad.out() + bad.err());
        assertTrue(bad.out().contains("[1/1] test dim_team v0: 13/15 passed, 1 error, 1 warning\n"
                + "  error only_roots on dim_team: 1 row where (level = 1) is false\n    {\"team_key\":"), bad.out());
        assertTrue(bad.out().contains("\"team_id\":\"TM-002\""), "the failing row: " + bad.out());
        assertTrue(bad.out().contains("  warn not_the_west on dim_team: 1 row where (team_id <> 'TM-003') is false\n"), bad.out());

        final Result kept = kamw("sql", "select check_name, severity, failing_rows, get_json_object(sample_rows[0], '$.team_id') team "
                + "from check_results where source = 'test' and not passed order by 1", "--csv");
        assertEquals("check_name,severity,failing_rows,team\nnot_the_west,warn,1,TM-003\nonly_roots,error,1,TM-002\n", kept.out());
        assertEquals("job,status\ntest dim_team,check_failed\ntest dim_team,succeeded\n", kamw("sql",
                "select job, status from run_log where job = 'test dim_team' order by status", "--csv").out());
        assertOneLineError(kamw("test", "layer:bronze"), 2, "the selection has no table with checks");
    }

    /**
     * A dry run says what the run would find now, as the run then does: drops not loaded yet or
     * none, tables up to date, tables an earlier step changes, a table whose input moved, and it
     * writes nothing.
     */
    @Test
    void dryRunsSayWhatTheRunWouldFindNow() throws Exception {
        buildTeams();

        final Result idle = kamw("pipeline", "--select", "+dim_team", "--dry-run");
        assertEquals(0, idle.code(), idle.err());
        assertTrue(idle.out().contains("now: ingest crm.teams: nothing new in the landing folder (every file there is loaded)\n"
                + "now: build stg_crm__teams: up to date: no input changed since its last merge\n"
                + "now: build dim_team: up to date: inputs and query unchanged since its last build\n"
                + "now: 2 tables: 2 up to date, 0 would build or be decided in the run, 0 would skip\n"), idle.out());

        dropNewTeam();
        final Result day = kamw("pipeline", "--select", "+dim_team", "--dry-run");
        assertTrue(day.out().contains("now: ingest crm.teams: would load 2026-10-02 (1 file: teams_20261002.csv)\n"
                + "now: build stg_crm__teams: decided in the run: after raw_crm__teams changes in this run; then its 5 checks"), day.out());
        assertTrue(day.out().contains("now: build dim_team: decided in the run: after stg_crm__teams changes in this run"), day.out());
        assertTrue(kamw("run", "raw_crm__teams", "--date", "2026-10-09", "--dry-run").out()
                .contains("now: ingest crm.teams: would load 2026-10-02 (1 file: teams_20261002.csv)"));
        assertTrue(kamw("run", "raw_crm__teams", "--date", "2026-09-29", "--dry-run").out()
                .contains("now: ingest crm.teams: no drop of it in the landing folder up to 2026-09-30"), "a drop that does not exist");

        assertEquals(0, kamw("run", "raw_crm__teams").code());
        assertEquals(0, kamw("run", "stg_crm__teams").code());
        final Result moved = kamw("run", "dim_team", "--dry-run");
        assertTrue(moved.out().contains("now: build dim_team: would build: recompute whole: stg_crm__teams v0 -> v1; then its 13 checks"),
                moved.out());
        assertEquals(2, kamw("sql", "describe history dim_team", "--csv").out().lines().count(), "a dry run writes nothing");
        assertEquals(0, kamw("run", "dim_team").code());
        assertTrue(kamw("run", "dim_team", "--dry-run").out().contains("now: build dim_team: up to date"), "and the run did as it said");
        // run takes selectors as pipeline --select does
        final Result selected = kamw("run", "+dim_team", "--dry-run");
        assertTrue(selected.out().contains("build stg_crm__teams (staging) from raw_crm__teams\nbuild dim_team (sql) from stg_crm__teams\n")
                && selected.out().contains("now: 2 tables: 2 up to date"), selected.out());
        assertOneLineError(kamw("run", "dim_team", "stg_crm__teams", "--rebuild"), 2, "--rebuild takes one table, not selectors");
    }

    @Test
    void sqlPrintsValuesAsTextThatReadsBack() {
        final String q = "select array('a', 'b') arr, map('k', 1) m, named_struct('x', 1, 'y', 'z') st, "
                + "timestamp'2026-01-02 10:00:00' ts, cast(1880000 as decimal(18, 2)) amt, cast(null as string) n, '' e, "
                + "date'2026-01-31' d";
        final Result table = kamw("sql", q);
        assertEquals(0, table.code(), table.err());
        final String[] lines = table.out().split("\n");
        assertEquals("[\"a\",\"b\"]  {\"k\":1}  {\"x\":1,\"y\":\"z\"}  2026-01-02T10:00:00  1880000.00  NULL     2026-01-31",
                lines[2].stripTrailing(), "arrays, maps and structs as JSON, ISO timestamps, decimals at their scale, NULL shown");

        final Result csv = kamw("sql", "select array('a', 'b') arr, cast(null as string) n, '' e, 'a,b' c", "--csv");
        assertEquals("arr,n,e,c\n\"[\"\"a\"\",\"\"b\"\"]\",,\"\",\"a,b\"\n", csv.out(), "NULL an empty field, an empty string \"\"");

        final Result json = kamw("sql", "select map('k', 1) m, cast(null as string) n, '' e, cast(2.50 as decimal(5, 2)) amt", "--json");
        assertEquals("{\"m\":{\"k\":1},\"n\":null,\"e\":\"\",\"amt\":2.50}\n", json.out());
    }

    @Test
    void sqlPrintsEveryRowToMachinesAndSaysWhenItLeavesRowsOut() {
        final Result csv = kamw("sql", "select id from range(0, 1500)", "--csv");
        assertEquals(0, csv.code(), csv.err());
        assertEquals(1501, csv.out().split("\n").length, "every row and the header");
        assertEquals("", csv.err().strip());

        final Result table = kamw("sql", "select id from range(0, 1500)");
        assertTrue(table.out().contains("(1000 rows; more not shown: --limit N for more, --limit 0 for all)"), table.out());

        final Result some = kamw("sql", "select id from range(0, 1500)", "--csv", "--limit", "10");
        assertEquals(11, some.out().split("\n").length);
        assertTrue(some.err().contains("10 rows printed; more not shown"), some.err());
    }

    @Test
    void sqlErrorsNameTheErrorAndWhereItIs() {
        final Result parse = kamw("sql", "selct * from dim_team");
        assertOneLineError(parse, 2, "[PARSE_SYNTAX_ERROR] Syntax error at or near 'selct'");
        assertTrue(parse.err().contains("  selct * from dim_team\n  ^^^"), "the query's line with a caret: " + parse.err());

        final Result zero = kamw("sql", "select 1 / (id - id) as x from range(0, 3)");
        assertOneLineError(zero, 2, "query failed while running: [DIVIDE_BY_ZERO] Division by zero");
        assertTrue(zero.err().contains("at (line 1, column 8)"), zero.err());

        assertOneLineError(kamw("sql", "select 1", "--csv", "--json"), 2, "--csv and --json both given");
    }

    @Test
    void aMistypedCommandOrOptionGetsASuggestion() {
        final Result command = kamw("stauts");
        assertOneLineError(command, 2, "Did you mean: status");
        final Result option = kamw("pipeline", "--dry-rn");
        assertOneLineError(option, 2, "Did you mean: --dry-run?");
    }

    @Test
    void statusTellsUpToDateFromNoInputDataFromOtherSkips() {
        assertEquals("up to date", StatusCommand.state("skipped", "inputs and query unchanged since the last build"));
        assertEquals("up to date", StatusCommand.state("skipped", "no new batch in raw_crm__teams since the last merge"));
        assertEquals("up to date", StatusCommand.state("skipped", "no change of its inputs reaches a period (x v0 -> v1)"));
        assertEquals("no input data", StatusCommand.state("skipped", "raw_cdnow__transactions does not exist yet: nothing to stage"));
        assertEquals("no input data", StatusCommand.state("skipped", "input fct_x has not been built yet: nothing to build from"));
        assertEquals("skipped", StatusCommand.state("skipped", "not built: its input fct_account_month failed in this run"));
        assertEquals("failed", StatusCommand.state("failed", "inputs and query unchanged"));
    }
}
