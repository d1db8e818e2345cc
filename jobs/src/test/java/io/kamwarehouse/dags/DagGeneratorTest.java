package io.kamwarehouse.dags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
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

    @Test
    void theCommittedDagFilesAreWhatTheGeneratorWritesNow() throws IOException {
        final Map<String, String> files = generator(Files.readString(DAGS.resolve("dags.yaml"), StandardCharsets.UTF_8)).generate();
        assertEquals(Set.of("kamw_common.py", "kamw_daily.py", "kamw_monthly_close.py", "kamw_quarterly_bonus_close.py"), files.keySet());
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
        assertEquals(List.of("run", "mart_nps", "--date", "{{ ds }}"), nps.args());
    }
}
