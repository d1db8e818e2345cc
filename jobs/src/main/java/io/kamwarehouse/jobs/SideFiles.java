package io.kamwarehouse.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kamwarehouse.runtime.Warehouse;

/**
 * Small JSON files kept beside a table's Delta log (Delta ignores and never vacuums names starting
 * with {@code _}): what a build remembers about the table without a commit.
 */
final class SideFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SideFiles() {
    }

    /** Writes {@code json} to the file {@code name} beside {@code table}; a failure only loses what it would remember. */
    static void write(final Warehouse wh, final String table, final String name, final JsonNode json) {
        final org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(wh.tablePath(table), name);
        try {
            final org.apache.hadoop.fs.FileSystem fs = file.getFileSystem(wh.hadoopConf());
            try (OutputStream out = fs.create(file, true)) {
                out.write(json.toString().getBytes(StandardCharsets.UTF_8));
            }
        } catch (final IOException e) {
            // only a saving or a measurement: the next build does without it
        }
    }

    /** The file {@code name} beside {@code table}, or null when there is none or it cannot be read. */
    static JsonNode read(final Warehouse wh, final String table, final String name) {
        final org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(wh.tablePath(table), name);
        try {
            final org.apache.hadoop.fs.FileSystem fs = file.getFileSystem(wh.hadoopConf());
            if (!fs.exists(file)) {
                return null;
            }
            try (InputStream in = fs.open(file)) {
                return JSON.readTree(in);
            }
        } catch (final IOException | RuntimeException e) {
            return null;
        }
    }

    /** The field naming the table version a file's content holds for. */
    private static final String TABLE_VERSION = "table_version";

    /**
     * A new JSON object that holds only while the table stays at {@code version}, for
     * {@link #readAt}: what a check found of that version, or what its build wrote.
     */
    static com.fasterxml.jackson.databind.node.ObjectNode objectAt(final long version) {
        final com.fasterxml.jackson.databind.node.ObjectNode o = object();
        o.put(TABLE_VERSION, version);
        return o;
    }

    /** The file {@code name} beside {@code table} when it was written for the table's {@code version} ({@link #objectAt}), else null. */
    static JsonNode readAt(final Warehouse wh, final String table, final String name, final long version) {
        final JsonNode n = read(wh, table, name);
        return n == null || n.path(TABLE_VERSION).asLong(-1) != version ? null : n;
    }

    /** A new JSON object to write. */
    static com.fasterxml.jackson.databind.node.ObjectNode object() {
        return JSON.createObjectNode();
    }
}
