package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;

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
import org.apache.spark.storage.StorageLevel;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.contracts.ContractCatalog;
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
 *
 * <p>This class decides what a batch is (fresh files, their checksums, one header and encoding)
 * and what is recorded about it; {@link RawReader} reads the files, {@link RowValidator} and
 * {@link ReferenceChecks} apply the rules, {@link BronzeWriter} writes bronze and quarantine.
 */
public final class BronzeIngestor {

    /** The quarantine table shared by all entities. */
    public static final String QUARANTINE = "quarantine";
    /** Test hook: {@code <source.entity>:<n>} makes the bronze write of that entity fail at its n-th row. */
    public static final String FAULT_CONF = "kamw.fault.bronzeWriteFailsAtRow";

    private final Warehouse warehouse;
    private final FileInspector inspector;
    private final IngestedFiles ingestedFiles;
    private final RawReader reader;
    private final ReferenceChecks references;
    private final NameResolution names;
    private final BronzeWriter writer;
    private final SchemaDrift drift;

    public BronzeIngestor(final Warehouse warehouse, final ContractCatalog contracts) {
        this.warehouse = warehouse;
        this.inspector = new FileInspector(warehouse.hadoopConf());
        this.ingestedFiles = new IngestedFiles(warehouse);
        this.reader = new RawReader(warehouse, inspector);
        this.references = new ReferenceChecks(warehouse, contracts);
        this.names = new NameResolution(warehouse, contracts);
        this.writer = new BronzeWriter(warehouse);
        this.drift = new SchemaDrift(warehouse);
    }

    /** True when this very file (same path, size and time) was loaded already. */
    public boolean loaded(final String entity, final LandingFile f) {
        return ingestedFiles.seen(entity).hasStamp(f);
    }

    /** Input table versions read by the last {@link #ingest} call (reference checks). */
    private final Map<String, Long> lastInputs = new TreeMap<>();

    public Map<String, Long> lastInputVersions() {
        return Map.copyOf(lastInputs);
    }

    /**
     * Commits what the batches loaded so far left to record: their quarantined rows (one Delta
     * commit for all batches, replacing any rows of the same batches, so a retry after a crash
     * never doubles them), then their file records.
     */
    public void flush() {
        writer.flush();
        io.kamwarehouse.runtime.Faults.point(warehouse.spark(), "quarantine");
        drift.flush();
        ingestedFiles.flush();
        io.kamwarehouse.runtime.Faults.point(warehouse.spark(), "ingest-records");
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
            if (seen.hasStamp(f)) {
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
            final FileInspector.Inspection ins = reader.inspect(f, contract);
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
            final List<String> drifted = SchemaDrift.refused(contract, m, reader.fileTypes(f.path()));
            if (!drifted.isEmpty()) {
                throw new KamwException("file " + f.path() + " drifts from " + contract.origin() + " in a way the contract refuses ("
                        + "drift: " + String.join(", ", contract.driftRefused()) + " refused): " + String.join("; ", drifted)
                        + ". Nothing was loaded: fix the export, or update the contract (aliases, columns, or drift: load)");
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
        final Dataset<Row> raw = reader.read(contract, withRows, first, mapping);
        Dataset<Row> checked = RowValidator.validate(raw, contract, mapping.scales());
        checked = RowValidator.withDuplicateCheck(checked, contract);
        checked = names.withNamesResolved(checked, contract, dropDate, lastInputs);
        checked = references.withReferenceChecks(checked, contract, lastInputs);
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
            writer.writeBronze(contract, checked.where(invalid.unary_$bang()), batchId, dropDate, ingestedAt);
            timer.lap("write bronze");
            if (bad > 0) {
                writer.writeQuarantine(contract, checked.where(invalid), batchId, dropDate, ingestedAt);
                timer.lap("stage quarantine");
            }
            io.kamwarehouse.runtime.Faults.point(warehouse.spark(), "bronze:" + contract.qualifiedName());
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
            // the same header in every file of the batch: drift is recorded per file, told once
            List<String> told = null;
            for (final LandingFile f : withRows) {
                final List<String> lines = new ArrayList<>(drift.note(contract, dropDate, batchId, f.path(), mapping, ingestedAt, runId));
                lines.addAll(drift.noteTypes(contract, dropDate, batchId, f.path(), mapping, reader.fileTypes(f.path()), ingestedAt,
                        runId));
                told = told == null ? lines : told;
            }
            notes.addAll(told);
            final Map<String, java.math.BigDecimal> scales = mapping.scales();
            for (int i = 0; i < mapping.header().size(); i++) {
                final ContractColumn c = mapping.positions().get(i);
                if (c != null && scales.containsKey(c.name())) {
                    notes.add(c.name() + " = '" + mapping.header().get(i) + "' x " + scales.get(c.name()).toPlainString());
                }
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
}
