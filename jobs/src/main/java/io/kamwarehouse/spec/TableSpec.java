package io.kamwarehouse.spec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The spec of one warehouse table ({@code schemas/tables/<layer>/<domain>/<table>/table.yaml}, its
 * query beside it in {@code query.sql}; the public example data sets' tables under
 * {@code schemas/examples/<example>/<layer>/<table>/}): what it holds
 * (grain, keys), what it is built from (inputs, job kind and parameters), how it is checked and
 * when it runs. The job runner, the data checks and the DAG generator all read it.
 *
 * @param name        table name, equal to the file name; its prefix says its layer
 * @param layer       {@code silver} or {@code gold}
 * @param description what the table is for
 * @param grain       what one row is, e.g. "one row per account_id, latest version"
 * @param keys        columns that identify a row
 * @param inputs      tables the job reads, and the only ones it may read
 * @param job         the kind of job that builds it, e.g. {@code staging}
 * @param params      the job's parameters (the spec block named after the kind)
 * @param checks      data checks run after the job: declared ones, then those the job kind implies
 * @param schedule    {@code daily} or {@code monthly}
 * @param owner       who answers for the table
 * @param origin      the spec file, e.g. {@code tables/silver/crm/stg_crm__accounts/table.yaml}
 * @param columns     descriptions of the columns that need one (column name to text), in spec order
 * @param period      the table's time grain and how far a change of each input reaches into it; null
 *                    when the table is rebuilt whole
 * @param tags        words that group tables across layers and domains for selectors ({@code tag:finance})
 */
public record TableSpec(
        String name,
        String layer,
        String description,
        String grain,
        List<String> keys,
        List<String> inputs,
        String job,
        JobParams params,
        List<CheckSpec> checks,
        String schedule,
        String owner,
        String origin,
        Map<String, String> columns,
        Period period,
        List<String> tags) {

    /** Layers a spec may declare (bronze tables come from contracts). */
    public static final List<String> LAYERS = List.of("silver", "gold");
    /** Schedules a spec may declare. */
    public static final List<String> SCHEDULES = List.of("daily", "monthly");

    public TableSpec {
        keys = List.copyOf(keys);
        inputs = List.copyOf(inputs);
        checks = List.copyOf(checks);
        columns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columns));
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A spec without column descriptions (specs made up in code and tests). */
    public TableSpec(final String name, final String layer, final String description, final String grain, final List<String> keys,
            final List<String> inputs, final String job, final JobParams params, final List<CheckSpec> checks,
            final String schedule, final String owner, final String origin) {
        this(name, layer, description, grain, keys, inputs, job, params, checks, schedule, owner, origin, Map.of(), null, List.of());
    }

    /** The same spec with another period declaration (tests narrow or drop a reach with it). */
    public TableSpec withPeriod(final Period p) {
        return new TableSpec(name, layer, description, grain, keys, inputs, job, params, checks, schedule, owner, origin, columns, p,
                tags);
    }

    /** Tables that must be built before this one: its inputs, then the targets of its relationship checks. */
    public List<String> dependencies() {
        final Set<String> out = new LinkedHashSet<>(inputs);
        out.addAll(relationshipTargets());
        return List.copyOf(out);
    }

    /** Tables the relationship checks look up (not read by the job, but built before it). */
    public List<String> relationshipTargets() {
        final List<String> out = new ArrayList<>();
        for (final CheckSpec c : checks) {
            if (c.kind() == CheckSpec.Kind.RELATIONSHIP && !out.contains(c.toTable())) {
                out.add(c.toTable());
            }
        }
        return out;
    }

    /**
     * The domain the table belongs to: the folder between layer and table
     * ({@code tables/gold/retention/fct_account_health/table.yaml} is in {@code retention}), or the
     * example data set for an example's table ({@code examples/maven_crm/...} is in {@code maven_crm}).
     */
    public String domain() {
        final String[] p = origin.split("/");
        if (p.length == 5 && p[0].equals(SpecLayout.TABLES)) {
            return p[2];
        }
        if (p.length == 5 && p[0].equals(SpecLayout.EXAMPLES)) {
            return p[1];
        }
        return "";
    }

    /** True for the tables of a public example data set ({@code schemas/examples/}), which the product's DAGs leave out. */
    public boolean example() {
        return origin.startsWith(SpecLayout.EXAMPLES + "/");
    }

    /** The table's folder below {@code schemas/}, holding {@code table.yaml}, its {@code query.sql} and its {@code tests.yaml}. */
    public String folder() {
        final int slash = origin.lastIndexOf('/');
        return slash < 0 ? "" : origin.substring(0, slash);
    }

    /** The job parameters as the given kind's record; a clear error when the spec is of another kind. */
    public <T extends JobParams> T params(final Class<T> type) {
        if (!type.isInstance(params)) {
            throw new TableSpecException("table spec " + origin + " is a '" + job + "' job, not a "
                    + type.getSimpleName().replace("Params", "").toLowerCase(java.util.Locale.ROOT) + " job");
        }
        return type.cast(params);
    }

    /** The staging parameters; a clear error when this is not a staging job. */
    public StagingParams staging() {
        return params(StagingParams.class);
    }
}
