package io.kamwarehouse.ingest;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;

/**
 * The landing area: {@code <landing>/<source>/<yyyy-MM-dd>/<files>}, one folder per drop. Finds
 * the files waiting to be loaded and the contract each belongs to (by the contract's file
 * globs, else by the file's header). Files whose names start with {@code _} or {@code .} are
 * ignored (manifests, markers).
 */
public final class Landing {

    /** The files of one entity in one drop, loaded together as one batch. */
    public record Batch(Contract contract, LocalDate dropDate, List<LandingFile> files) {
    }

    /** A file no contract claims, with the reason. */
    public record Unrecognised(LandingFile file, String reason) {
    }

    /** What a scan found: batches in load order, and files no contract claims. */
    public record Scan(List<Batch> batches, List<Unrecognised> unrecognised, List<String> warnings) {
    }

    /**
     * Which drop folders a scan takes: every one ({@link #ALL}), exactly one drop date
     * ({@link #exactly}, {@code ingest --date}), or every drop up to a date ({@link #upTo}); a run
     * as of a day takes the drops up to the day after it ({@link #asOf}, {@code run} and
     * {@code pipeline --date}).
     *
     * @param date the drop date, or null for every drop
     * @param upTo true to take the drops on or before {@code date}, false for {@code date}'s alone
     */
    public record Drops(LocalDate date, boolean upTo) {

        /** Every drop. */
        public static final Drops ALL = new Drops(null, false);

        /** The drop of this date alone. */
        public static Drops exactly(final LocalDate date) {
            return new Drops(Objects.requireNonNull(date, "date"), false);
        }

        /** Every drop dated on or before {@code date}. */
        public static Drops upTo(final LocalDate date) {
            return new Drops(Objects.requireNonNull(date, "date"), true);
        }

        /**
         * The drops that hold the data known by the end of {@code asOf}: a drop holds the data up to
         * the day before it, so every drop up to {@code asOf + 1} (earlier ones pending are caught up;
         * a later one is left for its own day).
         */
        public static Drops asOf(final LocalDate asOf) {
            return upTo(asOf.plusDays(1));
        }

        /** True when a scan with this selection takes the drop of {@code drop}. */
        public boolean takes(final LocalDate drop) {
            return date == null || (upTo ? !drop.isAfter(date) : drop.equals(date));
        }

        /** For messages: "", " for 2026-10-01" or " up to 2026-10-02". */
        public String describe() {
            return date == null ? "" : (upTo ? " up to " : " for ") + date;
        }
    }

    private final Configuration hadoopConf;
    private final String landingRoot;
    private final ContractCatalog contracts;
    private final FileInspector inspector;

    public Landing(final Configuration hadoopConf, final String landingRoot, final ContractCatalog contracts) {
        this.hadoopConf = hadoopConf;
        this.landingRoot = landingRoot;
        this.contracts = contracts;
        this.inspector = new FileInspector(hadoopConf);
    }

    /**
     * Scans the landing area. {@code only} limits to a source ({@code crm}) or entity
     * ({@code crm.accounts}); {@code date} to one drop.
     */
    public Scan scan(final Optional<String> only, final Optional<LocalDate> date) {
        return scan(only, date.map(Drops::exactly).orElse(Drops.ALL));
    }

    /**
     * Scans the landing area. {@code only} limits to a source ({@code crm}) or entity
     * ({@code crm.accounts}); {@code drops} to the drop folders it selects.
     */
    public Scan scan(final Optional<String> only, final Drops drops) {
        final String sourceFilter = only.map(s -> s.contains(".") ? s.substring(0, s.indexOf('.')) : s).orElse(null);
        final String entityFilter = only.filter(s -> s.contains(".")).orElse(null);
        if (sourceFilter != null && !contracts.sources().contains(sourceFilter)) {
            throw new KamwException("unknown source '" + sourceFilter + "'; known sources: " + String.join(", ", contracts.sources()));
        }
        if (entityFilter != null) {
            contracts.get(entityFilter);
        }
        final List<Batch> batches = new ArrayList<>();
        final List<Unrecognised> unrecognised = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final Path root = new Path(landingRoot);
        try {
            final FileSystem fs = root.getFileSystem(hadoopConf);
            if (!fs.exists(root)) {
                warnings.add("landing folder " + landingRoot + " does not exist: nothing to ingest (create it, or run 'kamw generate')");
                return new Scan(batches, unrecognised, warnings);
            }
            for (final FileStatus sourceDir : fs.listStatus(root)) {
                final String source = sourceDir.getPath().getName();
                if (!sourceDir.isDirectory() || hidden(source) || (sourceFilter != null && !sourceFilter.equals(source))) {
                    continue;
                }
                if (!contracts.sources().contains(source)) {
                    warnings.add("landing folder " + sourceDir.getPath() + " has no contracts (schemas/sources/" + source
                            + "/); its files were not loaded");
                    continue;
                }
                for (final FileStatus dropDir : fs.listStatus(sourceDir.getPath())) {
                    final String name = dropDir.getPath().getName();
                    if (!dropDir.isDirectory() || hidden(name)) {
                        continue;
                    }
                    final LocalDate drop;
                    try {
                        drop = LocalDate.parse(name);
                    } catch (final DateTimeParseException e) {
                        warnings.add("folder " + dropDir.getPath() + " is not a drop date (yyyy-MM-dd); its files were not loaded");
                        continue;
                    }
                    if (!drops.takes(drop)) {
                        continue;
                    }
                    final List<LandingFile> files = listFiles(fs, dropDir.getPath(), source, drop);
                    group(files, source, entityFilter, batches, unrecognised);
                }
            }
        } catch (final IOException e) {
            throw new KamwException("cannot list the landing folder " + landingRoot + ": " + e.getMessage(), e);
        }
        return new Scan(ordered(batches), unrecognised, warnings);
    }

    /**
     * Batches for an explicit file or folder ({@code ingest --source S --path P}): every file is
     * matched to a contract of {@code sourceOrEntity} and loaded as of {@code dropDate}.
     */
    public Scan fromPath(final String location, final String sourceOrEntity, final LocalDate dropDate) {
        final String source = sourceOrEntity.contains(".") ? sourceOrEntity.substring(0, sourceOrEntity.indexOf('.')) : sourceOrEntity;
        if (!contracts.sources().contains(source)) {
            throw new KamwException("unknown source '" + source + "'; known sources: " + String.join(", ", contracts.sources()));
        }
        final String entity = sourceOrEntity.contains(".") ? sourceOrEntity : null;
        if (entity != null) {
            contracts.get(entity);
        }
        final Path p = new Path(location.contains("://") || location.startsWith("file:") ? location
                : "file:" + java.nio.file.Paths.get(location).toAbsolutePath().normalize());
        final List<LandingFile> files;
        try {
            final FileSystem fs = p.getFileSystem(hadoopConf);
            if (!fs.exists(p)) {
                throw new KamwException("path " + location + " does not exist; give a file or a folder of extract files");
            }
            files = fs.getFileStatus(p).isDirectory() ? listFiles(fs, p, source, dropDate)
                    : List.of(toLandingFile(fs.getFileStatus(p), source, dropDate));
        } catch (final IOException e) {
            throw new KamwException("cannot read " + location + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new KamwException("folder " + location + " holds no files to ingest");
        }
        final List<Batch> batches = new ArrayList<>();
        final List<Unrecognised> unrecognised = new ArrayList<>();
        group(files, source, entity, batches, unrecognised);
        return new Scan(ordered(batches), unrecognised, List.of());
    }

    private void group(final List<LandingFile> files, final String source, final String entityFilter,
            final List<Batch> batches, final List<Unrecognised> unrecognised) {
        final Map<String, List<LandingFile>> byEntity = new LinkedHashMap<>();
        for (final LandingFile f : files) {
            final Contract c;
            if (entityFilter != null && !contracts.get(entityFilter).matchesFileName(f.name())) {
                // An explicit entity: take its contract when the name does not say otherwise.
                final Optional<Contract> byName = contracts.ofSource(source).stream().filter(x -> x.matchesFileName(f.name())).findFirst();
                if (byName.isPresent()) {
                    continue;
                }
                c = contracts.get(entityFilter);
            } else {
                final Optional<Contract> resolved = resolve(f, source);
                if (resolved.isEmpty()) {
                    unrecognised.add(new Unrecognised(f, describeNoMatch(f, source)));
                    continue;
                }
                c = resolved.get();
                if (entityFilter != null && !entityFilter.equals(c.qualifiedName())) {
                    continue;
                }
            }
            byEntity.computeIfAbsent(c.qualifiedName(), k -> new ArrayList<>()).add(f);
        }
        byEntity.forEach((name, list) -> batches.add(new Batch(contracts.get(name), list.get(0).dropDate(), List.copyOf(list))));
    }

    /** The contract of a file: by file name glob, else the contract whose columns its header carries. */
    private Optional<Contract> resolve(final LandingFile f, final String source) {
        for (final Contract c : contracts.ofSource(source)) {
            if (c.matchesFileName(f.name())) {
                return Optional.of(c);
            }
        }
        Contract best = null;
        long bestMatched = 0;
        for (final Contract c : contracts.ofSource(source)) {
            if (!formatFits(c, f.name())) {
                continue;
            }
            try {
                final FileInspector.Inspection ins = inspector.inspect(f.path(), c);
                final Contract.HeaderMapping m = c.mapHeader(ins.header());
                if (m.missingRequired().isEmpty() && m.matchedColumns() > bestMatched) {
                    best = c;
                    bestMatched = m.matchedColumns();
                }
            } catch (final KamwException e) {
                // Not readable as this contract says; try the next one.
                continue;
            }
        }
        return Optional.ofNullable(best);
    }

    private String describeNoMatch(final LandingFile f, final String source) {
        String closest = null;
        String header = "?";
        long matched = -1;
        for (final Contract c : contracts.ofSource(source)) {
            if (!formatFits(c, f.name())) {
                continue;
            }
            try {
                final FileInspector.Inspection ins = inspector.inspect(f.path(), c);
                header = ins.header().toString();
                final Contract.HeaderMapping m = c.mapHeader(ins.header());
                if (m.matchedColumns() > matched) {
                    matched = m.matchedColumns();
                    closest = c.qualifiedName() + (m.missingRequired().isEmpty() ? "" : " (missing " + m.describeMissingRequired() + ")");
                }
            } catch (final KamwException e) {
                header = e.getMessage();
            }
        }
        return "file " + f.path() + " matches no contract of source '" + source + "': its name fits no contract's 'files' "
                + "pattern and its header " + header + " carries no contract's required columns"
                + (closest == null ? "" : "; closest is " + closest)
                + ". Rename the file, add its headers as aliases, or add a contract under schemas/sources/" + source + "/";
    }

    private static boolean formatFits(final Contract c, final String fileName) {
        final String n = fileName.toLowerCase(Locale.ROOT);
        return switch (c.format()) {
            case CSV -> n.endsWith(".csv") || n.endsWith(".txt") || n.endsWith(".tsv") || Contract.isExcel(n);
            case JSONL -> n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson");
            case PARQUET -> n.endsWith(".parquet");
        };
    }

    private List<Batch> ordered(final List<Batch> batches) {
        final List<String> order = contracts.all().stream().map(Contract::qualifiedName).toList();
        final List<Batch> out = new ArrayList<>(batches);
        out.sort(Comparator.comparing(Batch::dropDate).thenComparing(b -> order.indexOf(b.contract().qualifiedName())));
        return out;
    }

    private static List<LandingFile> listFiles(final FileSystem fs, final Path dir, final String source, final LocalDate drop)
            throws IOException {
        final List<LandingFile> out = new ArrayList<>();
        for (final FileStatus st : fs.listStatus(dir)) {
            if (st.isFile() && !hidden(st.getPath().getName())) {
                out.add(toLandingFile(st, source, drop));
            }
        }
        out.sort(Comparator.comparing(LandingFile::name));
        return out;
    }

    private static LandingFile toLandingFile(final FileStatus st, final String source, final LocalDate drop) {
        return new LandingFile(source, drop, st.getPath().toString(), st.getPath().getName(), st.getLen(),
                st.getModificationTime());
    }

    private static boolean hidden(final String name) {
        return name.startsWith("_") || name.startsWith(".");
    }
}
