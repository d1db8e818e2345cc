package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.runtime.Warehouse;

/**
 * Reads landing files through their contract: inspects each file (encoding, header; Parquet by its
 * schema) and reads the files of a batch into one raw frame, per format (CSV, whitespace-delimited
 * text, JSON Lines, Parquet), with each contract column under its canonical name, still as found.
 */
final class RawReader {

    private final Warehouse warehouse;
    private final FileInspector inspector;

    RawReader(final Warehouse warehouse, final FileInspector inspector) {
        this.warehouse = warehouse;
        this.inspector = inspector;
    }

    /** The schema of each Parquet file inspected, by path: its columns' types, for the drift report. */
    private final Map<String, StructType> parquetSchemas = new java.util.concurrent.ConcurrentHashMap<>();

    /** The types a file's columns arrive with (Parquet: its schema), by header; empty for text formats, whose values are text. */
    Map<String, org.apache.spark.sql.types.DataType> fileTypes(final String path) {
        final StructType schema = parquetSchemas.get(path);
        final Map<String, org.apache.spark.sql.types.DataType> out = new java.util.LinkedHashMap<>();
        if (schema != null) {
            for (final org.apache.spark.sql.types.StructField f : schema.fields()) {
                out.put(f.name(), f.dataType());
            }
        }
        return out;
    }

    /** The file's encoding and header as the contract reads it. */
    FileInspector.Inspection inspect(final LandingFile f, final Contract contract) {
        return contract.format() == Contract.Format.PARQUET
                ? parquetInspection(f) : inspector.inspect(f.path(), contract);
    }

    private FileInspector.Inspection parquetInspection(final LandingFile f) {
        if (f.sizeBytes() > 0) {
            // the footer, read here rather than first inside a Spark job, where its error would not name the file
            try (org.apache.parquet.hadoop.ParquetFileReader footer = org.apache.parquet.hadoop.ParquetFileReader.open(
                    org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.path()),
                            warehouse.hadoopConf()))) {
                footer.getFooter();
            } catch (final java.io.IOException | RuntimeException e) {
                throw new KamwException("cannot read " + f.path() + ": it is not a whole Parquet file (" + firstLine(e.getMessage())
                        + "); it was probably cut short while being copied: deliver it again", e);
            }
        }
        try {
            final StructType schema = warehouse.spark().read().parquet(f.path()).schema();
            parquetSchemas.put(f.path(), schema);
            return new FileInspector.Inspection(StandardCharsets.UTF_8, false, List.of(schema.fieldNames()),
                    f.sizeBytes() == 0, null);
        } catch (final RuntimeException e) {
            throw new KamwException("cannot read " + f.path() + " as Parquet: " + firstLine(e.getMessage()), e);
        }
    }

    /** One column per contract column (canonical names), plus _raw_record, _malformed, _source_file, _ordinal. */
    Dataset<Row> read(final Contract contract, final List<LandingFile> files,
            final FileInspector.Inspection ins, final Contract.HeaderMapping mapping) {
        final SparkSession spark = warehouse.spark();
        final String[] paths = files.stream().map(LandingFile::path).toArray(String[]::new);
        final List<String> header = ins.header();
        final List<Column> select = new ArrayList<>();
        final Dataset<Row> df;
        final Column rawRecord;
        final Column malformed;
        Column sourceFile = col("_metadata.file_path");
        Column recordNumber = null;
        switch (contract.format()) {
            case CSV: {
                if (files.stream().anyMatch(f -> Contract.isExcel(f.name()))) {
                    if (!files.stream().allMatch(f -> Contract.isExcel(f.name()))) {
                        throw new KamwException("the drop of " + contract.qualifiedName() + " mixes Excel workbooks and text files ("
                                + String.join(", ", files.stream().map(LandingFile::name).toList()) + "); load them apart with"
                                + " 'kamw ingest --source " + contract.source() + " --path FILE'");
                    }
                    df = excelRows(contract, files, header, mapping);
                    for (int i = 0; i < header.size(); i++) {
                        if (mapping.positions().get(i) != null) {
                            select.add(col("_h" + i).as(mapping.positions().get(i).name()));
                        }
                    }
                    malformed = lit(false);
                    rawRecord = col("_raw");
                    sourceFile = col("_file");
                    break;
                }
                if (contract.whitespaceDelimited()) {
                    if (!ins.charset().equals(StandardCharsets.UTF_8)) {
                        throw new KamwException("contract " + contract.origin() + ": whitespace-delimited files are read as UTF-8"
                                + " (or ASCII); " + paths[0] + " is " + ins.charset().name() + ": re-export it as UTF-8");
                    }
                    // Text lines, numbered within their file in file order; blank lines and the header line are skipped.
                    Dataset<Row> lines = spark.read().text(paths).withColumn("_file", col("_metadata.file_path"))
                            .withColumn("_mono", monotonically_increasing_id());
                    lines = lines.withColumn("_line", row_number().over(Window.partitionBy(col("_file")).orderBy(col("_mono"))))
                            .withColumn("_text", regexp_replace(col("value"), "^\\s+|\\s+$", ""));
                    if (contract.header()) {
                        lines = lines.where(col("_line").gt(1));
                    }
                    lines = lines.where(col("_text").notEqual(""));
                    df = lines.withColumn("_record", row_number().over(Window.partitionBy(col("_file")).orderBy(col("_line"))))
                            .withColumn("_fields", split(col("_text"), "\\s+"));
                    for (int i = 0; i < header.size(); i++) {
                        final ContractColumn c = mapping.positions().get(i);
                        if (c != null) {
                            select.add(try_element_at(col("_fields"), lit(i + 1)).as(c.name()));
                        }
                    }
                    malformed = size(col("_fields")).notEqual(lit(header.size()));
                    rawRecord = col("value");
                    sourceFile = col("_file");
                    recordNumber = col("_record");
                    break;
                }
                // Schema fields carry the header's own names (so Spark's header check agrees), or cN
                // where a header is blank or repeated.
                final List<String> names = csvFieldNames(header);
                final List<StructField> fields = new ArrayList<>();
                for (final String n : names) {
                    fields.add(DataTypes.createStructField(n, DataTypes.StringType, true));
                }
                fields.add(DataTypes.createStructField("_corrupt_record", DataTypes.StringType, true));
                df = spark.read().format("csv").schema(new StructType(fields.toArray(new StructField[0])))
                        .option("header", String.valueOf(contract.header())).option("encoding", ins.charset().name())
                        .option("sep", contract.delimiter()).option("quote", "\"").option("escape", "\"")
                        .option("multiLine", String.valueOf(contract.multiline())).option("mode", "PERMISSIVE")
                        .option("columnNameOfCorruptRecord", "_corrupt_record").load(paths);
                for (int i = 0; i < header.size(); i++) {
                    final ContractColumn c = mapping.positions().get(i);
                    if (c != null) {
                        select.add(df.col(quote(names.get(i))).as(c.name()));
                    }
                }
                final Column[] original = new Column[header.size()];
                for (int i = 0; i < header.size(); i++) {
                    original[i] = df.col(quote(names.get(i))).as(header.get(i).isEmpty() ? "column_" + (i + 1) : header.get(i));
                }
                malformed = col("_corrupt_record").isNotNull();
                rawRecord = when(malformed, col("_corrupt_record"))
                        .otherwise(to_json(struct(original), Map.of("ignoreNullFields", "false")));
                break;
            }
            case JSONL: {
                final List<StructField> fields = new ArrayList<>();
                for (final String key : header) {
                    fields.add(DataTypes.createStructField(key, DataTypes.StringType, true));
                }
                fields.add(DataTypes.createStructField("_corrupt_record", DataTypes.StringType, true));
                final StructType schema = new StructType(fields.toArray(new StructField[0]));
                df = spark.read().text(paths).where(trim(col("value")).notEqual(""))
                        .withColumn("_json", from_json(col("value"), schema,
                                Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", "_corrupt_record")));
                for (int i = 0; i < header.size(); i++) {
                    final ContractColumn c = mapping.positions().get(i);
                    if (c != null) {
                        select.add(col("_json").getField(header.get(i)).as(c.name()));
                    }
                }
                malformed = col("_json").isNull().or(col("_json").getField("_corrupt_record").isNotNull());
                rawRecord = col("value");
                break;
            }
            case PARQUET: {
                df = spark.read().parquet(paths);
                for (int i = 0; i < header.size(); i++) {
                    final ContractColumn c = mapping.positions().get(i);
                    if (c != null) {
                        select.add(df.col(quote(header.get(i))).as(c.name()));
                    }
                }
                malformed = lit(false);
                rawRecord = to_json(struct(df.col("*")), Map.of("ignoreNullFields", "false"));
                break;
            }
            default:
                throw new IllegalStateException("unhandled format " + contract.format());
        }
        for (final ContractColumn c : mapping.absent()) {
            select.add(lit(null).cast(DataTypes.StringType).as(c.name()));
        }
        if (contract.recordNumber() != null) {
            if (recordNumber == null) {
                throw new KamwException("contract " + contract.origin() + ": record_number is supported for delimiter: whitespace"
                        + " files only");
            }
            select.add(recordNumber.cast(DataTypes.StringType).as(contract.recordNumber()));
        }
        select.add(rawRecord.as("_raw_record"));
        select.add(malformed.as("_malformed"));
        select.add(sourceFile.as("_source_file"));
        select.add(monotonically_increasing_id().as("_ordinal"));
        return df.select(select.toArray(new Column[0]));
    }

    /**
     * The data rows of Excel files as a frame: {@code _h<i>} the text of header position i as the
     * contract's checks read it ({@link XlsxSheet#text}), {@code _raw} the row as JSON (header to
     * text, what the quarantine keeps), {@code _file} the file.
     */
    private Dataset<Row> excelRows(final Contract contract, final List<LandingFile> files, final List<String> header,
            final Contract.HeaderMapping mapping) {
        final List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            fields.add(DataTypes.createStructField("_h" + i, DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField("_raw", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("_file", DataTypes.StringType, false));
        final List<Row> rows = new ArrayList<>();
        final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (final LandingFile f : files) {
            // the ingestor refused a batch whose files differ in header before reading any of them
            final XlsxSheet sheet = inspector.takeSheet(f.path(), contract);
            for (final XlsxSheet.Cell[] cells : sheet.rows()) {
                final Object[] values = new Object[header.size() + 2];
                final com.fasterxml.jackson.databind.node.ObjectNode raw = json.createObjectNode();
                for (int i = 0; i < header.size(); i++) {
                    final String text = XlsxSheet.text(cells[i], mapping.positions().get(i), contract);
                    values[i] = text;
                    raw.put(header.get(i).isEmpty() ? "column_" + (i + 1) : header.get(i), text);
                }
                try {
                    values[header.size()] = json.writeValueAsString(raw);
                } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                values[header.size() + 1] = f.path();
                rows.add(org.apache.spark.sql.RowFactory.create(values));
            }
        }
        return warehouse.spark().createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
    }

    private static List<String> csvFieldNames(final List<String> header) {
        final List<String> names = new ArrayList<>();
        final java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < header.size(); i++) {
            final String h = header.get(i);
            final boolean usable = !h.isBlank() && !h.startsWith("_") && seen.add(h.toLowerCase(java.util.Locale.ROOT));
            names.add(usable ? h : "c" + i);
        }
        return names;
    }

    private static String quote(final String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    static String firstLine(final String s) {
        if (s == null) {
            return "";
        }
        final int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
