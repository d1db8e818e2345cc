package io.kamwarehouse.generate;

import java.util.function.IntFunction;

/**
 * One way to break one field of a row so that exactly one quarantine rule fires.
 *
 * @param rule   quarantine rule name as in schemas/sources/README.md
 * @param column index of the broken column (ignored for duplicate_key)
 * @param value  the broken value given the running defect number (null = blank / JSON null)
 */
record Defect(String rule, int column, IntFunction<String> value) {

    static final String MISSING_REQUIRED = "missing_required";
    static final String BAD_DATE = "bad_date";
    static final String BAD_TIMESTAMP = "bad_timestamp";
    static final String BAD_DECIMAL = "bad_decimal";
    static final String BAD_INTEGER = "bad_integer";
    static final String NOT_ACCEPTED = "not_accepted";
    static final String OUT_OF_RANGE = "out_of_range";
    static final String DUPLICATE_KEY = "duplicate_key";
    static final String UNKNOWN_REFERENCE = "unknown_reference";

    private static final String[] BAD_DATES = {"2024-13-45", "2023-00-12", "2025-11-45", "2024-06-32"};
    private static final String[] BAD_SLASH_DATES = {"2024/13/45", "2023/00/12", "2025/11/45", "2024/06/32"};
    private static final String[] BAD_DECIMALS = {"12,3x4", "1O5.00", "12.34.56", "约3000", "#VALUE!"};
    private static final String[] BAD_INTEGERS = {"4x5", "三十", "12a", "#REF!"};

    static Defect missing(final int column) {
        return new Defect(MISSING_REQUIRED, column, k -> null);
    }

    static Defect badDate(final int column) {
        return new Defect(BAD_DATE, column, k -> BAD_DATES[k % BAD_DATES.length]);
    }

    static Defect badSlashDate(final int column) {
        return new Defect(BAD_DATE, column, k -> BAD_SLASH_DATES[k % BAD_SLASH_DATES.length]);
    }

    /** A date defect with an explicit list of bad values. */
    static Defect badDate(final int column, final String... values) {
        return new Defect(BAD_DATE, column, k -> values[k % values.length]);
    }

    static Defect badTimestamp(final int column, final String... values) {
        return new Defect(BAD_TIMESTAMP, column, k -> values[k % values.length]);
    }

    static Defect badDecimal(final int column) {
        return new Defect(BAD_DECIMAL, column, k -> BAD_DECIMALS[k % BAD_DECIMALS.length]);
    }

    static Defect badInteger(final int column) {
        return new Defect(BAD_INTEGER, column, k -> BAD_INTEGERS[k % BAD_INTEGERS.length]);
    }

    static Defect notAccepted(final int column, final String... values) {
        return new Defect(NOT_ACCEPTED, column, k -> values[k % values.length]);
    }

    static Defect outOfRange(final int column, final String... values) {
        return new Defect(OUT_OF_RANGE, column, k -> values[k % values.length]);
    }

    /** A reference to an id that exists nowhere: prefix + (80,000,000 + k). */
    static Defect unknownReference(final int column, final IntFunction<String> unknownId) {
        return new Defect(UNKNOWN_REFERENCE, column, unknownId);
    }

    static Defect duplicate() {
        return new Defect(DUPLICATE_KEY, -1, k -> null);
    }

    boolean isDuplicate() {
        return DUPLICATE_KEY.equals(rule);
    }
}
