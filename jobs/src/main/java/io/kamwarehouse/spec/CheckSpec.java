package io.kamwarehouse.spec;

import java.util.List;
import java.util.Objects;

/**
 * One data check of a table spec. The spec's {@code checks:} list holds one mapping per check:
 * <pre>
 * - unique: [opportunity_id]                                   # no two rows share these values (rows with a null among them are left out)
 * - not_null: [opportunity_id, account_id]                     # one check per column
 * - accepted_values: {column: stage, values: [won, lost]}      # compared as text; null passes
 * - relationship: {column: account_id, to: stg_crm__accounts.account_id}   # null passes
 * - expression: "probability between 0 and 1"                  # SQL boolean; a row fails when it is false (null passes)
 *   severity: warn                                             # optional: error (default) | warn
 *   name: probability_is_a_fraction                            # optional: a name for reports
 * </pre>
 */
public record CheckSpec(
        Kind kind,
        String name,
        Severity severity,
        List<String> columns,
        List<String> values,
        String toTable,
        String toColumn,
        String expression) {

    /** The kinds of check, spelled as in spec files. */
    public enum Kind {
        UNIQUE("unique"), NOT_NULL("not_null"), ACCEPTED_VALUES("accepted_values"), RELATIONSHIP("relationship"),
        EXPRESSION("expression");

        private final String key;

        Kind(final String key) {
            this.key = key;
        }

        /** The key that introduces this check in a spec file. */
        public String key() {
            return key;
        }
    }

    public CheckSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(severity, "severity");
        columns = List.copyOf(columns);
        values = List.copyOf(values);
    }

    public static CheckSpec unique(final List<String> columns, final Severity severity, final String name) {
        return new CheckSpec(Kind.UNIQUE, name != null ? name : "unique(" + String.join(", ", columns) + ")", severity,
                columns, List.of(), null, null, null);
    }

    public static CheckSpec notNull(final String column, final Severity severity, final String name) {
        return new CheckSpec(Kind.NOT_NULL, name != null ? name : "not_null(" + column + ")", severity, List.of(column),
                List.of(), null, null, null);
    }

    public static CheckSpec acceptedValues(final String column, final List<String> values, final Severity severity,
            final String name) {
        return new CheckSpec(Kind.ACCEPTED_VALUES, name != null ? name : "accepted_values(" + column + ")", severity,
                List.of(column), values, null, null, null);
    }

    public static CheckSpec relationship(final String column, final String toTable, final String toColumn,
            final Severity severity, final String name) {
        return new CheckSpec(Kind.RELATIONSHIP, name != null ? name
                : "relationship(" + column + " -> " + toTable + "." + toColumn + ")", severity, List.of(column), List.of(),
                toTable, toColumn, null);
    }

    public static CheckSpec expression(final String expression, final Severity severity, final String name) {
        return new CheckSpec(Kind.EXPRESSION, name != null ? name : "expression(" + expression + ")", severity, List.of(),
                List.of(), null, null, expression);
    }

    /** The single column of a not_null, accepted_values or relationship check. */
    public String column() {
        return columns.isEmpty() ? null : columns.get(0);
    }
}
