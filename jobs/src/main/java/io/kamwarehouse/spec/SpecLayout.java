package io.kamwarehouse.spec;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.kamwarehouse.SchemaFiles;

/**
 * Where a table's files live below {@code schemas/}: one folder per table, grouped by layer and
 * domain for the product's own tables ({@code tables/<layer>/<domain>/<table>/}) and by data set
 * for the public examples ({@code examples/<example>/<layer>/<table>/}). A folder holds
 * {@value #SPEC_FILE} (the spec), {@value #QUERY_FILE} (the query of a sql, scd2 or model job) and
 * {@value #TESTS_FILE} (the table's tests as data).
 */
public final class SpecLayout {

    public static final String TABLES = "tables";
    public static final String EXAMPLES = "examples";
    public static final String SPEC_FILE = "table.yaml";
    public static final String QUERY_FILE = "query.sql";
    public static final String TESTS_FILE = "tests.yaml";
    /** The files a table folder may hold. */
    public static final List<String> FILES = List.of(SPEC_FILE, QUERY_FILE, TESTS_FILE);

    private SpecLayout() {
    }

    /**
     * The layer a table folder's path declares, or empty when the path is not
     * {@code tables/<layer>/<domain>/<table>/<file>} or {@code examples/<example>/<layer>/<table>/<file>}.
     */
    public static Optional<String> layerOf(final String path) {
        final String[] p = path.split("/");
        if (p.length != 5) {
            return Optional.empty();
        }
        if (p[0].equals(TABLES)) {
            return Optional.of(p[1]);
        }
        if (p[0].equals(EXAMPLES)) {
            return Optional.of(p[2]);
        }
        return Optional.empty();
    }

    /** The table name a folder path declares (the folder holding the file). */
    public static String tableOf(final String path) {
        final String[] p = path.split("/");
        return p.length >= 2 ? p[p.length - 2] : "";
    }

    /**
     * The public example data sets: the folders under {@code examples/}, each named after the source
     * whose contracts it stages ({@code examples/maven_crm/} for {@code sources/maven_crm/}).
     */
    public static Set<String> examples(final SchemaFiles schemas) {
        final Set<String> out = new TreeSet<>();
        for (final String path : schemas.list(EXAMPLES + "/")) {
            final String[] p = path.split("/");
            if (p.length > 2) {
                out.add(p[1]);
            }
        }
        return out;
    }

    /** Where a new table's spec belongs, for messages. */
    public static String expectedPath(final String layer, final String table) {
        return TABLES + "/" + layer + "/<domain>/" + table + "/" + SPEC_FILE;
    }
}
