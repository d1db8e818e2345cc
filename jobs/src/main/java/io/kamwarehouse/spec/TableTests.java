package io.kamwarehouse.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.spark.sql.types.DataType;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.kamwarehouse.SchemaFiles;

/**
 * A table's tests as data: its folder's {@value SpecLayout#TESTS_FILE}, read strictly (unknown keys
 * are errors naming the file and the field) and checked against the table's spec. The file holds
 * {@code cases:}, and optionally {@code given:} rows and {@code types:} shared by every case:
 * <pre>
 * given:                       # rows every case starts from (a case's own rows of a table replace these)
 *   cfg_scoring_plan:
 *     - {plan_version: "2026.1", effective_from: 2026-01-01, effective_to: 2026-12-31, deal_lead_share: 0.6}
 * cases:
 *   - name: the lead gets 60% of a won deal
 *     vars: {as_of_date: 2026-06-30}          # the spec's vars, or built-ins (reporting_currency)
 *     given:                                  # rows per input table: only the columns the case needs
 *       fct_opportunity:
 *         - {opportunity_id: D1, amount_rpt: 1000.00, is_won: true, close_date: 2026-03-15}
 *     expect:
 *       where: opportunity_id = 'D1'          # optional: compare only these output rows
 *       match: exactly                        # or includes (each expected row among others); default exactly
 *       rows:                                 # compared on the columns they name, in any order
 *         - {employee_id: E1, credit_amount: 600.01}
 * </pre>
 * {@code expect:} may also be the list of rows alone. A case of a table built by period may add
 * {@code changed:}, rows per input after a change (replacing that input's given rows): the query
 * runs before and after the change, and every output period the change alters must be one the
 * table's {@code period.reach} recomputes for it, or the case fails naming the stale periods; a
 * change that alters no output row is an error (it checks nothing). {@code expect:}, optional
 * then, is the output after the change. A case is run by the table's query over its
 * given rows only (see the jobs package's table test runner); this class only reads and checks the file.
 */
public record TableTests(String table, String origin, List<TableTestCase> cases) {

    private static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final Set<String> FILE_KEYS = Set.of("given", "types", "cases");
    private static final Set<String> CASE_KEYS = Set.of("name", "vars", "given", "changed", "types", "expect");
    private static final Set<String> EXPECT_KEYS = Set.of("rows", "where", "match");
    private static final List<String> MATCHES = List.of("exactly", "includes");

    public TableTests {
        cases = List.copyOf(cases);
    }

    /** Reads {@code <spec's folder>/tests.yaml} of a spec from the schema files; empty when the table has none. */
    public static Optional<TableTests> of(final SchemaFiles schemas, final TableSpec spec) {
        final String path = spec.folder() + "/" + SpecLayout.TESTS_FILE;
        return schemas.exists(path) ? Optional.of(parse(path, schemas.read(path), spec)) : Optional.empty();
    }

    /**
     * Parses one tests file of a table. {@code path} is where it lives below {@code schemas/}, for
     * messages; {@code spec} the table's spec, whose inputs and vars the cases may name.
     */
    public static TableTests parse(final String path, final String yaml, final TableSpec spec) {
        final Fields f = new Fields(path);
        final String query = queryOf(spec);
        if (query == null) {
            throw f.error(null, spec.name() + " is built by a " + spec.job() + " job, which has no query to test; tests.yaml "
                    + "tests the query of a sql job (or the source query of an scd2 or model job)");
        }
        final Object doc;
        try {
            doc = YAML.readValue(yaml, Object.class);
        } catch (final JsonProcessingException e) {
            throw f.error(null, "not valid YAML: " + e.getOriginalMessage().replaceAll("\\s+", " ")
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        }
        if (doc == null) {
            throw f.error(null, "the file is empty: write 'cases:' with at least one case");
        }
        final Map<String, Object> top = f.mapping(doc, null, "must be a mapping with 'cases:' (and optionally 'given:', 'types:')");
        f.unknownKeys(null, top.keySet(), FILE_KEYS);
        final Map<String, List<Map<String, Object>>> shared = given(f, "given", top.get("given"), spec);
        final Map<String, Map<String, String>> sharedTypes = types(f, "types", top.get("types"), spec);
        if (!(top.get("cases") instanceof List<?> list) || list.isEmpty()) {
            throw f.error("cases", "must be a list of at least one case (- name: ..., given: ..., expect: ...)");
        }
        final List<TableTestCase> cases = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            final String field = "cases[" + i + "]";
            final Map<String, Object> m = f.mapping(list.get(i), field, "must be a mapping (name:, given:, expect:)");
            f.unknownKeys(field, m.keySet(), CASE_KEYS);
            final String name = f.text(m.get("name"), field + ".name");
            if (!names.add(name)) {
                throw f.error(field + ".name", "'" + name + "' names two cases; each case's name says the rule it checks");
            }
            final Map<String, String> vars = vars(f, field + ".vars", m.get("vars"), spec);
            final Map<String, List<Map<String, Object>>> given = new LinkedHashMap<>(shared);
            given.putAll(given(f, field + ".given", m.get("given"), spec));
            final Map<String, Map<String, String>> types = new LinkedHashMap<>();
            sharedTypes.forEach((t, c) -> types.put(t, new LinkedHashMap<>(c)));
            types(f, field + ".types", m.get("types"), spec).forEach((t, c) -> types.computeIfAbsent(t, k -> new LinkedHashMap<>())
                    .putAll(c));
            final Map<String, List<Map<String, Object>>> changed = given(f, field + ".changed", m.get("changed"), spec);
            if (m.containsKey("changed")) {
                if (spec.period() == null) {
                    throw f.error(field + ".changed", "checks how far a change reaches (period.reach), but " + spec.name()
                            + " declares no period: it is rebuilt whole");
                }
                if (changed.isEmpty()) {
                    throw f.error(field + ".changed", "names no input: give the rows of at least one input after the change");
                }
            }
            cases.add(expect(f, field, m.get("expect"), name, i, vars, given, changed, types));
        }
        return new TableTests(spec.name(), path, cases);
    }

    /** The query a table's tests run: a sql job's query, or the source query of an scd2 or model job; null for other jobs. */
    public static String queryOf(final TableSpec spec) {
        if (spec.params() instanceof SqlParams p) {
            return p.query();
        }
        if (spec.params() instanceof Scd2Params p) {
            return p.source();
        }
        if (spec.params() instanceof ModelParams p) {
            return p.source();
        }
        return null;
    }

    /** The declared vars (with their defaults) of the query {@link #queryOf} names. */
    public static Map<String, String> varsOf(final TableSpec spec) {
        if (spec.params() instanceof SqlParams p) {
            return p.vars();
        }
        if (spec.params() instanceof Scd2Params p) {
            return p.vars();
        }
        if (spec.params() instanceof ModelParams p) {
            return p.vars();
        }
        return Map.of();
    }

    private static TableTestCase expect(final Fields f, final String field, final Object raw, final String name, final int index,
            final Map<String, String> vars, final Map<String, List<Map<String, Object>>> given,
            final Map<String, List<Map<String, Object>>> changed, final Map<String, Map<String, String>> types) {
        final String ef = field + ".expect";
        if (raw == null) {
            if (!changed.isEmpty()) {
                return new TableTestCase(name, index, vars, given, changed, types, null, List.of(), List.of(), false, false);
            }
            throw f.error(ef, "is missing: add 'expect:' with the rows the table must produce");
        }
        Object rawRows = raw;
        String where = null;
        boolean exactly = true;
        if (raw instanceof Map) {
            final Map<String, Object> m = f.mapping(raw, ef, "must be a list of rows, or a mapping with rows: (where:, match:)");
            f.unknownKeys(ef, m.keySet(), EXPECT_KEYS);
            if (!m.containsKey("rows")) {
                throw f.error(ef + ".rows", "is missing: add 'rows:' (rows: [] when no row may come out)");
            }
            rawRows = m.get("rows");
            if (m.get("where") != null) {
                where = f.text(m.get("where"), ef + ".where");
                try {
                    SqlExpressions.columns(where);
                } catch (final IllegalArgumentException e) {
                    throw f.error(ef + ".where", "'" + where + "' is not a SQL condition: " + e.getMessage());
                }
            }
            if (m.get("match") != null) {
                final String match = f.text(m.get("match"), ef + ".match");
                if (!MATCHES.contains(match)) {
                    throw f.error(ef + ".match", "'" + match + "' is not one of " + MATCHES);
                }
                exactly = match.equals("exactly");
            }
        }
        final List<Map<String, Object>> rows = rows(f, ef + ".rows", rawRows);
        final List<String> columns = rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).keySet());
        for (int r = 0; r < rows.size(); r++) {
            if (!new HashSet<>(rows.get(r).keySet()).equals(new HashSet<>(columns))) {
                throw f.error(ef + ".rows[" + r + "]", "names " + new TreeSet<>(rows.get(r).keySet()) + " but the first row names "
                        + new TreeSet<>(columns) + "; every expected row names the same columns (the ones compared)");
            }
        }
        if (rows.isEmpty() && !exactly) {
            throw f.error(ef, "match: includes with no rows checks nothing; give rows, or match: exactly for no output row");
        }
        return new TableTestCase(name, index, vars, given, changed, types, where, columns, rows, exactly, true);
    }

    private static Map<String, String> vars(final Fields f, final String field, final Object raw, final TableSpec spec) {
        final Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        final Map<String, String> declared = varsOf(spec);
        for (final Map.Entry<String, Object> e : f.mapping(raw, field, "must be a mapping of var names to values").entrySet()) {
            if (!declared.containsKey(e.getKey()) && !SqlText.BUILT_IN.contains(e.getKey())) {
                final Set<String> known = new TreeSet<>(declared.keySet());
                known.addAll(SqlText.BUILT_IN);
                throw f.error(field + "." + e.getKey(), "is not a var of " + spec.name() + " (vars: " + String.join(", ", known) + ")");
            }
            if (e.getValue() == null || e.getValue() instanceof Map || e.getValue() instanceof List) {
                throw f.error(field + "." + e.getKey(), "must be a single value");
            }
            out.put(e.getKey(), scalarText(e.getValue()));
        }
        return out;
    }

    private static Map<String, List<Map<String, Object>>> given(final Fields f, final String field, final Object raw,
            final TableSpec spec) {
        final Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (final Map.Entry<String, Object> e : f.mapping(raw, field, "must be a mapping of input tables to their rows")
                .entrySet()) {
            input(f, field + "." + e.getKey(), e.getKey(), spec);
            out.put(e.getKey(), rows(f, field + "." + e.getKey(), e.getValue()));
        }
        return out;
    }

    private static Map<String, Map<String, String>> types(final Fields f, final String field, final Object raw,
            final TableSpec spec) {
        final Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (final Map.Entry<String, Object> e : f.mapping(raw, field, "must be a mapping of input tables to {column: type}")
                .entrySet()) {
            final String tf = field + "." + e.getKey();
            input(f, tf, e.getKey(), spec);
            final Map<String, String> cols = new LinkedHashMap<>();
            for (final Map.Entry<String, Object> c : f.mapping(e.getValue(), tf, "must be a mapping of columns to Spark SQL types")
                    .entrySet()) {
                column(f, tf, c.getKey());
                final String type = f.text(c.getValue(), tf + "." + c.getKey());
                try {
                    DataType.fromDDL(type);
                } catch (final RuntimeException ex) {
                    throw f.error(tf + "." + c.getKey(), "'" + type + "' is not a Spark SQL type (e.g. string, bigint, "
                            + "decimal(18,2), date, timestamp, array<string>)");
                }
                cols.put(c.getKey(), type);
            }
            out.put(e.getKey(), cols);
        }
        return out;
    }

    private static void input(final Fields f, final String field, final String table, final TableSpec spec) {
        if (!spec.inputs().contains(table)) {
            throw f.error(field, table + " is not an input of " + spec.name() + " (inputs: " + String.join(", ", spec.inputs()) + ")");
        }
    }

    private static List<Map<String, Object>> rows(final Fields f, final String field, final Object raw) {
        if (!(raw instanceof List<?> list)) {
            throw f.error(field, "must be a list of rows, each a mapping of columns to values ([] for none)");
        }
        final List<Map<String, Object>> out = new ArrayList<>();
        for (int r = 0; r < list.size(); r++) {
            final String rf = field + "[" + r + "]";
            final Map<String, Object> row = f.mapping(list.get(r), rf, "must be a row: a mapping of columns to values");
            row.keySet().forEach(c -> column(f, rf, c));
            out.add(new LinkedHashMap<>(row));
        }
        return out;
    }

    private static void column(final Fields f, final String field, final String column) {
        if (!column.matches("[a-z_][a-z0-9_]*")) {
            throw f.error(field, "'" + column + "' is not a column name (lower snake case)");
        }
    }

    /** A YAML scalar as text: decimals as written (no exponent), booleans and integers as usual. */
    public static String scalarText(final Object v) {
        if (v instanceof java.math.BigDecimal d) {
            return d.toPlainString();
        }
        return String.valueOf(v);
    }

    /** Reads fields of one tests file with messages naming the file and the field. */
    private record Fields(String path) {

        TableSpecException error(final String field, final String problem) {
            return new TableSpecException("tests " + path + (field == null ? "" : ", " + field) + ": " + problem);
        }

        void unknownKeys(final String field, final Set<String> keys, final Set<String> allowed) {
            for (final String k : keys) {
                if (!allowed.contains(k)) {
                    throw error(field == null ? k : field + "." + k, "unknown key '" + k + "' (allowed: "
                            + String.join(", ", new TreeSet<>(allowed)) + ")");
                }
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> mapping(final Object v, final String field, final String problem) {
            if (!(v instanceof Map<?, ?> m)) {
                throw error(field, problem);
            }
            for (final Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    throw error(field, "key " + k + " must be text");
                }
            }
            return (Map<String, Object>) m;
        }

        String text(final Object v, final String field) {
            if (v == null || v instanceof Map || v instanceof List || String.valueOf(v).isBlank()) {
                throw error(field, v == null || String.valueOf(v).isBlank() ? "is missing" : "must be a single value");
            }
            return scalarText(v).trim();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d case%s)", origin, cases.size(), cases.size() == 1 ? "" : "s");
    }
}
