package io.kamwarehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.testing.SharedSpark;

/**
 * The warehouse's own record tables (ingested files, schema drift, bonus runs) written by an older
 * version gain the columns a newer version records, whichever way the rows arrive, and no value is
 * dropped: a plain append (with the lease) and an insert where missing (without it).
 */
class OwnRecordsTest {

    @TempDir
    Path dir;

    private static final StructType OLD = new StructType(new StructField[] {
        DataTypes.createStructField("entity", DataTypes.StringType, false),
        DataTypes.createStructField("change", DataTypes.StringType, false),
    });

    private static final StructType NEW = OLD.add(DataTypes.createStructField("contract_version", DataTypes.StringType, true));

    private static Warehouse older(final Path dir, final String table) {
        final Warehouse wh = SharedSpark.context(dir).warehouse();
        wh.appendRows(table, List.of(RowFactory.create("crm.accounts", "extra")), OLD);
        return wh;
    }

    private static List<String> rows(final Warehouse wh, final String table) {
        return wh.read(table).selectExpr("concat_ws('|', entity, change, coalesce(contract_version, '-'))").orderBy("entity")
                .as(Encoders.STRING()).collectAsList();
    }

    @Test
    void anAppendAddsTheNewColumnsToAnOlderTable() {
        final Warehouse wh = older(dir, "drift_append");
        wh.appendRows("drift_append", List.of(RowFactory.create("crm.contacts", "missing", "0123456789ab")), NEW);
        assertEquals(List.of("crm.accounts|extra|-", "crm.contacts|missing|0123456789ab"), rows(wh, "drift_append"));
    }

    @Test
    void anInsertWhereMissingAddsTheNewColumnsToAnOlderTableAndInsertsOnlyWhatIsMissing() {
        final Warehouse wh = older(dir, "drift_merge");
        final List<Row> batch = List.of(RowFactory.create("crm.accounts", "extra", "aaaaaaaaaaaa"),
                RowFactory.create("crm.contacts", "missing", "0123456789ab"));
        final long inserted = wh.insertWhereMissing("drift_merge", wh.spark().createDataFrame(batch, NEW),
                "t.entity = s.entity AND t.change = s.change", x -> { });
        assertEquals(1, inserted);
        assertEquals(List.of("crm.accounts|extra|-", "crm.contacts|missing|0123456789ab"), rows(wh, "drift_merge"));
    }
}
