package io.kamwarehouse.runtime;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Watches the rows a table build writes while they are written (a table's row checks, counted in
 * the write's own pass instead of a query after it).
 */
public interface WriteObserver {

    /** {@code rows}, observed: the frame to write in their place. */
    Dataset<Row> observe(Dataset<Row> rows);
}
