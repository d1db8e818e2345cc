package io.kamwarehouse.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;


/**
 * Parameters of a {@code sql} job, the spec's {@code sql:} block: the table is the result of one
 * Spark SQL query over the spec's inputs, recomputed whole when an input or the query changed.
 * <pre>
 * sql:
 *   vars: {min_responses: 30}     # ${min_responses} in the query; overridden by --conf kamw.var.min_responses=50
 *   query: |
 *     SELECT ... FROM stg_survey__nps_responses ...
 *   partition_by: [period_type]   # optional
 * </pre>
 */
public record SqlParams(Map<String, String> vars, String query, List<String> partitionBy) implements JobParams {

    public static final String KIND = "sql";
    private static final Set<String> KEYS = Set.of("vars", "query", "partition_by");
    /** Built-in values a query is checked with when its spec loads. */

    public SqlParams {
        // in name order: the record's text is part of a build's fingerprint, and Map.copyOf's order changes from one JVM to the next
        vars = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(vars));
        partitionBy = List.copyOf(partitionBy);
    }

    @Override
    public String kind() {
        return KIND;
    }

    static SqlParams parse(final SpecFields f, final Object block) {
        final Map<String, Object> m = f.mapping(block, KIND);
        f.unknownKeys(KIND, m.keySet(), KEYS);
        final Map<String, String> vars = vars(f, KIND, m.get("vars"));
        final String query = f.requiredString(m, "query", KIND + ".query");
        checkQuery(f, KIND + ".query", query, vars);
        final List<String> partitionBy = f.stringList(m, "partition_by", KIND + ".partition_by", false);
        partitionBy.forEach(c -> SpecFields.checkColumnName(f, KIND + ".partition_by", c));
        return new SqlParams(vars, query, partitionBy);
    }

    /** A {@code vars:} mapping of names to scalar defaults. */
    static Map<String, String> vars(final SpecFields f, final String kind, final Object raw) {
        final Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        final Map<String, Object> m = f.mapping(raw, kind + ".vars");
        for (final Map.Entry<String, Object> e : m.entrySet()) {
            if (!e.getKey().matches("[a-z_][a-z0-9_]*")) {
                throw f.error(kind + ".vars", "'" + e.getKey() + "' is not a var name (lower snake case)");
            }
            if (SqlText.BUILT_IN.contains(e.getKey())) {
                throw f.error(kind + ".vars", "'" + e.getKey() + "' is built in; do not declare it");
            }
            if (e.getValue() == null || e.getValue() instanceof Map || e.getValue() instanceof List) {
                throw f.error(kind + ".vars." + e.getKey(), "must be a single value");
            }
            out.put(e.getKey(), String.valueOf(e.getValue()));
        }
        return out;
    }

    /** Checks that the query's vars are declared and that it parses (with the defaults substituted). */
    static String checkQuery(final SpecFields f, final String field, final String query, final Map<String, String> vars) {
        final Set<String> undeclared = new TreeSet<>(SqlText.varsUsed(query));
        undeclared.removeAll(vars.keySet());
        undeclared.removeAll(SqlText.BUILT_IN);
        if (!undeclared.isEmpty()) {
            throw f.error(field, "uses " + undeclared + " but vars: declares only " + new TreeSet<>(vars.keySet()));
        }
        final String text = SqlText.substitute(query, SqlText.resolve(vars, Map.of(), SqlText.BuiltIns.CHECKING, query));
        try {
            SqlText.tablesRead(text);
        } catch (final IllegalArgumentException e) {
            throw f.error(field, "is not valid SQL: " + e.getMessage());
        }
        return text;
    }

    /** Every table the query names must be one of the spec's inputs. */
    static void checkReads(final SpecFields f, final String field, final String query, final Map<String, String> vars,
            final List<String> inputs) {
        final Set<String> extra = new TreeSet<>(SqlText.tablesRead(SqlText.substitute(query, SqlText.resolve(vars, Map.of(), SqlText.BuiltIns.CHECKING, query))));
        extra.removeAll(inputs);
        if (!extra.isEmpty()) {
            throw f.error(field, "reads " + extra + ", which inputs: " + inputs + " does not list; add them to inputs "
                    + "(a job reads only its declared inputs)");
        }
    }
}
