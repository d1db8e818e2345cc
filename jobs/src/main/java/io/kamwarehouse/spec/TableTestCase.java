package io.kamwarehouse.spec;

import java.util.List;
import java.util.Map;

/**
 * One case of a table's {@code tests.yaml}: rows of some inputs, the vars to run the table's query
 * with, and the rows it must produce; or, for a table built by period, a change of some inputs
 * whose effect on the output the table's declared {@code period.reach} must cover.
 *
 * @param name      what the case checks, read as a rule ("the lead gets 60% of a won deal")
 * @param index     the case's place in the file, from 0 (for messages)
 * @param vars      overrides of the spec's vars and of built-in vars, by name
 * @param given     rows of input tables by table name (the file's shared rows, replaced table by table by the case's);
 *                  each row names only the columns it needs, values as YAML gives them
 * @param changed   rows of input tables after a change, replacing the given rows of each table named (empty: the case
 *                  checks no change); the output periods the change alters must be ones the table's period.reach
 *                  recomputes
 * @param types     column types (Spark SQL, e.g. {@code decimal(18,2)}) per input table, overriding what the
 *                  warehouse knows; a last resort for columns only a model job knows
 * @param where     a SQL condition on the output: only the rows it keeps are compared (null: every row)
 * @param columns   the output columns compared: those the expected rows name
 * @param rows      the expected rows, in any order (with a change: of the output after it)
 * @param exactly   true when the compared output rows must be exactly {@code rows}; false when each expected
 *                  row must be among them (others may exist)
 * @param expects   false when the case expects no rows (a change case may check its reach alone)
 */
public record TableTestCase(String name, int index, Map<String, String> vars, Map<String, List<Map<String, Object>>> given,
        Map<String, List<Map<String, Object>>> changed, Map<String, Map<String, String>> types, String where, List<String> columns,
        List<Map<String, Object>> rows, boolean exactly, boolean expects) {

    public TableTestCase {
        vars = Map.copyOf(vars);
        given = Map.copyOf(given);
        changed = Map.copyOf(changed);
        types = Map.copyOf(types);
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** The given rows with the change applied: each changed table's rows replaced. */
    public Map<String, List<Map<String, Object>>> afterChange() {
        final Map<String, List<Map<String, Object>>> out = new java.util.LinkedHashMap<>(given);
        out.putAll(changed);
        return out;
    }

    /** How messages name the case: {@code case 2 'the lead gets 60% of a won deal'}. */
    public String label() {
        return "case " + (index + 1) + " '" + name + "'";
    }
}
