package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.contracts.Lineage;
import io.kamwarehouse.contracts.Reference;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.StepTimer;
import io.kamwarehouse.runtime.Warehouse;

/**
 * Loads raw files into bronze through their contract. Valid rows are appended to
 * {@code raw_<source>__<entity>} with lineage columns; rows that break a rule go to
 * {@code quarantine} with the rule, the reasons and the raw record. Loaded + quarantined always
 * equals the rows read.
 *
 * <p>Idempotent: a file whose content was loaded before is skipped, and each batch is written with
 * {@code replaceWhere _batch_id = ...}, so a batch interrupted between its commits is replaced,
 * not doubled, when loaded again. A file that cannot be read through its contract (missing
 * required column, undecodable bytes) is refused whole before anything is written.
 */
public final class BronzeIngestor {

    /** The quarantine table shared by all entities. */
    public static final String QUARANTINE = "quarantine";
    /** Test hook: {@code <source.entity>:<n>} makes the bronze write of that entity fail at its n-th row. */
    public static final String FAULT_CONF = "kamw.fault.bronzeWriteFailsAtRow";

    private final Warehouse warehouse;
    private final ContractCatalog contracts;
    private final FileInspector inspector;
    private final IngestedFiles ingestedFiles;

    public BronzeIngestor(final Warehouse warehouse, final ContractCatalog contracts) {
        this.warehouse = warehouse;
        this.contracts = contracts;
        this.inspector = new FileInspector(warehouse.hadoopConf());
        this.ingestedFiles = new IngestedFiles(warehouse);
    }

    /** Input table versions read by the last {@link #ingest} call (reference checks). */
    private final Map<String, Long> lastInputs = new TreeMap<>();

    public Map<String, Long> lastInputVersions() {
        return Map.copyOf(lastInputs);
    }

    /** Quarantined rows of this run's batches, staged as Parquet until {@link #flush()}. */
    private final List<String> stagedQuarantine = new ArrayList<>();
    private final java.util.Set<String> stagedEntities = new java.util.TreeSet<>();
    private final java.util.Set<String> stagedBatches = new java.util.TreeSet<>();
    private final String stagingDir = io.kamwarehouse.runtime.RunContext.newRunId();

    /**
     * Commits what the batches loaded so far left to record: their quarantined rows (one Delta
     * commit for all batches, replacing any rows of the same batches, so a retry after a crash
     * never doubles them), then their file records.
     */
    public void flush() {
        if (!stagedQuarantine.isEmpty()) {
            final Dataset<Row> staged = warehouse.spark().read().parquet(stagedQuarantine.toArray(new String[0]));
            final String predicate = "entity IN (" + quoted(stagedEntities) + ") AND _batch_id IN (" + quoted(stagedBatches) + ")";
            write(staged, warehouse.tablePath(QUARANTINE), predicate, "entity,rule,_drop_date,_batch_id", false, "entity");
            deleteStaging();
            stagedQuarantine.clear();
            stagedEntities.clear();
            stagedBatches.clear();
        }
        ingestedFiles.flush();
    }

    private static String quoted(final java.util.Collection<String> values) {
        return String.join(", ", values.stream().map(v -> "'" + v.replace("'", "''") + "'").toList());
    }

    private String stagingRoot() {
        return warehouse.root() + "/meta/_staging/quarantine/" + stagingDir;
    }

    private void deleteStaging() {
        try {
            final org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(stagingRoot());
            p.getFileSystem(warehouse.hadoopConf()).delete(p, true);
        } catch (final java.io.IOException e) {
            // Leftover staging files are harmless: they are never read again.
        }
    }

    private final StepTimer timer = new StepTimer();

    /**
     * Loads the files of one entity from one drop as one batch. Files already loaded are left
     * out; when none is left the result says so.
     */
    public IngestResult ingest(final Contract contract, final LocalDate dropDate, final List<LandingFile> files,
            final String runId) {
        final Instant start = Instant.now();
        timer.reset();
        lastInputs.clear();
        final IngestedFiles.Seen seen = ingestedFiles.seen(contract.qualifiedName());
        final List<LandingFile> fresh = new ArrayList<>();
        final Map<String, String> checksums = new LinkedHashMap<>();
        final List<String> alreadyLoaded = new ArrayList<>();
        for (final LandingFile f : files) {
            if (seen.pathStamps().contains(IngestedFiles.Seen.stamp(f.path(), f.sizeBytes(), f.modifiedAt()))) {
                alreadyLoaded.add(f.name());
                continue;
            }
            final String sum = inspector.checksum(f.path());
            if (seen.checksums().contains(sum) || checksums.containsValue(sum)) {
                alreadyLoaded.add(f.name());
                continue;
            }
            checksums.put(f.path(), sum);
            fresh.add(f);
        }
        if (fresh.isEmpty()) {
            return new IngestResult(contract.qualifiedName(), contract.bronzeTable(), dropDate, names(files), null,
                    RunRecord.SKIPPED, 0, 0, 0, Map.of(), warehouse.version(contract.bronzeTable()),
                    "already ingested: " + String.join(", ", alreadyLoaded), Duration.between(start, Instant.now()));
        }
        // Inspect every file first: a file that cannot be read through the contract stops the batch before any write.
        final Map<String, FileInspector.Inspection> inspections = new LinkedHashMap<>();
        final List<LandingFile> empty = new ArrayList<>();
        final List<LandingFile> withRows = new ArrayList<>();
        Contract.HeaderMapping mapping = null;
        FileInspector.Inspection first = null;
        for (final LandingFile f : fresh) {
            final FileInspector.Inspection ins = contract.format() == Contract.Format.PARQUET
                    ? parquetInspection(f) : inspector.inspect(f.path(), contract);
            inspections.put(f.path(), ins);
            if (ins.empty()) {
                empty.add(f);
                continue;
            }
            final Contract.HeaderMapping m = contract.mapHeader(ins.header());
            if (!m.missingRequired().isEmpty()) {
                throw new KamwException("file " + f.path() + " is missing required column(s) of " + contract.qualifiedName()
                        + ": " + m.describeMissingRequired() + "; its header is " + ins.header()
                        + ". Nothing was loaded: fix the export or add the header as an alias in " + contract.origin());
            }
            if (!m.duplicates().isEmpty()) {
                throw new KamwException("file " + f.path() + " has columns that mean the same thing: "
                        + String.join("; ", m.duplicates()) + ". Nothing was loaded.");
            }
            if (first != null && (!first.charset().equals(ins.charset()) || !first.header().equals(ins.header()))) {
                throw new KamwException("file " + f.path() + " differs in header or encoding from " + withRows.get(0).path()
                        + " in the same drop; load it on its own with 'kamw ingest --source " + contract.qualifiedName()
                        + " --path FILE'");
            }
            first = first == null ? ins : first;
            mapping = mapping == null ? m : mapping;
            withRows.add(f);
        }
        final String batchId = batchId(contract, checksums.values());
        final Timestamp ingestedAt = Timestamp.from(Instant.now());
        final List<Row> fileRows = new ArrayList<>();
        for (final LandingFile f : empty) {
            fileRows.add(IngestedFiles.row(contract.qualifiedName(), dropDate, f, checksums.get(f.path()),
                    inspections.get(f.path()).charset().name(), batchId, 0, 0, 0, ingestedAt, runId));
        }
        if (withRows.isEmpty()) {
            ingestedFiles.append(fileRows);
            return new IngestResult(contract.qualifiedName(), contract.bronzeTable(), dropDate, names(fresh), batchId,
                    RunRecord.SKIPPED, 0, 0, 0, Map.of(), warehouse.version(contract.bronzeTable()),
                    "empty file(s): " + String.join(", ", names(empty)), Duration.between(start, Instant.now()));
        }

        timer.lap("seen+checksum+inspect");
        final Dataset<Row> raw = readRaw(contract, withRows, first, mapping);
        Dataset<Row> checked = RowValidator.validate(raw, contract);
        checked = withDuplicateCheck(checked, contract);
        checked = withReferenceChecks(checked, contract);
        checked = checked.persist(StorageLevel.MEMORY_AND_DISK());
        timer.lap("plan");
        try {
            final Column invalid = size(col(RowValidator.VIOLATIONS)).gt(0);
            final Map<String, long[]> perFile = new TreeMap<>();
            final Map<String, Long> byRule = new TreeMap<>();
            long read = 0;
            long bad = 0;
            // One pass: rows per file, valid or not, and quarantined rows by their first rule.
            for (final Row r : checked.groupBy(col("_source_file"),
                    split(try_element_at(col(RowValidator.VIOLATIONS), lit(1)), ":").getItem(0).as("rule")).count().collectAsList()) {
                final boolean isBad = !r.isNullAt(1);
                final long[] counts = perFile.computeIfAbsent(r.getString(0), k -> new long[2]);
                counts[isBad ? 1 : 0] += r.getLong(2);
                read += r.getLong(2);
                if (isBad) {
                    bad += r.getLong(2);
                    byRule.merge(r.getString(1), r.getLong(2), Long::sum);
                }
            }
            timer.lap("count");
            writeBronze(contract, checked.where(invalid.unary_$bang()), batchId, dropDate, ingestedAt);
            timer.lap("write bronze");
            if (bad > 0) {
                writeQuarantine(contract, checked.where(invalid), batchId, dropDate, ingestedAt);
                timer.lap("stage quarantine");
            }
            for (final LandingFile f : withRows) {
                final long[] c = countsFor(perFile, f);
                fileRows.add(IngestedFiles.row(contract.qualifiedName(), dropDate, f, checksums.get(f.path()),
                        inspections.get(f.path()).charset().name(), batchId, c[0] + c[1], c[0], c[1], ingestedAt, runId));
            }
            ingestedFiles.append(fileRows);
            final long version = warehouse.version(contract.bronzeTable());
            timer.lap("version");
            final List<String> notes = new ArrayList<>();
            inspections.values().stream().map(FileInspector.Inspection::note).filter(n -> n != null).distinct()
                    .forEach(notes::add);
            if (!mapping.missingOptional().isEmpty()) {
                notes.add("optional columns absent: " + mapping.missingOptional().stream().map(ContractColumn::name).toList());
            }
            if (!mapping.unknownHeaders().isEmpty()) {
                notes.add("columns not in the contract (kept only in quarantined raw records): " + mapping.unknownHeaders());
            }
            if (!alreadyLoaded.isEmpty()) {
                notes.add("already ingested: " + String.join(", ", alreadyLoaded));
            }
            return new IngestResult(contract.qualifiedName(), contract.bronzeTable(), dropDate, names(fresh), batchId,
                    RunRecord.SUCCEEDED, read, read - bad, bad, byRule, version,
                    String.join("; ", notes), Duration.between(start, Instant.now()));
        } finally {
            checked.unpersist();
        }
    }

    private static long[] countsFor(final Map<String, long[]> perFile, final LandingFile f) {
        for (final Map.Entry<String, long[]> e : perFile.entrySet()) {
            if (samePath(e.getKey(), f.path())) {
                return e.getValue();
            }
        }
        return new long[2];
    }

    private static boolean samePath(final String sparkPath, final String path) {
        final String a = java.net.URLDecoder.decode(sparkPath.replace("+", "%2B"), StandardCharsets.UTF_8)
                .replaceFirst("^file:/+", "/");
        final String b = path.replaceFirst("^file:/+", "/");
        return a.equals(b);
    }

    private FileInspector.Inspection parquetInspection(final LandingFile f) {
        try {
            final StructType schema = warehouse.spark().read().parquet(f.path()).schema();
            return new FileInspector.Inspection(StandardCharsets.UTF_8, false, List.of(schema.fieldNames()),
                    f.sizeBytes() == 0, null);
        } catch (final RuntimeException e) {
            throw new KamwException("cannot read " + f.path() + " as Parquet: " + firstLine(e.getMessage()), e);
        }
    }

    /** One column per contract column (canonical names), plus _raw_record, _malformed, _source_file, _ordinal. */
    private Dataset<Row> readRaw(final Contract contract, final List<LandingFile> files,
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
        for (final ContractColumn c : mapping.missingOptional()) {
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

    /** A business key seen earlier in the batch: the later copies are quarantined. */
    private static Dataset<Row> withDuplicateCheck(final Dataset<Row> checked, final Contract contract) {
        final Column[] keys = contract.businessKey().stream().map(k -> col(k)).toArray(Column[]::new);
        final WindowSpec w = Window.partitionBy(keys).orderBy(size(col(RowValidator.VIOLATIONS)).gt(0), col("_ordinal"));
        Column allKeys = lit(true);
        for (final Column k : keys) {
            allKeys = allKeys.and(k.isNotNull());
        }
        final Column isDuplicate = allKeys.and(size(col(RowValidator.VIOLATIONS)).equalTo(0))
                .and(row_number().over(w).gt(1));
        final Column message = concat(lit("duplicate_key: " + String.join(", ", contract.businessKey()) + " ("),
                concat_ws(", ", keys), lit(") appears earlier in the same drop"));
        return checked.withColumn(RowValidator.VIOLATIONS, array_compact(concat(col(RowValidator.VIOLATIONS),
                array(when(isDuplicate, message)))));
    }

    /** A reference to a key that is not in the referenced bronze table (nor, for self references, in this batch). */
    private Dataset<Row> withReferenceChecks(final Dataset<Row> checked, final Contract contract) {
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

    private void writeBronze(final Contract contract, final Dataset<Row> valid, final String batchId,
            final LocalDate dropDate, final Timestamp ingestedAt) {
        final List<Column> cols = new ArrayList<>();
        final List<Column> hashed = new ArrayList<>();
        for (final ContractColumn c : contract.columns()) {
            cols.add(col(c.name()));
            hashed.add(coalesce(col(c.name()).cast(DataTypes.StringType), lit("\u0000")));
        }
        Column rowHash = sha2(concat_ws("\u001f", hashed.toArray(new Column[0])), 256);
        final String fault = warehouse.spark().conf().get(FAULT_CONF, "");
        if (fault.startsWith(contract.qualifiedName() + ":")) {
            final long at = Long.parseLong(fault.substring(fault.indexOf(':') + 1));
            rowHash = when(col("_ordinal").geq(at), raise_error(lit("injected failure while writing " + contract.bronzeTable()))
                    .cast(DataTypes.StringType)).otherwise(rowHash);
        }
        cols.add(col(Lineage.SOURCE_FILE));
        cols.add(lit(java.sql.Date.valueOf(dropDate)).as(Lineage.DROP_DATE));
        cols.add(lit(batchId).as(Lineage.BATCH_ID));
        cols.add(lit(ingestedAt).as(Lineage.INGESTED_AT));
        cols.add(rowHash.as(Lineage.ROW_HASH));
        final Dataset<Row> out = valid.select(cols.toArray(new Column[0]));
        write(out, warehouse.tablePath(contract.bronzeTable()), batchPredicate(batchId, dropDate), statsColumns(contract), true, null);
    }

    private void writeQuarantine(final Contract contract, final Dataset<Row> invalid, final String batchId,
            final LocalDate dropDate, final Timestamp ingestedAt) {
        final Dataset<Row> out = invalid.select(
                lit(contract.qualifiedName()).as("entity"),
                split(try_element_at(col(RowValidator.VIOLATIONS), lit(1)), ":").getItem(0).as("rule"),
                concat_ws("; ", col(RowValidator.VIOLATIONS)).as("reason"),
                col("_raw_record").as("raw_record"),
                col("_source_file"),
                lit(java.sql.Date.valueOf(dropDate)).as("_drop_date"),
                lit(batchId).as("_batch_id"),
                lit(ingestedAt).as("_ingested_at"));
        // Staged as plain Parquet (no Delta commit per batch); flush() commits all batches at once.
        final String path = stagingRoot() + "/" + batchId;
        out.write().mode(SaveMode.Overwrite).parquet(path);
        stagedQuarantine.add(path);
        stagedEntities.add(contract.qualifiedName());
        stagedBatches.add(batchId);
    }

    /** Rows of one batch: the drop date first, so files of other drops are skipped by their statistics. */
    private static String batchPredicate(final String batchId, final LocalDate dropDate) {
        return "_drop_date = DATE'" + dropDate + "' AND _batch_id = '" + batchId + "'";
    }

    private static String statsColumns(final Contract contract) {
        final List<String> cols = new ArrayList<>(contract.businessKey());
        cols.add("_drop_date");
        cols.add("_batch_id");
        return String.join(",", cols);
    }

    /**
     * Writes a frame, creating the table on first write with statistics limited to the columns
     * used for skipping (Delta's statistics on every column, long strings included, cost about a
     * third of the write).
     */
    private void write(final Dataset<Row> out, final String path, final String replaceWhere, final String statsColumns,
            final boolean mergeSchema, final String partitionColumn) {
        warehouse.writeWithStatsOn(path, List.of(statsColumns.split(",")), create -> {
            org.apache.spark.sql.DataFrameWriter<Row> w = out.write().format("delta")
                    .mode(create ? SaveMode.Append : SaveMode.Overwrite);
            if (!create) {
                w = w.option("replaceWhere", replaceWhere);
            }
            if (mergeSchema) {
                w = w.option("mergeSchema", "true");
            }
            if (create && partitionColumn != null) {
                w = w.partitionBy(partitionColumn);
            }
            w.save(path);
        });
    }

    static String batchId(final Contract contract, final java.util.Collection<String> checksums) {
        try {
            final MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(contract.qualifiedName().getBytes(StandardCharsets.UTF_8));
            checksums.stream().sorted().forEach(s -> d.update(s.getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(d.digest()).substring(0, 20);
        } catch (final java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(final List<LandingFile> files) {
        return files.stream().map(LandingFile::name).toList();
    }

    static String firstLine(final String s) {
        if (s == null) {
            return "";
        }
        final int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
