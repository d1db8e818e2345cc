package io.kamwarehouse.spec;

import io.kamwarehouse.YamlFields;

/** Reads the fields of one spec file's YAML, with messages that name the file and the field. */
final class SpecFields extends YamlFields<TableSpecException> {

    SpecFields(final String path) {
        super("table spec " + path, TableSpecException::new);
    }

    static void checkColumnName(final SpecFields f, final String field, final String column) {
        if (!column.matches("[a-z_][a-z0-9_]*")) {
            throw f.error(field, "'" + column + "' is not a column name (lower snake case)");
        }
    }
}
