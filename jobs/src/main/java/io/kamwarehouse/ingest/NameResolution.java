package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.contracts.Reference;
import io.kamwarehouse.runtime.Warehouse;

/**
 * References given by display name: an export that names the owner ({@code 负责人: 张伟}) rather than
 * giving the id. For a column with {@code by_name}, a row without the id takes the key of the one
 * row of the referenced entity's bronze table (its latest version per key) whose name matches,
 * among those valid at the row's as-of date (between the entity's valid-from and valid-to dates,
 * e.g. hired and not yet left). A name that matches none is quarantined as {@code unknown_name}; one
 * that matches several as {@code ambiguous_name}, with the candidates listed.
 */
final class NameResolution {

    private static final int CANDIDATES_SHOWN = 5;

    private final Warehouse warehouse;
    private final ContractCatalog contracts;

    NameResolution(final Warehouse warehouse, final ContractCatalog contracts) {
        this.warehouse = warehouse;
        this.contracts = contracts;
    }

    Dataset<Row> withNamesResolved(final Dataset<Row> checked, final Contract contract, final LocalDate dropDate,
            final Map<String, Long> lastInputs) {
        Dataset<Row> out = checked;
        for (final ContractColumn c : contract.columns()) {
            final ContractColumn.ByName n = c.byName();
            if (n == null) {
                continue;
            }
            final Reference r = c.references();
            final Contract target = contracts.get(r.qualifiedEntity());
            final Column asOf = n.asOf() != null ? coalesce(to_date(col(n.asOf())), lit(java.sql.Date.valueOf(dropDate)))
                    : lit(java.sql.Date.valueOf(dropDate));
            final Column needs = col(c.name()).isNull().and(trim(col(n.column())).notEqual(""));
            final Dataset<Row> wanted = out.where(needs).select(col("_ordinal").as("_nr_row"), trim(col(n.column())).as("_nr_name"),
                    asOf.as("_nr_asof"));
            final Dataset<Row> candidates;
            if (warehouse.exists(target.bronzeTable())) {
                lastInputs.put(target.bronzeTable(), warehouse.version(target.bronzeTable()));
                final Dataset<Row> bronze = warehouse.read(target.bronzeTable());
                candidates = bronze
                        .withColumn("_nr_latest", row_number().over(Window.partitionBy(col(r.column()))
                                .orderBy(col("_ingested_at").desc(), col("_batch_id").desc())))
                        .where(col("_nr_latest").equalTo(1))
                        .select(col(r.column()).cast(DataTypes.StringType).as("_nr_key"), trim(col(n.match())).as("_nr_match"),
                                (n.validFrom() != null ? to_date(col(n.validFrom())) : lit(null).cast(DataTypes.DateType)).as("_nr_from"),
                                (n.validTo() != null ? to_date(col(n.validTo())) : lit(null).cast(DataTypes.DateType)).as("_nr_to"));
            } else {
                candidates = warehouse.spark().emptyDataFrame().select(lit(null).cast(DataTypes.StringType).as("_nr_key"),
                        lit(null).cast(DataTypes.StringType).as("_nr_match"), lit(null).cast(DataTypes.DateType).as("_nr_from"),
                        lit(null).cast(DataTypes.DateType).as("_nr_to"));
            }
            final Column valid = col("_nr_from").isNull().or(col("_nr_from").leq(col("_nr_asof")))
                    .and(col("_nr_to").isNull().or(col("_nr_to").gt(col("_nr_asof"))));
            final Dataset<Row> found = wanted.join(candidates, col("_nr_name").equalTo(col("_nr_match")).and(valid), "left")
                    .groupBy(col("_nr_row"), col("_nr_asof"))
                    .agg(count_distinct(col("_nr_key")).as("_nr_n"), sort_array(collect_set(col("_nr_key"))).as("_nr_keys"));
            out = out.join(found, out.col("_ordinal").equalTo(found.col("_nr_row")), "left");
            final Column matched = col("_nr_n").equalTo(1);
            final String names = target.qualifiedName() + "." + n.match();
            final Column at = n.asOf() != null || n.validFrom() != null ? concat(lit(" at "), col("_nr_asof").cast("string")) : lit("");
            out = out.withColumn(c.name(), when(col("_nr_row").isNotNull().and(matched), element_at(col("_nr_keys"), 1))
                            .otherwise(col(c.name())).cast(c.type().sparkType()))
                    .withColumn(RowValidator.VIOLATIONS, array_compact(concat(col(RowValidator.VIOLATIONS), array(
                            when(col("_nr_row").isNotNull().and(col("_nr_n").equalTo(0)),
                                    concat(lit("unknown_name: " + n.column() + " '"), col(n.column()), lit("' matches no " + names),
                                            at, lit("; give " + c.name() + " or fix the name"))),
                            when(col("_nr_n").gt(1),
                                    concat(lit("ambiguous_name: " + n.column() + " '"), col(n.column()), lit("' matches "),
                                            col("_nr_n").cast("string"), lit(" of " + target.qualifiedName() + " ("),
                                            array_join(slice(col("_nr_keys"), 1, CANDIDATES_SHOWN), ", "),
                                            when(size(col("_nr_keys")).gt(CANDIDATES_SHOWN), lit(", ...")).otherwise(lit("")),
                                            lit(")"), at, lit("; give " + c.name() + " to say which")))))))
                    .drop("_nr_row", "_nr_asof", "_nr_n", "_nr_keys");
        }
        return out;
    }
}
