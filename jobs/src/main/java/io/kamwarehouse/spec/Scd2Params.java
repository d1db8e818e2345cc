package io.kamwarehouse.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parameters of an {@code scd2} job, the spec's {@code scd2:} block: a slowly changing dimension
 * of type 2 built from a source query that gives one row per business key per version.
 * <pre>
 * scd2:
 *   vars: {...}                       # as for sql jobs
 *   source: |                         # one row per business key per version, with its start
 *     SELECT account_id, industry, tier, ..., effective_from FROM ...
 *   business_key: [account_id]
 *   surrogate_key: account_key        # BIGINT: xxhash64(business key, valid_from)
 *   tracked: [tier, industry]         # a change opens a new version; other columns are updated in place (type 1)
 *   effective_from: effective_from    # when the version starts (date or timestamp column of the source)
 *   history: source                   # source: the source query returns every version, and the table is recomputed
 *                                     # from it whenever an input changes; table (the default): the source gives the
 *                                     # current state, and the table keeps the history, merging in new versions
 * </pre>
 * The table has the surrogate key, the source columns but {@code effective_from}, then
 * {@value #VALID_FROM}, {@value #VALID_TO} (null while current), {@value #IS_CURRENT},
 * {@value #VERSION_HASH} and {@value #UPDATED_AT}.
 */
public record Scd2Params(Map<String, String> vars, String source, List<String> businessKey, String surrogateKey,
        List<String> tracked, String effectiveFrom, History history) implements JobParams {

    /** Where a dimension's history lives. */
    public enum History {
        /** The source query returns every version: the table is recomputed from it when an input changes. */
        SOURCE,
        /** The source gives the current state: the table keeps the history and merges in new versions. */
        TABLE;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final String KIND = "scd2";
    public static final String VALID_FROM = "valid_from";
    public static final String VALID_TO = "valid_to";
    public static final String IS_CURRENT = "is_current";
    public static final String VERSION_HASH = "_version_hash";
    public static final String UPDATED_AT = "_updated_at";
    /** Columns the job adds after the source columns. */
    public static final List<String> ADDED = List.of(VALID_FROM, VALID_TO, IS_CURRENT, VERSION_HASH, UPDATED_AT);

    private static final Set<String> KEYS = Set.of("vars", "source", "business_key", "surrogate_key", "tracked",
            "effective_from", "history");

    public Scd2Params {
        // in name order: the record's text is part of a build's fingerprint, and Map.copyOf's order changes from one JVM to the next
        vars = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(vars));
        businessKey = List.copyOf(businessKey);
        tracked = List.copyOf(tracked);
    }

    @Override
    public String kind() {
        return KIND;
    }

    static Scd2Params parse(final SpecFields f, final Object block) {
        final Map<String, Object> m = f.mapping(block, KIND);
        f.unknownKeys(KIND, m.keySet(), KEYS);
        final Map<String, String> vars = SqlParams.vars(f, KIND, m.get("vars"));
        final String source = f.requiredString(m, "source", KIND + ".source");
        SqlParams.checkQuery(f, KIND + ".source", source, vars);
        final List<String> key = f.stringList(m, "business_key", KIND + ".business_key", true);
        final String surrogate = f.requiredString(m, "surrogate_key", KIND + ".surrogate_key");
        final List<String> tracked = f.stringList(m, "tracked", KIND + ".tracked", true);
        final String effective = f.requiredString(m, "effective_from", KIND + ".effective_from");
        final List<String> all = new ArrayList<>(key);
        all.add(surrogate);
        all.addAll(tracked);
        all.add(effective);
        all.forEach(c -> SpecFields.checkColumnName(f, KIND, c));
        final Set<String> seen = new HashSet<>();
        for (final String c : all) {
            if (!seen.add(c)) {
                throw f.error(KIND, c + " has two roles (business key, surrogate key, tracked, effective_from are distinct)");
            }
            if (ADDED.contains(c)) {
                throw f.error(KIND, c + " is a column the job adds; rename it in the source");
            }
        }
        final String historyText = f.optionalString(m, "history", KIND + ".history");
        final History history;
        if (historyText == null) {
            history = History.TABLE;
        } else if (historyText.equals("source") || historyText.equals("table")) {
            history = History.valueOf(historyText.toUpperCase(java.util.Locale.ROOT));
        } else {
            throw f.error(KIND + ".history", "'" + historyText + "' is not one of source (the source query returns every "
                    + "version), table (the table keeps the history)");
        }
        return new Scd2Params(vars, source, key, surrogate, tracked, effective, history);
    }

    /** Checks every scd2 table gets: surrogate key and (business key, valid_from) unique, validity well formed. */
    public List<CheckSpec> impliedChecks(final List<String> declaredNames) {
        final List<CheckSpec> out = new ArrayList<>();
        final List<String> versionKey = new ArrayList<>(businessKey);
        versionKey.add(VALID_FROM);
        out.add(CheckSpec.unique(versionKey, Severity.ERROR, "one_version_per_start(" + String.join(", ", businessKey) + ")"));
        out.add(CheckSpec.expression(VALID_TO + " IS NULL OR " + VALID_TO + " > " + VALID_FROM, Severity.ERROR,
                "valid_to_after_valid_from"));
        out.add(CheckSpec.expression(IS_CURRENT + " = (" + VALID_TO + " IS NULL)", Severity.ERROR,
                "current_iff_open"));
        out.removeIf(c -> declaredNames.contains(c.name()));
        return out;
    }
}
