package io.kamwarehouse.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.NamespaceChange;
import org.apache.spark.sql.connector.catalog.SupportsNamespaces;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The warehouse as a Spark catalog: one namespace per layer ({@code bronze}, {@code silver},
 * {@code gold}, {@code meta}), each holding the Delta tables found in that layer's folder. A name
 * without a layer ({@code fct_bonus}) is looked up in the layer its prefix says. Nothing is
 * registered up front: a table is found when a query names it, and Delta's own catalog loads it
 * by path, so {@code describe history}, {@code version as of}, {@code timestamp as of} and the
 * change feed work by name as they do on a Delta path.
 *
 * <p>Read-only by design: creating, altering or dropping tables and namespaces is refused, since
 * the tables are written by their builds only.
 */
public final class WarehouseCatalog implements TableCatalog, SupportsNamespaces {

    /** The catalog's name in a session ({@code spark.sql.catalog.kamw}). */
    public static final String NAME = "kamw";

    private String name = NAME;
    private String root;

    /** Makes the warehouse at {@code root} the session's current catalog, tables queried by name. */
    public static void use(final org.apache.spark.sql.SparkSession spark, final String root) {
        spark.conf().set("spark.sql.catalog." + NAME, WarehouseCatalog.class.getName());
        spark.conf().set("spark.sql.catalog." + NAME + ".root", root);
        spark.sql("USE " + NAME);
    }

    @Override
    public void initialize(final String catalogName, final CaseInsensitiveStringMap options) {
        this.name = catalogName;
        this.root = options.get("root");
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("spark.sql.catalog." + catalogName + ".root is not set: the warehouse root");
        }
    }

    @Override
    public String name() {
        return name;
    }

    private static org.apache.spark.sql.classic.SparkSession session() {
        return org.apache.spark.sql.classic.SparkSession.active();
    }

    /** Delta's catalog of the session, which loads a table by path, at a version or a time. */
    private static org.apache.spark.sql.delta.catalog.DeltaCatalog delta() {
        final Object c = session().sessionState().catalogManager().v2SessionCatalog();
        if (c instanceof org.apache.spark.sql.delta.catalog.DeltaCatalog d) {
            return d;
        }
        throw new IllegalStateException("the session catalog is not Delta's (spark.sql.catalog.spark_catalog)");
    }

    private FileSystem fs() throws IOException {
        return new Path(root).getFileSystem(session().sparkContext().hadoopConfiguration());
    }

    private Path tableDir(final String layer, final String table) {
        return new Path(root + "/" + layer + "/" + table);
    }

    /** The table's folder when the identifier names a warehouse table that exists, else null. */
    private Path locate(final Identifier ident) {
        final String[] ns = ident.namespace();
        final String table = ident.name().toLowerCase(Locale.ROOT);
        final String layer = ns.length == 0 ? Warehouse.layerOf(table)
                : ns.length == 1 ? ns[0].toLowerCase(Locale.ROOT) : null;
        if (layer == null || !Warehouse.LAYERS.contains(layer) || !layer.equals(Warehouse.layerOf(table))) {
            return null;
        }
        final Path dir = tableDir(layer, table);
        try {
            return fs().exists(new Path(dir, "_delta_log")) ? dir : null;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot look for " + dir, e);
        }
    }

    /** A path identifier Delta's catalog loads ({@code delta.`<path>`}). */
    private Identifier pathIdent(final Identifier ident) {
        if (isDeltaPath(ident)) {
            return ident;
        }
        final Path dir = locate(ident);
        return dir == null ? null : Identifier.of(new String[] {"delta"}, dir.toString());
    }

    private static boolean isDeltaPath(final Identifier ident) {
        return ident.namespace().length == 1 && ident.namespace()[0].equalsIgnoreCase("delta")
                && ident.name().contains("/");
    }

    @Override
    public Table loadTable(final Identifier ident) throws NoSuchTableException {
        final Identifier p = pathIdent(ident);
        if (p == null) {
            throw new NoSuchTableException(ident);
        }
        return delta().loadTable(p);
    }

    @Override
    public Table loadTable(final Identifier ident, final String version) throws NoSuchTableException {
        final Identifier p = pathIdent(ident);
        if (p == null) {
            throw new NoSuchTableException(ident);
        }
        return delta().loadTable(p, version);
    }

    @Override
    public Table loadTable(final Identifier ident, final long timestamp) throws NoSuchTableException {
        final Identifier p = pathIdent(ident);
        if (p == null) {
            throw new NoSuchTableException(ident);
        }
        return delta().loadTable(p, timestamp);
    }

    @Override
    public boolean tableExists(final Identifier ident) {
        return isDeltaPath(ident) ? delta().tableExists(ident) : locate(ident) != null;
    }

    @Override
    public void invalidateTable(final Identifier ident) {
        // nothing is cached here; Delta checks the log on every load
    }

    @Override
    public Identifier[] listTables(final String[] namespace) throws NoSuchNamespaceException {
        final List<String> layers;
        if (namespace.length == 0) {
            layers = Warehouse.LAYERS;
        } else if (namespaceExists(namespace)) {
            layers = List.of(namespace[0].toLowerCase(Locale.ROOT));
        } else {
            throw new NoSuchNamespaceException(namespace);
        }
        final List<Identifier> out = new ArrayList<>();
        for (final String layer : layers) {
            for (final String table : Warehouse.tablesIn(session().sparkContext().hadoopConfiguration(), root, layer)) {
                // a folder whose name says another layer is not a table a name can reach
                if (layer.equals(Warehouse.layerOf(table))) {
                    out.add(Identifier.of(new String[] {layer}, table));
                }
            }
        }
        return out.toArray(new Identifier[0]);
    }

    @Override
    public String[][] listNamespaces() {
        return Warehouse.LAYERS.stream().map(l -> new String[] {l}).toArray(String[][]::new);
    }

    @Override
    public String[][] listNamespaces(final String[] namespace) throws NoSuchNamespaceException {
        if (namespace.length == 0) {
            return listNamespaces();
        }
        if (namespaceExists(namespace)) {
            return new String[0][];
        }
        throw new NoSuchNamespaceException(namespace);
    }

    @Override
    public boolean namespaceExists(final String[] namespace) {
        return namespace.length == 1 && Warehouse.LAYERS.contains(namespace[0].toLowerCase(Locale.ROOT));
    }

    @Override
    public Map<String, String> loadNamespaceMetadata(final String[] namespace) throws NoSuchNamespaceException {
        if (!namespaceExists(namespace)) {
            throw new NoSuchNamespaceException(namespace);
        }
        return Map.of("location", root + "/" + namespace[0].toLowerCase(Locale.ROOT),
                "comment", "the warehouse's " + namespace[0].toLowerCase(Locale.ROOT) + " tables");
    }

    /** A change the catalog refuses: the warehouse's tables are written by their builds only. */
    public static final class ReadOnlyException extends UnsupportedOperationException {
        private static final long serialVersionUID = 1L;

        ReadOnlyException(final String message) {
            super(message);
        }
    }

    private static ReadOnlyException readOnly(final String what) {
        return new ReadOnlyException(what + " is refused: the warehouse's tables are written by their builds (kamw run, "
                + "kamw pipeline), not through SQL");
    }

    /** The refusal of a change behind a failure, or null when there is none. */
    public static Throwable readOnlyError(final Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ReadOnlyException) {
                return t;
            }
        }
        return null;
    }

    @Override
    public Table createTable(final Identifier ident, final Column[] columns, final Transform[] partitions,
            final Map<String, String> properties) {
        throw readOnly("creating table " + ident);
    }

    @Override
    @SuppressWarnings("deprecation")
    public Table createTable(final Identifier ident, final StructType schema, final Transform[] partitions,
            final Map<String, String> properties) {
        throw readOnly("creating table " + ident);
    }

    @Override
    public Table alterTable(final Identifier ident, final TableChange... changes) {
        throw readOnly("altering table " + ident);
    }

    @Override
    public boolean dropTable(final Identifier ident) {
        throw readOnly("dropping table " + ident);
    }

    @Override
    public void renameTable(final Identifier oldIdent, final Identifier newIdent) {
        throw readOnly("renaming table " + oldIdent);
    }

    @Override
    public void createNamespace(final String[] namespace, final Map<String, String> metadata) {
        throw readOnly("creating a namespace");
    }

    @Override
    public void alterNamespace(final String[] namespace, final NamespaceChange... changes) {
        throw readOnly("altering a namespace");
    }

    @Override
    public boolean dropNamespace(final String[] namespace, final boolean cascade) {
        throw readOnly("dropping a namespace");
    }

    @Override
    public String toString() {
        return "WarehouseCatalog(" + root + ")";
    }
}
