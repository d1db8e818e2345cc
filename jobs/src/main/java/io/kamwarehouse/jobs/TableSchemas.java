package io.kamwarehouse.jobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.contracts.Lineage;
import io.kamwarehouse.scoring.CfgTables;
import io.kamwarehouse.spec.ModelParams;
import io.kamwarehouse.spec.MoneyColumn;
import io.kamwarehouse.spec.Scd2Params;
import io.kamwarehouse.spec.ScoringPlanParams;
import io.kamwarehouse.spec.SqlText;
import io.kamwarehouse.spec.StagingParams;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.spec.TableTests;

/**
 * The columns and types of any table of the warehouse, from what the warehouse knows rather than
 * from data: a bronze table from its contract and the bronze lineage columns; a silver table from
 * its contract and staging parameters (percentages as fractions, converted amounts, lineage and
 * {@code _updated_at}); a {@code cfg_*} table from the scoring plan tables; a gold table built by SQL
 * from analysing its query over empty inputs typed the same way (Spark analysis only, nothing
 * runs); an scd2 dimension from its source query plus the columns the job adds; a model job's table
 * from the model run over no rows. Results are remembered: one instance per catalog.
 */
public final class TableSchemas {

    /** Types of the lineage columns bronze adds to every row, and {@code _updated_at} that silver adds. */
    private static final Map<String, DataType> LINEAGE_TYPES = Map.of(
            "_source_file", DataTypes.StringType, "_drop_date", DataTypes.DateType, "_batch_id", DataTypes.StringType,
            "_ingested_at", DataTypes.TimestampType, "_row_hash", DataTypes.StringType,
            StagingParams.UPDATED_AT, DataTypes.TimestampType);

    private final SparkSession spark;
    private final TableSpecCatalog specs;
    private final ContractCatalog contracts;
    private final Map<String, StructType> known = new HashMap<>();
    private final Set<String> resolving = new LinkedHashSet<>();

    public TableSchemas(final SparkSession spark, final TableSpecCatalog specs, final ContractCatalog contracts) {
        this.spark = spark;
        this.specs = specs;
        this.contracts = contracts;
    }

    /** The schema of a table (every column nullable); an error naming the table when it cannot be worked out. */
    public synchronized StructType of(final String table) {
        final StructType done = known.get(table);
        if (done != null) {
            return done;
        }
        if (!resolving.add(table)) {
            throw new KamwException("tables depend on each other in a cycle: " + String.join(" -> ", resolving) + " -> " + table);
        }
        try {
            final StructType s = nullable(compute(table));
            known.put(table, s);
            return s;
        } finally {
            resolving.remove(table);
        }
    }

    private StructType compute(final String table) {
        if (table.startsWith("raw_")) {
            final Contract c = contracts.byBronzeTable(table)
                    .orElseThrow(() -> new KamwException(table + " is not the bronze table of any contract"));
            final List<StructField> out = new ArrayList<>();
            c.columns().forEach(col -> out.add(field(col.name(), col.type().sparkType())));
            Lineage.COLUMNS.forEach(l -> out.add(field(l, lineage(l))));
            return new StructType(out.toArray(StructField[]::new));
        }
        final TableSpec spec = specs.get(table);
        if (spec.params() instanceof StagingParams p) {
            return staging(spec, p);
        }
        if (spec.params() instanceof ScoringPlanParams p) {
            return CfgTables.get(p.section()).schema();
        }
        if (spec.params() instanceof Scd2Params p) {
            return scd2(p, analyse(spec, Dataset::schema));
        }
        if (spec.params() instanceof ModelParams) {
            return analyse(spec, source -> ModelJob.outputSchema(spark, spec, source));
        }
        return analyse(spec, Dataset::schema);
    }

    /** The columns a staging job writes, typed: see {@link StagingJob}. */
    private StructType staging(final TableSpec spec, final StagingParams p) {
        final Contract contract = specs.contractOf(spec);
        final List<StructField> out = new ArrayList<>();
        for (final ContractColumn c : contract.columns()) {
            out.add(field(c.name(), p.percentToFraction().contains(c.name()) ? StagingJob.fractionType(c.type())
                    : c.type().sparkType()));
            for (final MoneyColumn m : p.money()) {
                if (m.amount().equals(c.name())) {
                    out.add(field(m.output(), FxConversion.AMOUNT_TYPE));
                }
            }
        }
        StagingParams.lineageColumns().forEach(l -> out.add(field(l, lineage(l))));
        final List<String> names = List.of(new StructType(out.toArray(StructField[]::new)).fieldNames());
        if (!names.equals(p.outputColumns(contract))) {
            throw new KamwException(spec.name() + ": the staging columns " + names + " differ from the job's "
                    + p.outputColumns(contract));
        }
        return new StructType(out.toArray(StructField[]::new));
    }

    /** The surrogate key, the source columns but effective_from, then the columns the job adds: see {@link Scd2Job}. */
    private static StructType scd2(final Scd2Params p, final StructType source) {
        final List<StructField> out = new ArrayList<>();
        out.add(field(p.surrogateKey(), DataTypes.LongType));
        for (final StructField f : source.fields()) {
            if (!f.name().equals(p.effectiveFrom())) {
                out.add(f);
            }
        }
        out.add(field(Scd2Params.VALID_FROM, DataTypes.TimestampType));
        out.add(field(Scd2Params.VALID_TO, DataTypes.TimestampType));
        out.add(field(Scd2Params.IS_CURRENT, DataTypes.BooleanType));
        out.add(field(Scd2Params.VERSION_HASH, DataTypes.StringType));
        out.add(field(Scd2Params.UPDATED_AT, DataTypes.TimestampType));
        return new StructType(out.toArray(StructField[]::new));
    }

    /**
     * The schema of a query's result over empty inputs, analysed but not run (a model job's table
     * from the model over no rows): each input registered as an empty view of its own schema, the
     * vars at their defaults.
     */
    private StructType analyse(final TableSpec spec, final Function<Dataset<Row>, StructType> schema) {
        final Map<String, StructType> inputs = new LinkedHashMap<>();
        for (final String in : spec.inputs()) {
            inputs.put(in, of(in));
        }
        inputs.forEach((in, s) -> spark.createDataFrame(List.of(), s).createOrReplaceTempView(in));
        try {
            final String sql = SqlText.substitute(TableTests.queryOf(spec), SqlText.resolve(TableTests.varsOf(spec), Map.of(),
                    SqlText.BuiltIns.CHECKING, TableTests.queryOf(spec)));
            return schema.apply(spark.sql(sql));
        } catch (final RuntimeException e) {
            throw new KamwException("cannot work out the columns of " + spec.name() + " from its query over empty inputs: "
                    + firstLine(e), e);
        } finally {
            inputs.keySet().forEach(in -> spark.catalog().dropTempView(in));
        }
    }

    private static DataType lineage(final String column) {
        final DataType t = LINEAGE_TYPES.get(column);
        if (t == null) {
            throw new KamwException("the type of lineage column " + column + " is not known to " + TableSchemas.class.getSimpleName());
        }
        return t;
    }

    private static StructField field(final String name, final DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    private static StructType nullable(final StructType s) {
        final List<StructField> out = new ArrayList<>();
        for (final StructField f : s.fields()) {
            out.add(field(f.name(), f.dataType()));
        }
        return new StructType(out.toArray(StructField[]::new));
    }

    static String firstLine(final Throwable e) {
        final String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(m);
    }
}
