package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.contracts.Reference;
import io.kamwarehouse.runtime.Warehouse;

/**
 * The rule that needs other tables: a column's reference to another entity's key must name a key
 * in that entity's bronze table (or, for a reference to its own entity, in the same batch). Adds
 * {@code unknown_reference} to {@link RowValidator#VIOLATIONS}.
 */
final class ReferenceChecks {

    private final Warehouse warehouse;
    private final ContractCatalog contracts;

    ReferenceChecks(final Warehouse warehouse, final ContractCatalog contracts) {
        this.warehouse = warehouse;
        this.contracts = contracts;
    }

    /**
     * A reference to a key that is not in the referenced bronze table (nor, for self references, in this batch).
     * The versions of the bronze tables read go into {@code lastInputs}.
     */
    Dataset<Row> withReferenceChecks(final Dataset<Row> checked, final Contract contract, final Map<String, Long> lastInputs) {
        Dataset<Row> out = checked;
        int i = 0;
        for (final ContractColumn c : contract.columns()) {
            final Reference r = c.references();
            if (r == null) {
                continue;
            }
            final Contract target = contracts.get(r.qualifiedEntity());
            final String keyCol = "_ref" + (i++);
            final Column keyType = lit(null).cast(target.column(r.column()).orElseThrow().type().sparkType());
            Dataset<Row> keys;
            if (warehouse.exists(target.bronzeTable())) {
                lastInputs.put(target.bronzeTable(), warehouse.version(target.bronzeTable()));
                keys = warehouse.read(target.bronzeTable()).select(col(r.column()).as(keyCol));
            } else {
                keys = warehouse.spark().range(0).select(keyType.as(keyCol));
            }
            if (target.qualifiedName().equals(contract.qualifiedName())) {
                keys = keys.unionByName(checked.select(col(r.column()).as(keyCol)));
            }
            keys = keys.where(col(keyCol).isNotNull()).distinct();
            out = out.join(keys, out.col(c.name()).equalTo(keys.col(keyCol)), "left");
            final Column unknown = col(c.name()).isNotNull().and(col(keyCol).isNull());
            out = out.withColumn(RowValidator.VIOLATIONS, array_compact(concat(col(RowValidator.VIOLATIONS),
                    array(when(unknown, concat(lit("unknown_reference: " + c.name() + " '"), col(c.name()).cast("string"),
                            lit("' is not a known " + r)))))))
                    .drop(keyCol);
        }
        return out;
    }
}
