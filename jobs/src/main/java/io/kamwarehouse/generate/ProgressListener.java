package io.kamwarehouse.generate;

/** Receives human-readable progress lines, e.g. {@code "crm/activities: 1,000,000 rows"}. */
@FunctionalInterface
public interface ProgressListener {

    void progress(String message);

    /** A listener that ignores everything. */
    static ProgressListener silent() {
        return message -> { };
    }
}
