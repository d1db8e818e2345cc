package io.kamwarehouse.spec;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.jobs.TableSchemas;
import io.kamwarehouse.jobs.TableTestRunner;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.testing.SharedSpark;

/**
 * Every table's tests as data: each case of every {@code tests.yaml} under {@code schemas/tables}
 * and {@code schemas/examples} is one test, named {@code <table>: <case name>}, run by the table's
 * own query over the case's rows (temporary views; no Delta table, no upstream chain).
 */
class TableTestCasesTest {

    @TestFactory
    Stream<DynamicTest> everyCaseOfEveryTable() {
        final SchemaFiles files = SchemaFiles.fromDirectory(SharedSpark.schemasDir());
        final ContractCatalog contracts = ContractCatalog.load(files);
        final TableSpecCatalog specs = TableSpecCatalog.load(files, contracts);
        final TableTestRunner runner = new TableTestRunner(SharedSpark.spark(), specs,
                new TableSchemas(SharedSpark.spark(), specs, contracts));
        final List<DynamicTest> out = new ArrayList<>();
        final List<String> only = onlyTables();
        for (final TableSpec spec : specs.all()) {
            final String path = spec.folder() + "/" + SpecLayout.TESTS_FILE;
            if (!files.exists(path) || !only.isEmpty() && !only.contains(spec.name())) {
                continue;
            }
            final TableTests tests;
            try {
                tests = TableTests.parse(path, files.read(path), spec);
            } catch (final TableSpecException e) {
                out.add(DynamicTest.dynamicTest(spec.name() + ": " + SpecLayout.TESTS_FILE, () -> fail(e.getMessage())));
                continue;
            }
            for (final TableTestCase c : tests.cases()) {
                out.add(DynamicTest.dynamicTest(spec.name() + ": " + c.name(), () -> {
                    final TableTestRunner.Outcome o = runner.run(tests, c);
                    assertTrue(o.passed(), o.message());
                }));
            }
        }
        assertTrue(!out.isEmpty(), only.isEmpty() ? "no tests.yaml under schemas/tables or schemas/examples"
                : "no tests.yaml for " + only + " (-Dkamw.tableTests)");
        return out.stream();
    }

    /** {@code -Dkamw.tableTests=a,b}: run only these tables' cases, while working on them. */
    private static List<String> onlyTables() {
        final String only = System.getProperty("kamw.tableTests", "").trim();
        return only.isEmpty() ? List.of() : List.of(only.split("\\s*,\\s*"));
    }

    /**
     * A column a spec describes under {@code columns:} is a column the table has: worked out from
     * its query over empty inputs, so a renamed column cannot leave its description behind.
     */
    @TestFactory
    Stream<DynamicTest> everyDescribedColumnExists() {
        final SchemaFiles files = SchemaFiles.fromDirectory(SharedSpark.schemasDir());
        final ContractCatalog contracts = ContractCatalog.load(files);
        final TableSpecCatalog specs = TableSpecCatalog.load(files, contracts);
        final TableSchemas schemas = new TableSchemas(SharedSpark.spark(), specs, contracts);
        final List<DynamicTest> out = new ArrayList<>();
        for (final TableSpec spec : specs.all()) {
            if (spec.columns().isEmpty()) {
                continue;
            }
            out.add(DynamicTest.dynamicTest(spec.name() + ": described columns exist", () -> {
                final List<String> actual = List.of(schemas.of(spec.name()).fieldNames());
                final List<String> missing = spec.columns().keySet().stream().filter(c -> !actual.contains(c)).toList();
                assertTrue(missing.isEmpty(), spec.origin() + " describes " + missing + ", which " + spec.name()
                        + " does not have (columns: " + String.join(", ", actual) + ")");
            }));
        }
        assertTrue(out.size() > 20, "most gold specs describe some columns; found " + out.size());
        return out.stream();
    }
}
