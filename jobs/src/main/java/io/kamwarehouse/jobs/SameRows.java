package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.crc32;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

import io.kamwarehouse.runtime.Warehouse;

/**
 * A whole rebuild that gives exactly the rows the table already holds writes nothing. A table
 * rebuilt because an input has a new version (an upstream table rewritten, a column it does not
 * read changed) often comes out the same: the calendar rebuilt every day, the targets cascaded from
 * a plan that did not change. A commit would be a new version, and every table reading this one
 * would be rebuilt in turn. So the rows are computed once (kept for the write), their content
 * compared with the table's, and when it is the same the build is recorded as checked
 * ({@link QueryInputs#recordChecked}) instead of written.
 *
 * <p>The content is the row count, the schema, and two sums of independent hashes (xxhash64 and
 * CRC-32) of each row's JSON (every column, doubles to the last digit, timestamps to the
 * microsecond), so neither the rows' order nor their files matter. The content of what a build
 * wrote is kept beside the table ({@value #FILE}, valid for that version), so the comparison reads
 * only the new rows. Only tables of at most {@value #DEFAULT_MAX} rows
 * ({@code --conf kamw.build.sameRowsMax=N}; 0 turns it off) are compared: the new rows are held
 * until written. {@code --rebuild} always writes.
 */
final class SameRows {

    static final String CONF = "kamw.build.sameRowsMax";
    static final long DEFAULT_MAX = 200_000;
    static final String FILE = "_kamw_content.json";

    /** What a table holds, as far as a comparison needs. */
    record Content(long rows, String xxhash, String crc, String schema) {
    }

    private SameRows() {
    }

    /** The most rows a whole rebuild is compared at; 0 when comparing is off. */
    static long max(final SparkSession spark) {
        return Long.parseLong(spark.conf().get(CONF, String.valueOf(DEFAULT_MAX)).trim());
    }

    /** The content of {@code rows} (one Spark job). */
    static Content of(final Dataset<Row> rows) {
        final Column[] all = Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
        final Column json = to_json(struct(all), Map.of("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
                "timestampNTZFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS"));
        final DecimalType wide = new DecimalType(20, 0);
        final Row r = rows.select(json.as("j"))
                .agg(count(lit(1)), sum(xxhash64(col("j")).cast(wide)), sum(crc32(col("j").cast(DataTypes.BinaryType)).cast(wide)))
                .first();
        return new Content(r.getLong(0), r.isNullAt(1) ? "0" : r.getDecimal(1).toPlainString(),
                r.isNullAt(2) ? "0" : r.getDecimal(2).toPlainString(), rows.schema().asNullable().catalogString());
    }

    /** The content of the table at its current {@code version}: kept beside it by the build that wrote it, else read. */
    static Content current(final Warehouse wh, final String table, final long version) {
        final com.fasterxml.jackson.databind.JsonNode n = SideFiles.readAt(wh, table, FILE, version);
        if (n != null) {
            return new Content(n.path("rows").asLong(), n.path("xxhash").asText(), n.path("crc").asText(), n.path("schema").asText());
        }
        return of(wh.read(table));
    }

    /** Keeps the content of what a build wrote, for the table's {@code version}. */
    static void store(final Warehouse wh, final String table, final long version, final Content c) {
        final com.fasterxml.jackson.databind.node.ObjectNode o = SideFiles.objectAt(version);
        o.put("rows", c.rows());
        o.put("xxhash", c.xxhash());
        o.put("crc", c.crc());
        o.put("schema", c.schema());
        // only a saving: without it the next comparison reads the table
        SideFiles.write(wh, table, FILE, o);
    }
}
