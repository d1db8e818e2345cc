package io.kamwarehouse.cli;

import java.math.BigDecimal;
import java.time.format.DateTimeFormatter;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A query result's values as text a person or a program can read back: arrays, maps and structs
 * as JSON, timestamps and dates in ISO-8601, decimals with their scale written out (never in
 * exponent form), NULL as null (the printers tell it from an empty string).
 */
final class Cells {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Cells() {
    }

    /** The value's text, or null for NULL. */
    static String text(final Object value, final DataType type) {
        if (value == null) {
            return null;
        }
        if (type instanceof ArrayType || type instanceof MapType || type instanceof StructType) {
            return json(value, type).toString();
        }
        return scalar(value);
    }

    /** A row as one JSON object (column name to value; NULL as null). */
    static String jsonLine(final Row row, final StructType schema) {
        return json(row, schema).toString();
    }

    private static String scalar(final Object value) {
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof java.sql.Timestamp t) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.toLocalDateTime());
        }
        if (value instanceof java.time.Instant i) {
            return DateTimeFormatter.ISO_INSTANT.format(i);
        }
        if (value instanceof java.time.LocalDateTime t) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        }
        if (value instanceof byte[] b) {
            return java.util.HexFormat.of().formatHex(b);
        }
        return String.valueOf(value);
    }

    private static JsonNode json(final Object value, final DataType type) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (type instanceof StructType s && value instanceof Row r) {
            final ObjectNode o = NODES.objectNode();
            final StructField[] fields = s.fields();
            for (int i = 0; i < fields.length && i < r.length(); i++) {
                o.set(fields[i].name(), json(r.isNullAt(i) ? null : r.get(i), fields[i].dataType()));
            }
            return o;
        }
        if (type instanceof ArrayType a) {
            final ArrayNode out = NODES.arrayNode();
            for (final Object e : iterable(value)) {
                out.add(json(e, a.elementType()));
            }
            return out;
        }
        if (type instanceof MapType m && value instanceof scala.collection.Map<?, ?> map) {
            final ObjectNode o = NODES.objectNode();
            scala.jdk.javaapi.CollectionConverters.asJava(map).forEach((k, v) -> o.set(String.valueOf(text(k, m.keyType())),
                    json(v, m.valueType())));
            return o;
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof BigDecimal d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? NODES.textNode(d.toString()) : NODES.numberNode(d);
        }
        if (value instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? NODES.textNode(f.toString()) : NODES.numberNode(f);
        }
        return NODES.textNode(scalar(value));
    }

    private static Iterable<?> iterable(final Object value) {
        if (value instanceof scala.collection.Iterable<?> s) {
            return scala.jdk.javaapi.CollectionConverters.asJava(s);
        }
        if (value instanceof java.util.List<?> l) {
            return l;
        }
        if (value instanceof Object[] a) {
            return java.util.Arrays.asList(a);
        }
        return java.util.List.of(value);
    }

    /** For tests: the JSON text parsed back. */
    static JsonNode parse(final String text) throws com.fasterxml.jackson.core.JsonProcessingException {
        return JSON.readTree(text);
    }
}
