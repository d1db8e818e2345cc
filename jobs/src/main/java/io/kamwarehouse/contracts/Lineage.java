package io.kamwarehouse.contracts;

import java.util.List;

/**
 * The lineage columns every bronze table ends with, after its contract's columns: where a row
 * came from ({@code _source_file}, {@code _drop_date}), which load wrote it ({@code _batch_id},
 * {@code _ingested_at}) and a hash of its contract columns ({@code _row_hash}). Silver keeps them.
 */
public final class Lineage {

    public static final String SOURCE_FILE = "_source_file";
    public static final String DROP_DATE = "_drop_date";
    public static final String BATCH_ID = "_batch_id";
    public static final String INGESTED_AT = "_ingested_at";
    public static final String ROW_HASH = "_row_hash";

    /** Lineage columns every bronze table ends with, in this order. */
    public static final List<String> COLUMNS = List.of(SOURCE_FILE, DROP_DATE, BATCH_ID, INGESTED_AT, ROW_HASH);

    private Lineage() {
    }
}
