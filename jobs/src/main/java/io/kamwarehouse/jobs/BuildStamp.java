package io.kamwarehouse.jobs;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a gold table's build was made from, kept in its Delta commit's user metadata: the
 * fingerprint of query, vars and input versions (equal means nothing to do), the fingerprint of the
 * logic alone (query and vars but the as-of date), the as-of date, and the version of each input.
 * The next build reads the inputs' changes since those versions.
 * Written as {@code <prefix><fingerprint> {"logic": ..., "as_of_date": ..., "inputs": {...}}}; a
 * commit written before the logic was recorded parses with a null logic.
 *
 * @param fingerprint query, vars and input versions
 * @param logic       query and vars, the as-of date left out; null when not recorded
 * @param asOf        the as-of date the query was given ({@code yyyy-MM-dd}); null when it uses none
 * @param inputs      the Delta version read of each input
 */
record BuildStamp(String fingerprint, String logic, String asOf, Map<String, Long> inputs) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Delta's session setting: the user metadata of every commit made while it is set. */
    private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";

    BuildStamp {
        inputs = Map.copyOf(inputs);
    }

    /** The commit's user metadata. */
    String text(final String prefix) {
        final ObjectNode o = JSON.createObjectNode();
        o.put("logic", logic);
        o.put("as_of_date", asOf);
        final ObjectNode in = o.putObject("inputs");
        new TreeMap<>(inputs).forEach(in::put);
        return prefix + fingerprint + " " + o;
    }

    /** Runs {@code work} with {@code userMetadata} as the user metadata of every Delta commit it makes. */
    static <T> T committing(final org.apache.spark.sql.SparkSession spark, final String userMetadata,
            final java.util.function.Supplier<T> work) {
        spark.conf().set(USER_METADATA_CONF, userMetadata);
        try {
            return work.get();
        } finally {
            spark.conf().unset(USER_METADATA_CONF);
        }
    }

    /** The stamp in a commit's user metadata, or null when it holds none. */
    static BuildStamp parse(final String prefix, final String userMetadata) {
        if (userMetadata == null || !userMetadata.startsWith(prefix)) {
            return null;
        }
        final String rest = userMetadata.substring(prefix.length());
        final int space = rest.indexOf(' ');
        if (space < 0) {
            return new BuildStamp(rest, null, null, Map.of());
        }
        try {
            final JsonNode o = JSON.readTree(rest.substring(space + 1));
            final Map<String, Long> inputs = new TreeMap<>();
            o.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), e.getValue().asLong()));
            return new BuildStamp(rest.substring(0, space), text(o, "logic"), text(o, "as_of_date"), inputs);
        } catch (final JsonProcessingException e) {
            return new BuildStamp(rest.substring(0, space), null, null, Map.of());
        }
    }

    private static String text(final JsonNode o, final String field) {
        final JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
