package io.kamwarehouse.spec;

import java.util.List;

/**
 * The outcome of one data check on one table.
 *
 * @param name              the check's name, e.g. {@code unique(account_id)}
 * @param severity          {@code error} blocks downstream jobs; {@code warn} is reported only
 * @param passed            true when no row broke the check
 * @param failingRows       rows that broke it (for unique: every row of a repeated value)
 * @param sampleFailingKeys the smallest and largest key of the failing rows (for unique: of the repeated values)
 * @param detail            one line saying what failed, or {@code ok}
 */
public record CheckResult(String name, Severity severity, boolean passed, long failingRows,
        List<String> sampleFailingKeys, String detail) {

    public CheckResult {
        sampleFailingKeys = List.copyOf(sampleFailingKeys);
    }

    /** A failed check of severity error: the table should not be used downstream. */
    public boolean blocking() {
        return !passed && severity == Severity.ERROR;
    }

    /** One line for logs: {@code warn relationship(account_id -> ...): 3 rows whose ... (e.g. O7, O9)}. */
    public String describe() {
        if (passed) {
            return name + ": ok";
        }
        return severity.label() + " " + name + ": " + detail
                + (sampleFailingKeys.isEmpty() ? "" : " (e.g. " + String.join(" ... ", sampleFailingKeys) + ")");
    }
}
