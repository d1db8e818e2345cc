package io.kamwarehouse.contracts;

/** A column's reference to the key of another entity: {@code [source.]entity.column}. */
public record Reference(String source, String entity, String column) {

    /** Parses {@code entity.column} (same source) or {@code source.entity.column}. */
    public static Reference parse(final String text, final String ownSource) {
        final String[] parts = text.trim().split("\\.");
        if (parts.length == 2) {
            return new Reference(ownSource, parts[0], parts[1]);
        }
        if (parts.length == 3) {
            return new Reference(parts[0], parts[1], parts[2]);
        }
        throw new IllegalArgumentException("reference '" + text + "' must be entity.column or source.entity.column");
    }

    public String qualifiedEntity() {
        return source + "." + entity;
    }

    @Override
    public String toString() {
        return source + "." + entity + "." + column;
    }
}
