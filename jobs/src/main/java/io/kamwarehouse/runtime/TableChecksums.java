package io.kamwarehouse.runtime;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Row count and an order-independent content checksum of a warehouse's tables, to show that two
 * runs (on a cluster and locally, say) built the same tables. The checksum is the sum, as an
 * exact decimal, of the xxhash64 of every row's columns in name order, so neither the order of
 * the rows nor the files they sit in matter. Left out: columns and struct fields that record when
 * a row was written or how long its computation took ({@link #RUN_TIME_COLUMNS}); floating point
 * values are rounded to {@value #DOUBLE_SCALE} decimals first, since a sum of doubles may differ
 * in its last bits with the order in which partitions were added. Maps, which Spark cannot hash,
 * are hashed as their entries sorted (a map's entry order is how it was built, not what it holds),
 * and the same rules apply inside structs, arrays and maps at any depth: struct fields in name
 * order, doubles rounded, nested maps as sorted entries. An array's order is kept: it is content.
 *
 * <p>{@code main(WAREHOUSE_A, WAREHOUSE_B)} prints both side by side for every gold table and
 * exits 0 when all agree, 1 when one differs or is missing from either side.
 */
public final class TableChecksums {

    /**
     * Columns (or struct fields, at any depth) that say when a row was written or how long its
     * computation took, not what it holds: a rerun changes them. {@code fit_seconds} is a model
     * fit's wall time, in {@code _model_fits} and {@code mart_model_fit}.
     */
    public static final Set<String> RUN_TIME_COLUMNS = Set.of("_updated_at", "fit_seconds");

    /** Decimals kept of float and double values before hashing. */
    public static final int DOUBLE_SCALE = 9;

    /** One table's figures. */
    public record Checksum(String table, long rows, BigDecimal checksum) {
    }

    private TableChecksums() {
    }

    /** The columns that enter the checksum, in name order. */
    public static List<String> contentColumns(final Dataset<Row> table) {
        final List<String> out = new ArrayList<>(new TreeSet<>(Arrays.asList(table.columns())));
        out.removeAll(RUN_TIME_COLUMNS);
        return out;
    }

    /** The table's content columns made hashable and comparable: doubles rounded, maps as sorted entries, at any depth. */
    public static Dataset<Row> comparable(final Dataset<Row> table) {
        final Map<String, DataType> types = new LinkedHashMap<>();
        for (final StructField f : table.schema().fields()) {
            types.put(f.name(), f.dataType());
        }
        final List<Column> cols = new ArrayList<>();
        for (final String name : contentColumns(table)) {
            cols.add(comparable(col("`" + name.replace("`", "``") + "`"), types.get(name)).as(name));
        }
        return table.select(cols.toArray(Column[]::new));
    }

    /**
     * A value made hashable and comparable by its type: a double rounded, a map as its entries
     * (made comparable themselves) sorted, a struct as its fields in name order without the run
     * time ones, an array element by element. Other values as they are.
     */
    public static Column comparable(final Column c, final DataType type) {
        if (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType)) {
            return round(c.cast(DataTypes.DoubleType), DOUBLE_SCALE);
        }
        if (type instanceof MapType m) {
            return array_sort(transform(map_entries(c), e -> struct(comparable(e.getField("key"), m.keyType()).as("key"),
                    comparable(e.getField("value"), m.valueType()).as("value"))));
        }
        if (type instanceof ArrayType a) {
            return needsChange(a.elementType()) ? transform(c, x -> comparable(x, a.elementType())) : c;
        }
        if (type instanceof StructType s && needsChange(s)) {
            final List<Column> fields = new ArrayList<>();
            for (final String name : new TreeSet<>(Arrays.asList(s.fieldNames()))) {
                if (!RUN_TIME_COLUMNS.contains(name)) {
                    fields.add(comparable(c.getField(name), s.apply(name).dataType()).as(name));
                }
            }
            return when(c.isNull(), lit(null)).otherwise(struct(fields.toArray(Column[]::new)));
        }
        return c;
    }

    /** True when a value of the type is not hashed as it is: it holds a double, a map, a run time field or unsorted fields. */
    private static boolean needsChange(final DataType type) {
        if (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType) || type instanceof MapType) {
            return true;
        }
        if (type instanceof ArrayType a) {
            return needsChange(a.elementType());
        }
        if (type instanceof StructType s) {
            final List<String> names = Arrays.asList(s.fieldNames());
            return !names.equals(new ArrayList<>(new TreeSet<>(names))) || names.stream().anyMatch(RUN_TIME_COLUMNS::contains)
                    || Arrays.stream(s.fields()).anyMatch(f -> needsChange(f.dataType()));
        }
        return false;
    }

    /** Row count and checksum of one table's current version. */
    public static Checksum of(final String table, final Dataset<Row> data) {
        final Dataset<Row> c = comparable(data);
        final Column[] all = Arrays.stream(c.columns()).map(n -> col("`" + n.replace("`", "``") + "`")).toArray(Column[]::new);
        final Row r = c.select(xxhash64(all).cast(new DecimalType(20, 0)).as("h"))
                .agg(count(lit(1)), coalesce(sum(col("h")), lit(BigDecimal.ZERO)))
                .first();
        return new Checksum(table, r.getLong(0), r.getDecimal(1).setScale(0));
    }

    /** Checksums of every table of a layer in a warehouse, by name. */
    public static Map<String, Checksum> ofLayer(final Warehouse warehouse, final String layer) {
        final Map<String, Checksum> out = new LinkedHashMap<>();
        for (final String table : warehouse.listTables()) {
            if (layer.equals(Warehouse.layerOf(table))) {
                out.put(table, of(table, warehouse.read(table)));
            }
        }
        return out;
    }

    /**
     * Prints the gold tables of two warehouses side by side and returns true when both hold the
     * same tables with the same row counts and checksums (and at least one table).
     */
    public static boolean compare(final Map<String, Checksum> a, final Map<String, Checksum> b, final String nameA,
            final String nameB, final PrintStream out) {
        final Set<String> tables = new TreeSet<>(a.keySet());
        tables.addAll(b.keySet());
        final String row = "%-32s %10s %10s  %-22s %-22s %s%n";
        out.printf(row, "table", "rows " + nameA, "rows " + nameB, "checksum " + nameA, "checksum " + nameB, "same");
        boolean same = !tables.isEmpty();
        for (final String t : tables) {
            final Checksum x = a.get(t);
            final Checksum y = b.get(t);
            final boolean eq = x != null && y != null && x.rows() == y.rows() && x.checksum().equals(y.checksum());
            same &= eq;
            out.printf(row, t, x == null ? "-" : String.valueOf(x.rows()), y == null ? "-" : String.valueOf(y.rows()),
                    x == null ? "missing" : x.checksum().toPlainString(), y == null ? "missing" : y.checksum().toPlainString(),
                    eq ? "yes" : "NO");
        }
        out.printf("%d gold tables, %s%n", tables.size(), same ? "all the same" : "DIFFERENT");
        return same;
    }

    /** {@code TableChecksums WAREHOUSE_A WAREHOUSE_B}: compares their gold tables; exit 0 same, 1 different, 2 usage. */
    public static void main(final String[] args) {
        if (args.length != 2) {
            System.err.println("usage: TableChecksums WAREHOUSE_A WAREHOUSE_B");
            System.exit(2);
        }
        final WarehouseConfig a = WarehouseConfig.resolve(args[0], null, null, null, Map.of());
        final WarehouseConfig b = WarehouseConfig.resolve(args[1], null, null, null, Map.of());
        final SparkSession spark = SparkSessions.getOrCreate(a);
        boolean same;
        try {
            same = compare(ofLayer(new Warehouse(spark, a), "gold"), ofLayer(new Warehouse(spark, b), "gold"),
                    "A", "B", System.out);
            System.out.println("A = " + a.warehouseRoot() + ", B = " + b.warehouseRoot());
        } finally {
            spark.stop();
        }
        System.exit(same ? 0 : 1);
    }
}
