package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.runtime.RunContext;

/**
 * Writes a small CSV fixture ({@code src/test/resources/jobs/<bronze table>/<file>.csv}, canonical
 * column names, no quoting) into a bronze table as one batch, typed by the contract and with the
 * lineage columns bronze ingestion adds, the row hash computed the same way.
 */
public final class BronzeFixture {

    private static final Path ROOT = Paths.get("src/test/resources/jobs");

    private BronzeFixture() {
    }

    /** Appends one batch; returns its rows. */
    static long append(final RunContext ctx, final String entity, final String file, final String batchId,
            final LocalDate dropDate, final Instant ingestedAt) {
        return append(ctx, ROOT, entity, file, batchId, dropDate, ingestedAt);
    }

    /** Appends one batch from {@code <root>/<bronze table>/<file>}; returns its rows. */
    public static long append(final RunContext ctx, final Path root, final String entity, final String file,
            final String batchId, final LocalDate dropDate, final Instant ingestedAt) {
        final Contract contract = ctx.contracts().get(entity);
        final List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve(contract.bronzeTable()).resolve(file), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        final List<StructField> fields = new ArrayList<>();
        header.forEach(h -> fields.add(DataTypes.createStructField(h, DataTypes.StringType, true)));
        final List<Row> rows = new ArrayList<>();
        for (final String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            final Object[] values = Arrays.stream(line.split(",", -1)).map(v -> v.isEmpty() ? null : v).toArray();
            rows.add(RowFactory.create(values));
        }
        final Dataset<Row> raw = ctx.warehouse().spark().createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
        final List<Column> cols = new ArrayList<>();
        final List<Column> hashed = new ArrayList<>();
        for (final ContractColumn c : contract.columns()) {
            final Column typed = header.contains(c.name()) ? col(c.name()).cast(c.type().sparkType())
                    : lit(null).cast(c.type().sparkType());
            cols.add(typed.as(c.name()));
            hashed.add(coalesce(typed.cast(DataTypes.StringType), lit("\u0000")));
        }
        cols.add(lit(file).as("_source_file"));
        cols.add(lit(Date.valueOf(dropDate)).as("_drop_date"));
        cols.add(lit(batchId).as("_batch_id"));
        cols.add(lit(Timestamp.from(ingestedAt)).as("_ingested_at"));
        cols.add(sha2(concat_ws("\u001f", hashed.toArray(new Column[0])), 256).as("_row_hash"));
        raw.select(cols.toArray(new Column[0])).coalesce(1).write().format("delta").mode(SaveMode.Append)
                .option("mergeSchema", "true").save(ctx.warehouse().tablePath(contract.bronzeTable()));
        return rows.size();
    }
}
