package io.kamwarehouse.ingest;

import java.time.LocalDate;

/**
 * A file in the landing area: {@code <landing>/<source>/<drop date>/<name>}, or any file given by
 * {@code --path} (then the drop date is the day it is loaded).
 */
public record LandingFile(String source, LocalDate dropDate, String path, String name, long sizeBytes,
        long modifiedAt) {
}
