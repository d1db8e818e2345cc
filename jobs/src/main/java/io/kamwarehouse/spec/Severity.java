package io.kamwarehouse.spec;

import java.util.Locale;

/** How much a failed data check matters: {@code error} stops downstream jobs, {@code warn} is reported only. */
public enum Severity {
    ERROR, WARN;

    /** The spelling used in spec files and reports: {@code error} or {@code warn}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
