package io.kamwarehouse.dags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/** The DAG files in dags/ are what the generator writes from the current specs, and tasks follow the specs. */
class DagGeneratorTest {

    private static final Path DAGS = SharedSpark.schemasDir().getParent().resolve("dags");

    private static DagGenerator generator(final String dagsYaml) {
        final SchemaFiles files = SchemaFiles.load(SharedSpark.schemasDir().toString());
        final ContractCatalog contracts = ContractCatalog.load(files);
        return new DagGenerator(TableSpecCatalog.load(files, contracts), contracts, DagsConfig.parse("dags.yaml", dagsYaml));
    }

    private static TableSpecCatalog specs() {
        final SchemaFiles files = SchemaFiles.load(SharedSpark.schemasDir().toString());
        return TableSpecCatalog.load(files, ContractCatalog.load(files));
    }

    private static ContractCatalog contracts() {
        return ContractCatalog.load(SchemaFiles.load(SharedSpark.schemasDir().toString()));
    }

    private static Set<String> ids(final List<DagGenerator.Task> tasks) {
        return tasks.stream().map(DagGenerator.Task::id).collect(Collectors.toSet());
    }

    private static final String PRODUCT_AND_EXAMPLES = "dags: {"
            + "daily: {schedule: '0 3 * * *', tables: daily, bronze: true}, "
            + "monthly: {schedule: '0 5 1 * *', tables: monthly}, "
            + "ex: {schedule: none, tables: all, bronze: true, examples: true}}";

    @Test
    void theCommittedDagFilesAreWhatTheGeneratorWritesNow() throws IOException {
        final Map<String, String> files = generator(Files.readString(DAGS.resolve("dags.yaml"), StandardCharsets.UTF_8)).generate();
        assertEquals(Set.of("kamw_common.py", "kamw_daily.py", "kamw_monthly_close.py", "kamw_quarterly_bonus_close.py",
                "kamw_examples.py"), files.keySet());
        for (final Map.Entry<String, String> e : files.entrySet()) {
            assertEquals(e.getValue(), Files.readString(DAGS.resolve(e.getKey()), StandardCharsets.UTF_8),
                    "dags/" + e.getKey() + " is stale: run bin/kamw dags generate");
        }
    }

    @Test
    void aCommandGoesAfterAndBeforeTheTablesItNamesThatAreInItsDag() {
        final String yaml = "dags: {d: {schedule: '@daily', tables: daily, commands: "
                + "{close: {args: [bonus, close], after: [fct_opportunity, fct_not_there], before: [mart_nps]}}}}";
        final DagGenerator g = generator(yaml);
        final List<DagGenerator.Task> tasks = g.tasks(DagsConfig.parse("dags.yaml", yaml).dags().get(0));
        final DagGenerator.Task close = tasks.stream().filter(t -> t.id().equals("close")).findFirst().orElseThrow();
        assertEquals(Set.of("fct_opportunity"), close.upstream(), "a table not in the DAG is left out");
        assertEquals(List.of("bonus", "close"), close.args());
        final DagGenerator.Task nps = tasks.stream().filter(t -> t.id().equals("mart_nps")).findFirst().orElseThrow();
        assertTrue(nps.upstream().contains("close"), "the command runs before the table it names in before:");
        assertTrue(nps.upstream().contains("fct_survey_response"), "spec inputs stay: " + nps.upstream());
        assertEquals(List.of("run", "mart_nps", "--date", "{{ macros.ds_add(data_interval_end | ds, -1) }}"), nps.args());
    }

    @Test
    void theExampleDataSetsTablesAndContractsRunOnlyInTheirOwnDag() {
        final DagGenerator g = generator(PRODUCT_AND_EXAMPLES);
        final List<DagsConfig.Dag> dags = DagsConfig.parse("dags.yaml", PRODUCT_AND_EXAMPLES).dags();
        final Set<String> daily = ids(g.tasks(dags.get(0)));
        final Set<String> monthly = ids(g.tasks(dags.get(1)));
        final Set<String> examples = ids(g.tasks(dags.get(2)));
        assertEquals(Set.of("cdnow", "maven_crm", "prepbench"), g.exampleSources());

        final Set<String> exampleTables = specs().all().stream().filter(TableSpec::example).map(TableSpec::name)
                .collect(Collectors.toSet());
        final Set<String> exampleBronze = contracts().all().stream().filter(g::example).map(Contract::bronzeTable)
                .collect(Collectors.toSet());
        assertTrue(exampleTables.contains("fct_maven_crm_deal") && exampleTables.contains("stg_cdnow__transactions"), exampleTables.toString());
        assertTrue(exampleBronze.contains("raw_prepbench__event_feedback") && exampleBronze.contains("raw_cdnow__transactions"),
                exampleBronze.toString());
        assertFalse(exampleBronze.contains("raw_crm__accounts"), "a product contract is not an example's");

        final Set<String> expected = new java.util.TreeSet<>(exampleTables);
        expected.addAll(exampleBronze);
        assertEquals(expected, new java.util.TreeSet<>(examples), "the examples' DAG runs every example table, daily or monthly, and their contracts");
        for (final String t : expected) {
            assertFalse(daily.contains(t) || monthly.contains(t), t + " is an example's table in a product DAG");
        }
        assertTrue(daily.contains("raw_crm__accounts") && daily.contains("fct_opportunity"), "the product's tables stay daily");
        assertTrue(monthly.contains("fct_account_tier"), "the product's monthly tables stay monthly");
        final Set<String> productDaily = specs().all().stream().filter(s -> !s.example() && s.schedule().equals("daily"))
                .map(TableSpec::name).collect(Collectors.toSet());
        assertTrue(daily.containsAll(productDaily), "every daily product table is in the daily DAG");

        // In their own DAG the example tables still wait for their inputs, bronze included.
        final DagGenerator.Task pipeline = g.tasks(dags.get(2)).stream().filter(t -> t.id().equals("stg_maven_crm__sales_pipeline"))
                .findFirst().orElseThrow();
        assertTrue(pipeline.upstream().contains("raw_maven_crm__sales_pipeline") && pipeline.upstream().contains("stg_maven_crm__accounts"),
                pipeline.upstream().toString());
        for (final TableSpec s : specs().all()) {
            if (!s.example()) {
                for (final String dep : s.dependencies()) {
                    assertFalse(expected.contains(dep), s.name() + ", a product table, depends on the example table " + dep);
                }
            }
        }
    }

    @Test
    void eachTaskIsOneCallOfTheHelperOfItsKindAndTheSharedArgumentsAreSetOnceInTheCommonFile() {
        final String yaml = PRODUCT_AND_EXAMPLES.substring(0, PRODUCT_AND_EXAMPLES.length() - 1)
                + ", q: {schedule: '@quarterly', tables: none, commands: {close: {args: [bonus, close, --period, '2026-Q4']}}}}";
        final Map<String, String> files = generator(yaml).generate();
        final String daily = files.get("daily.py");
        assertTrue(daily.contains("    raw_crm__accounts = kamw.bronze_task(dag, \"crm.accounts\")\n"), daily);
        assertTrue(daily.contains("    fct_opportunity = kamw.table_task(dag, \"fct_opportunity\""), daily);
        assertTrue(files.get("q.py").contains("    close = kamw.command_task(dag, \"close\", [\"bonus\", \"close\", \"--period\", \"2026-Q4\"])\n"),
                files.get("q.py"));
        for (final Map.Entry<String, String> f : files.entrySet()) {
            if (!f.getKey().equals(DagGenerator.COMMON)) {
                for (final String shared : List.of("SparkSubmitOperator", "application=", "java_class=", "conn_id=", "driver_memory=",
                        "application_args=")) {
                    assertFalse(f.getValue().contains(shared), f.getKey() + " repeats " + shared);
                }
            }
        }
        final String common = files.get(DagGenerator.COMMON);
        for (final String helper : List.of("def spark_submit(dag, task_id, args, doc, owner=None):", "def bronze_task(dag, contract):",
                "def table_task(dag, table, doc, owner=None):", "def command_task(dag, name, args):", "RUN_DATE = \"{{ macros.ds_add(data_interval_end | ds, -1) }}\"",
                "java_class=JAVA_CLASS,", "application_args=[*KAMW_ARGS, *args],", "conf=SPARK_CONF,")) {
            assertTrue(common.contains(helper), helper + " is missing from " + DagGenerator.COMMON);
        }
        assertTrue(common.indexOf("import airflow") < 0 && !common.contains("\nfrom airflow"),
                "kamw_common imports Airflow only inside the helper, so the tests read it without Airflow");
        final List<DagGenerator.Task> q = generator(yaml).tasks(DagsConfig.parse("dags.yaml", yaml).dags().get(3));
        assertEquals(DagGenerator.Kind.COMMAND, q.get(0).kind());
    }

    @Test
    void aDagScheduledNoneRunsOnlyWhenTriggered() {
        final Map<String, String> files = generator(PRODUCT_AND_EXAMPLES).generate();
        assertTrue(files.get("ex.py").contains("    schedule=None,  # run by hand\n"), files.get("ex.py"));
        assertTrue(files.get("ex.py").contains("tags=[\"kamw\", \"examples\"]"), files.get("ex.py"));
        assertTrue(files.get("daily.py").contains("    schedule=\"0 3 * * *\",\n"), files.get("daily.py"));
        final KamwException e = assertThrows(KamwException.class,
                () -> DagsConfig.parse("dags.yaml", "dags: {d: {schedule: '@daily', tables: weekly}}"));
        assertTrue(e.getMessage().contains("all or none"), e.getMessage());
    }

    @Test
    void aGroupedDagRunsOneTaskPerLayerOrDomainSelectingExactlyItsTablesAfterTheGroupsTheyDependOn() {
        final String yaml = "dags: {"
                + "daily: {schedule: '@daily', tables: daily, bronze: true, commands: {close: {args: [bonus, close], after: [fct_bonus]}}}, "
                + "layered: {schedule: '@daily', tables: daily, bronze: true, group_by: layer, "
                + "commands: {close: {args: [bonus, close], after: [fct_bonus]}}}, "
                + "ex: {schedule: none, tables: all, bronze: true, examples: true, group_by: domain}}";
        final DagGenerator g = generator(yaml);
        final List<DagsConfig.Dag> dags = DagsConfig.parse("dags.yaml", yaml).dags();
        final List<DagGenerator.Task> perTable = g.tasks(dags.get(0));
        final List<DagGenerator.Task> layered = g.tasks(dags.get(1));

        assertEquals(List.of("bronze", "silver", "gold", "close"), layered.stream().map(DagGenerator.Task::id).toList());
        // Every table of the per-table DAG is in exactly one group.
        final java.util.Map<String, String> groupOf = new java.util.HashMap<>();
        for (final DagGenerator.Task t : layered) {
            for (final String m : t.members()) {
                assertEquals(null, groupOf.put(m, t.id()), m + " is in two groups");
            }
        }
        final Set<String> tables = perTable.stream().filter(t -> t.kind() != DagGenerator.Kind.COMMAND).map(DagGenerator.Task::id)
                .collect(Collectors.toSet());
        assertEquals(tables, groupOf.keySet());
        assertTrue(groupOf.keySet().stream().filter(t -> t.startsWith("raw_")).allMatch(t -> groupOf.get(t).equals("bronze")));
        assertEquals("gold", groupOf.get("fct_bonus"));
        // A group comes after the groups holding what its tables depend on; the command after the group of its table.
        final java.util.Map<String, DagGenerator.Task> byId = new java.util.HashMap<>();
        layered.forEach(t -> byId.put(t.id(), t));
        for (final DagGenerator.Task t : perTable) {
            if (groupOf.containsKey(t.id())) {
                for (final String up : t.upstream()) {
                    final String ug = groupOf.get(up);
                    assertTrue(ug.equals(groupOf.get(t.id())) || byId.get(groupOf.get(t.id())).upstream().contains(ug),
                            t.id() + " depends on " + up + ", so " + groupOf.get(t.id()) + " comes after " + ug);
                }
            }
        }
        assertEquals(Set.of("bronze"), byId.get("silver").upstream());
        assertEquals(Set.of("gold"), byId.get("close").upstream());
        // Each group is one kamw pipeline --select of the run date, whose selectors pick exactly its tables.
        final DagGenerator.Task gold = byId.get("gold");
        assertEquals(DagGenerator.Kind.GROUP, gold.kind());
        assertEquals(List.of("pipeline", "--select", "layer:gold,kind:product,schedule:daily", "--date", DagGenerator.RUN_DATE), gold.args());
        final io.kamwarehouse.pipeline.Selector selector = new io.kamwarehouse.pipeline.Selector(specs(), contracts());
        for (final DagGenerator.Task t : layered) {
            if (t.kind() == DagGenerator.Kind.GROUP) {
                final int end = t.args().indexOf("--date");
                final int exclude = t.args().indexOf("--exclude");
                final List<String> select = t.args().subList(2, exclude < 0 ? end : exclude);
                final List<String> less = exclude < 0 ? List.of() : t.args().subList(exclude + 1, end);
                assertEquals(new java.util.TreeSet<>(t.members()), new java.util.TreeSet<>(selector.select(select, less)), t.id());
            }
        }

        // By domain: one task per example data set, its contracts and tables together.
        final List<DagGenerator.Task> examples = g.tasks(dags.get(2));
        assertEquals(Set.of("cdnow", "maven_crm", "prepbench"), ids(examples));
        final DagGenerator.Task maven = examples.stream().filter(t -> t.id().equals("maven_crm")).findFirst().orElseThrow();
        assertTrue(maven.members().contains("raw_maven_crm__accounts") && maven.members().contains("fct_maven_crm_deal"),
                maven.members().toString());
        assertEquals(List.of("pipeline", "--select", "domain:maven_crm,kind:example", "--date", DagGenerator.RUN_DATE), maven.args());

        final String file = generator(yaml).generate().get("layered.py");
        assertTrue(file.contains("    gold = kamw.group_task(dag, \"gold\", [\"layer:gold,kind:product,schedule:daily\"],"), file);
        assertTrue(file.contains("    silver >> gold\n"), file);
    }

    @Test
    void aGroupingWhoseTasksWouldWaitForEachOtherIsRefused() {
        // The command runs after a gold table and before another: with gold as one task, each waits for the other.
        final String yaml = "dags: {d: {schedule: '@daily', tables: daily, group_by: layer, "
                + "commands: {close: {args: [bonus, close], after: [fct_bonus], before: [mart_nps]}}}}";
        final KamwException e = assertThrows(KamwException.class,
                () -> generator(yaml).tasks(DagsConfig.parse("dags.yaml", yaml).dags().get(0)));
        assertTrue(e.getMessage().contains("dags.d") && e.getMessage().contains("cycle") && e.getMessage().contains("close"),
                e.getMessage());
        final KamwException bad = assertThrows(KamwException.class,
                () -> DagsConfig.parse("dags.yaml", "dags: {d: {schedule: '@daily', tables: daily, group_by: owner}}"));
        assertTrue(bad.getMessage().contains("group_by: 'owner' is not one of table, layer, domain"), bad.getMessage());
    }
}
