package io.kamwarehouse.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.AddFile;

/**
 * Reads of a table at a pinned version whose file list is taken from the Delta log once per
 * process, instead of once per scan.
 *
 * <p>A plain {@code versionAsOf} read lets Delta choose the files each time a query scans it: one
 * Spark job ("Filtering files for query") per reference, and a gold step's query, plan and checks
 * reference their inputs dozens of times (264 such jobs in a day's gold run at demo scale). A
 * version never changes, so its files are listed once per process and kept: every later query of
 * the same version, in any session, plans against that list. Delta still reads the files (its own file
 * index and Parquet format), so deletion vectors, column mapping and partitions behave as in any
 * Delta read; data skipping by file statistics is left out, which costs nothing at the file counts
 * these tables have.
 *
 * <p>A version is known by its number and its commit file's time, so a table deleted and written
 * again at the same path is not mistaken for the old one. A table whose log cannot be read this way,
 * or a Delta release whose internals differ (on a cluster that provides its own), falls back to the
 * plain read; so does {@code --conf kamw.read.pinnedFiles=false}.
 */
final class PinnedReads {

    /** Spark conf: {@code false} reads every pinned version through Delta's own time travel. */
    static final String ENABLED_CONF = "kamw.read.pinnedFiles";

    private static final int MAX_KEPT = 500;

    /** A version's snapshot (metadata and protocol) and its files, shared by every session of the process. */
    private record Listed(Snapshot snapshot, scala.collection.immutable.Seq<AddFile> files) {
    }

    private static final Map<String, Listed> KEPT = new ConcurrentHashMap<>();

    private final SparkSession spark;

    PinnedReads(final SparkSession spark) {
        this.spark = spark;
    }

    /** The table at {@code path} as of {@code version}, as a frame of this session. */
    Dataset<Row> read(final String path, final long version) {
        if (!Boolean.parseBoolean(spark.conf().get(ENABLED_CONF, "true"))) {
            return plain(path, version);
        }
        final String key = key(path, version);
        if (key == null) {
            return plain(path, version);
        }
        try {
            Listed listed = KEPT.get(key);
            if (listed == null) {
                listed = list(path, version);
                if (KEPT.size() >= MAX_KEPT) {
                    KEPT.clear();
                }
                KEPT.put(key, listed);
            }
            return frame(listed);
        } catch (final RuntimeException | LinkageError e) {
            // a log this cannot read, or a cluster's Delta whose internals differ: Delta's own time travel
            return plain(path, version);
        }
    }

    private Dataset<Row> plain(final String path, final long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(path);
    }

    /** The path, version and commit time, or null when the commit file cannot be seen. */
    private String key(final String path, final long version) {
        final Path commit = new Path(path + "/_delta_log", String.format("%020d.json", version));
        try {
            final FileSystem fs = commit.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return path + "@" + version + "@" + fs.getFileStatus(commit).getModificationTime();
        } catch (final IOException | RuntimeException e) {
            // a commit no longer kept, or a store that does not answer: Delta's own read decides
            return null;
        }
    }

    /**
     * The version's files from the log: read on the driver by Delta Kernel (no Spark job), or, where
     * Kernel cannot say (deletion vectors, a feature it does not read), from the snapshot's state by
     * one Spark job.
     */
    private Listed list(final String path, final long version) {
        final DeltaLog log = DeltaLog.forTable(spark, path);
        final Snapshot snapshot = log.getSnapshotAt(version, log.getSnapshotAt$default$2(), log.getSnapshotAt$default$3(),
                log.getSnapshotAt$default$4());
        final List<AddFile> onDriver = snapshot.metadata().partitionColumns().isEmpty() ? kernelFiles(path, version) : null;
        if (onDriver != null) {
            return new Listed(snapshot, scala.jdk.javaapi.CollectionConverters.asScala(onDriver).toList());
        }
        final List<AddFile> files = snapshot.allFiles().collectAsList();
        if (snapshot != log.unsafeVolatileSnapshot()) {
            // an older version's state is not needed again once its files are known
            snapshot.uncache();
        }
        return new Listed(snapshot, scala.jdk.javaapi.CollectionConverters.asScala(files).toList());
    }

    /**
     * The files of an unpartitioned table's version as Delta Kernel replays the log on the driver,
     * or null when a file carries a deletion vector or Kernel cannot read the log.
     */
    private List<AddFile> kernelFiles(final String path, final long version) {
        final io.delta.kernel.engine.Engine engine =
                io.delta.kernel.defaults.engine.DefaultEngine.create(spark.sparkContext().hadoopConfiguration());
        final List<AddFile> out = new java.util.ArrayList<>();
        try (io.delta.kernel.utils.CloseableIterator<io.delta.kernel.data.FilteredColumnarBatch> batches =
                io.delta.kernel.Table.forPath(engine, path).getSnapshotAsOfVersion(engine, version).getScanBuilder().build()
                        .getScanFiles(engine)) {
            while (batches.hasNext()) {
                try (io.delta.kernel.utils.CloseableIterator<io.delta.kernel.data.Row> rows = batches.next().getRows()) {
                    while (rows.hasNext()) {
                        final io.delta.kernel.data.Row add = rows.next().getStruct(
                                io.delta.kernel.internal.InternalScanFileUtils.ADD_FILE_ORDINAL);
                        final io.delta.kernel.types.StructType s = add.getSchema();
                        final int dv = s.indexOf("deletionVector");
                        if (dv >= 0 && !add.isNullAt(dv)) {
                            return null;
                        }
                        out.add(new AddFile(add.getString(s.indexOf("path")), scala.collection.immutable.Map$.MODULE$.empty(),
                                add.getLong(s.indexOf("size")), add.getLong(s.indexOf("modificationTime")), false, null, null, null,
                                scala.Option.empty(), scala.Option.empty(), scala.Option.empty(), scala.Option.empty(),
                                scala.Option.empty()));
                    }
                }
            }
            return out;
        } catch (final Exception | LinkageError e) {
            return null;
        }
    }

    /** A Delta frame over exactly the listed files, bound to this session (Delta builds it in the active one). */
    private Dataset<Row> frame(final Listed listed) {
        final scala.Option<SparkSession> before = SparkSession.getActiveSession();
        SparkSession.setActiveSession(spark);
        try {
            final DeltaLog log = listed.snapshot().deltaLog();
            return log.createDataFrame(listed.snapshot(), listed.files(), false, log.createDataFrame$default$4());
        } finally {
            if (before.isDefined()) {
                SparkSession.setActiveSession(before.get());
            } else {
                SparkSession.clearActiveSession();
            }
        }
    }
}
