package io.kamwarehouse.spec;

import java.util.regex.Pattern;

/**
 * A money column converted to the reporting currency: {@code amount} is a decimal column;
 * {@code currency} and {@code date} are a column name or a SQL expression ({@code "'USD'"},
 * {@code "coalesce(close_date, to_date(created_at))"}). The converted value is
 * {@code <amount>_rpt}, DECIMAL(18,2).
 */
public record MoneyColumn(String amount, String currency, String date) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Suffix of the converted column. */
    public static final String SUFFIX = "_rpt";

    /** The converted column, e.g. {@code amount_rpt}. */
    public String output() {
        return amount + SUFFIX;
    }

    /** True when a field is a plain column name rather than an expression. */
    public static boolean isColumnName(final String text) {
        return IDENTIFIER.matcher(text).matches();
    }
}
