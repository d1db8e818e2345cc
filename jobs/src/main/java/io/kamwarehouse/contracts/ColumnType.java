package io.kamwarehouse.contracts;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** A contract column's type: {@code string, integer, long, decimal(p,s), date, timestamp, boolean}. */
public record ColumnType(Kind kind, int precision, int scale) {

    /** The kinds of value a contract column can hold. */
    public enum Kind { STRING, INTEGER, LONG, DECIMAL, DATE, TIMESTAMP, BOOLEAN }

    private static final Pattern DECIMAL = Pattern.compile("decimal\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

    /** Parses a type name; throws {@link IllegalArgumentException} naming the accepted forms. */
    public static ColumnType parse(final String text) {
        final String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        final Matcher m = DECIMAL.matcher(t);
        if (m.matches()) {
            final int p = Integer.parseInt(m.group(1));
            final int s = Integer.parseInt(m.group(2));
            if (p < 1 || p > 38 || s > p) {
                throw new IllegalArgumentException("decimal(" + p + "," + s + ") is out of range: precision 1-38, scale <= precision");
            }
            return new ColumnType(Kind.DECIMAL, p, s);
        }
        switch (t) {
            case "string": return new ColumnType(Kind.STRING, 0, 0);
            case "integer": case "int": return new ColumnType(Kind.INTEGER, 0, 0);
            case "long": case "bigint": return new ColumnType(Kind.LONG, 0, 0);
            case "date": return new ColumnType(Kind.DATE, 0, 0);
            case "timestamp": return new ColumnType(Kind.TIMESTAMP, 0, 0);
            case "boolean": return new ColumnType(Kind.BOOLEAN, 0, 0);
            default:
                throw new IllegalArgumentException("unknown type '" + text
                        + "': use string, integer, long, decimal(p,s), date, timestamp or boolean");
        }
    }

    /** The Spark SQL type of the column in bronze and later layers. */
    public DataType sparkType() {
        return switch (kind) {
            case STRING -> DataTypes.StringType;
            case INTEGER -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case DECIMAL -> DataTypes.createDecimalType(precision, scale);
            case DATE -> DataTypes.DateType;
            case TIMESTAMP -> DataTypes.TimestampType;
            case BOOLEAN -> DataTypes.BooleanType;
        };
    }

    public boolean isNumeric() {
        return kind == Kind.INTEGER || kind == Kind.LONG || kind == Kind.DECIMAL;
    }

    public boolean isTemporal() {
        return kind == Kind.DATE || kind == Kind.TIMESTAMP;
    }

    /** The SQL spelling, e.g. {@code decimal(18,2)}. */
    public String sql() {
        return kind == Kind.DECIMAL ? "decimal(" + precision + "," + scale + ")" : kind.name().toLowerCase(Locale.ROOT);
    }

    /** The quarantine rule for a value that does not parse as this type, e.g. {@code bad_date}. */
    public String badValueRule() {
        return "bad_" + kind.name().toLowerCase(Locale.ROOT);
    }
}
