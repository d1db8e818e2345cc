package io.kamwarehouse.gold;

import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import io.kamwarehouse.runtime.RunContext;

/**
 * Writes a small CSV fixture ({@code src/test/resources/gold/<case>/<table>.csv}, header row,
 * blank = null) as the Delta table of that name, typed by the schema the test gives, so a gold
 * spec can be built over hand-made inputs.
 */
final class NpsFixture {

    private static final Path ROOT = Paths.get("src/test/resources/gold");

    private NpsFixture() {
    }

    /** Writes {@code <case>/<table>.csv} as table {@code table}; returns its rows. */
    static long write(final RunContext ctx, final String fixtureCase, final String table, final String ddl) {
        final Dataset<Row> rows = ctx.warehouse().spark().read().option("header", "true").schema(ddl)
                .csv(ROOT.resolve(fixtureCase).resolve(table + ".csv").toAbsolutePath().toString());
        return write(ctx, table, rows);
    }

    /** Writes rows as table {@code table} (overwriting it); returns their number. */
    static long write(final RunContext ctx, final String table, final Dataset<Row> rows) {
        rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(ctx.warehouse().tablePath(table));
        return ctx.warehouse().read(table).count();
    }
}
