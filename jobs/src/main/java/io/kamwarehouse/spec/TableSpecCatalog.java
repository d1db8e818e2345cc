package io.kamwarehouse.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

import io.kamwarehouse.DependencyOrder;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.contracts.Lineage;
import io.kamwarehouse.runtime.Warehouse;

/**
 * All table specs (one folder per table: {@code schemas/tables/<layer>/<domain>/<table>/}, the
 * examples' under {@code schemas/examples/}), loaded and checked together:
 * every file parses strictly (unknown keys are errors), names match their path and layer, every
 * input is a bronze table of a contract or another spec, staging parameters fit their contract,
 * checked columns exist, and there is no cycle. {@link #all()} lists the specs in dependency order.
 */
public final class TableSpecCatalog {

    private static final Set<String> SPEC_KEYS = Set.of("name", "layer", "description", "grain", "keys", "inputs", "job",
            "checks", "schedule", "owner", "columns", "period", "tags");
    private static final Set<String> CHECK_EXTRA_KEYS = Set.of("severity", "name");

    /** Job kinds and how to read their parameter block (the spec key named after the kind). */
    private static final Map<String, BiFunction<SpecFields, Object, JobParams>> KINDS = Map.of(
            StagingParams.KIND, StagingParams::parse,
            SqlParams.KIND, SqlParams::parse,
            Scd2Params.KIND, Scd2Params::parse,
            ScoringPlanParams.KIND, ScoringPlanParams::parse,
            ModelParams.KIND, ModelParams::parse);

    private final Map<String, TableSpec> byName;
    private final List<TableSpec> ordered;
    private final ContractCatalog contracts;

    private TableSpecCatalog(final Map<String, TableSpec> byName, final List<TableSpec> ordered,
            final ContractCatalog contracts) {
        this.byName = byName;
        this.ordered = ordered;
        this.contracts = contracts;
    }

    /** Loads the specs and the contracts they refer to from the same schema files. */
    public static TableSpecCatalog load(final SchemaFiles schemas) {
        return load(schemas, ContractCatalog.load(schemas));
    }

    /**
     * Loads every table folder ({@code tables/<layer>/<domain>/<table>/table.yaml} with its
     * {@code query.sql}, and the examples' {@code examples/<example>/<layer>/<table>/}) and checks
     * each spec against the contracts and the other specs. A file in a spec tree that is not one of
     * a table folder's files, or not in a table folder, is an error: nothing lies around unread.
     */
    public static TableSpecCatalog load(final SchemaFiles schemas, final ContractCatalog contracts) {
        final Map<String, TableSpec> specs = new TreeMap<>();
        final List<String> paths = new ArrayList<>(schemas.list(SpecLayout.TABLES + "/"));
        paths.addAll(schemas.list(SpecLayout.EXAMPLES + "/"));
        for (final String path : paths) {
            final String file = path.substring(path.lastIndexOf('/') + 1);
            if (!SpecLayout.FILES.contains(file) || SpecLayout.layerOf(path).isEmpty()) {
                throw new TableSpecException("schemas/" + path + " is not where a table's files live: each table has a folder "
                        + "tables/<layer>/<domain>/<table>/ (examples: examples/<example>/<layer>/<table>/) holding "
                        + String.join(", ", SpecLayout.FILES));
            }
            if (!file.equals(SpecLayout.SPEC_FILE)) {
                final String spec = path.substring(0, path.lastIndexOf('/') + 1) + SpecLayout.SPEC_FILE;
                if (!schemas.exists(spec)) {
                    throw new TableSpecException("schemas/" + path + " has no " + SpecLayout.SPEC_FILE + " beside it");
                }
                continue;
            }
            final String queryPath = path.substring(0, path.lastIndexOf('/') + 1) + SpecLayout.QUERY_FILE;
            final String query = schemas.exists(queryPath) ? schemas.read(queryPath) : null;
            final TableSpec spec = parse(path, schemas.read(path), query, true);
            final TableSpec previous = specs.put(spec.name(), spec);
            if (previous != null) {
                throw new TableSpecException("table " + spec.name() + " has two specs: " + previous.origin() + " and " + path);
            }
        }
        final TableSpecCatalog catalog = new TableSpecCatalog(specs, List.of(), contracts);
        for (final TableSpec spec : specs.values()) {
            catalog.validate(spec);
        }
        return new TableSpecCatalog(specs, dependencyOrder(specs.values()), contracts);
    }

    // ---- one file --------------------------------------------------------------------------

    /**
     * Parses one spec whose query (of a sql, scd2 or model job) is written inline in the YAML; for
     * specs made up in code and tests. {@code path} is where it would live,
     * {@code tables/<layer>/<domain>/<table>/table.yaml}.
     */
    public static TableSpec parse(final String path, final String yaml) {
        return parse(path, yaml, null, false);
    }

    /**
     * Parses one table folder's spec: {@code yaml} is its {@code table.yaml}, {@code query} its
     * {@code query.sql} (null when it has none). Checks the spec on its own (fields, names, layer,
     * job kind, checks); references to contracts and other specs are checked by {@link #load}. With
     * {@code queryInFile}, a sql, scd2 or model job must have its query in {@code query.sql}.
     */
    public static TableSpec parse(final String path, final String yaml, final String query, final boolean queryInFile) {
        final SpecFields f = new SpecFields(path);
        final Map<String, Object> m = new LinkedHashMap<>(f.document(yaml));
        final Set<String> allowed = new HashSet<>(SPEC_KEYS);
        allowed.addAll(KINDS.keySet());
        f.unknownKeys(null, m.keySet(), allowed);
        withQueryFile(f, m, query, queryInFile);

        final String name = f.requiredString(m, "name", "name");
        final String folder = SpecLayout.tableOf(path);
        if (!name.equals(folder)) {
            throw f.error("name", "'" + name + "' must equal the name of its folder '" + folder + "'");
        }
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw f.error("name", "'" + name + "' must be lower snake case");
        }
        final String layer = f.requiredString(m, "layer", "layer");
        if (!TableSpec.LAYERS.contains(layer)) {
            throw f.error("layer", "'" + layer + "' is not one of " + TableSpec.LAYERS);
        }
        if (!path.endsWith("/" + SpecLayout.SPEC_FILE) || !SpecLayout.layerOf(path).equals(Optional.of(layer))) {
            throw f.error("layer", "'" + layer + "' but the file is at " + path + "; it must live at "
                    + SpecLayout.expectedPath(layer, name));
        }
        final String prefixLayer = Warehouse.layerOf(name);
        if (!prefixLayer.equals(layer)) {
            throw f.error("name", "'" + name + "' names a " + prefixLayer + " table, but the spec says layer " + layer
                    + " (silver tables start with stg_; gold with dim_, fct_, bdg_, mart_ or cfg_)");
        }
        final String description = f.requiredString(m, "description", "description");
        final String grain = f.requiredString(m, "grain", "grain");
        final List<String> keys = f.stringList(m, "keys", "keys", true);
        keys.forEach(k -> SpecFields.checkColumnName(f, "keys", k));
        // a scoring_plan job reads the plan files, not tables: its inputs are empty
        final boolean readsPlans = ScoringPlanParams.KIND.equals(m.get("job"));
        final List<String> inputs = f.stringList(m, "inputs", "inputs", !readsPlans);
        if (readsPlans && !inputs.isEmpty()) {
            throw f.error("inputs", "a scoring_plan job reads the scoring plan files, not tables: write 'inputs: []'");
        }
        for (final String in : inputs) {
            if (in.equals(name)) {
                throw f.error("inputs", name + " cannot read itself");
            }
            SpecFields.checkColumnName(f, "inputs", in);
        }
        final String job = f.requiredString(m, "job", "job");
        final BiFunction<SpecFields, Object, JobParams> kind = KINDS.get(job);
        if (kind == null) {
            throw f.error("job", "'" + job + "' is not a known job kind (known: " + String.join(", ", new TreeMap<>(KINDS).keySet())
                    + ")");
        }
        for (final String k : KINDS.keySet()) {
            if (!k.equals(job) && m.containsKey(k)) {
                throw f.error(k, "a '" + k + ":' block belongs to a " + k + " job, but this is a " + job + " job");
            }
        }
        if (StagingParams.KIND.equals(job) != name.startsWith("stg_")) {
            throw f.error("job", "silver tables (stg_) are built by staging jobs and gold tables by sql, scd2 or model jobs (cfg_ tables by scoring_plan jobs), not '" + job + "'");
        }
        if (StagingParams.KIND.equals(job) && StagingParams.contractOf(name) == null) {
            throw f.error("name", "a staging table is named stg_<source>__<entity> after the contract it stages");
        }
        final JobParams params = kind.apply(f, m.get(job));
        final String schedule = f.requiredString(m, "schedule", "schedule");
        if (!TableSpec.SCHEDULES.contains(schedule)) {
            throw f.error("schedule", "'" + schedule + "' is not one of " + TableSpec.SCHEDULES);
        }
        final String owner = f.requiredString(m, "owner", "owner");
        final List<String> tags = m.containsKey("tags") ? f.stringList(m, "tags", "tags", false) : List.of();
        for (final String tag : tags) {
            if (!tag.matches("[a-z][a-z0-9_]*")) {
                throw f.error("tags", "tag '" + tag + "' is not a lower-case word (letters, digits, _), as selectors name it (tag:" + tag
                        + ")");
            }
        }
        final List<CheckSpec> checks = parseChecks(f, m.get("checks"));
        if (params instanceof StagingParams sp) {
            checks.addAll(sp.impliedChecks());
        }
        if (params instanceof SqlParams sq) {
            SqlParams.checkReads(f, "sql.query", sq.query(), sq.vars(), inputs);
        }
        if (params instanceof ModelParams mp) {
            SqlParams.checkReads(f, "model.source", mp.source(), mp.vars(), inputs);
        }
        if (params instanceof Scd2Params sc) {
            SqlParams.checkReads(f, "scd2.source", sc.source(), sc.vars(), inputs);
            if (!keys.equals(List.of(sc.surrogateKey()))) {
                throw f.error("keys", "an scd2 table's key is its surrogate key: keys: [" + sc.surrogateKey() + "]");
            }
            checks.addAll(sc.impliedChecks(checks.stream().map(CheckSpec::name).toList()));
        }
        final Set<String> names = new HashSet<>();
        for (final CheckSpec c : checks) {
            if (!names.add(c.name())) {
                throw f.error("checks", "two checks are named '" + c.name() + "'; remove the repeat or give one a name:");
            }
        }
        final Map<String, String> columns = new LinkedHashMap<>();
        if (m.get("columns") != null) {
            for (final Map.Entry<String, Object> e : f.mapping(m.get("columns"), "columns").entrySet()) {
                SpecFields.checkColumnName(f, "columns", e.getKey());
                if (!(e.getValue() instanceof String text) || text.isBlank()) {
                    throw f.error("columns." + e.getKey(), "must be the column's description, a line of text");
                }
                columns.put(e.getKey(), text.strip());
            }
        }
        Period period = null;
        if (m.get("period") != null) {
            final boolean fitsPerAsOf = params instanceof ModelParams mp && !ModelParams.SBG.equals(mp.modelKind());
            if (!SqlParams.KIND.equals(job) && !fitsPerAsOf) {
                throw f.error("period", "only a sql job's table, or a model's fitted per as-of date (customer value, win probability), is built by "
                        + "period; a " + job + " job's table is rebuilt whole");
            }
            period = Period.parse(f, m.get("period"), inputs);
            if (!keys.contains(period.column())) {
                throw f.error("period.column", period.column() + " must be one of the table's keys " + keys
                        + " (a period's rows are replaced together)");
            }
        }
        return new TableSpec(name, layer, description, grain, keys, inputs, job, params, checks, schedule, owner, path, columns,
                period, tags);
    }

    /** The spec key of each job kind's query, and the file it lives in. */
    private static final Map<String, String> QUERY_KEYS = Map.of(SqlParams.KIND, "query", Scd2Params.KIND, "source",
            ModelParams.KIND, "source");

    /** Puts {@code query.sql} into the job's block, where the job kind's parameters read it. */
    private static void withQueryFile(final SpecFields f, final Map<String, Object> m, final String query,
            final boolean queryInFile) {
        final Object job = m.get("job");
        final String key = job == null ? null : QUERY_KEYS.get(String.valueOf(job));
        if (key == null) {
            if (query != null) {
                throw f.error("job", SpecLayout.QUERY_FILE + " belongs to sql, scd2 and model jobs, not to a '" + job
                        + "' job; remove it");
            }
            return;
        }
        final Object raw = m.get(String.valueOf(job));
        final Map<String, Object> block = new LinkedHashMap<>(raw == null ? Map.of() : f.mapping(raw, String.valueOf(job)));
        if (query == null) {
            if (queryInFile && !block.containsKey(key)) {
                throw f.error(null, "a " + job + " job's query lives in " + SpecLayout.QUERY_FILE + " beside "
                        + SpecLayout.SPEC_FILE + ", and there is none");
            }
            if (queryInFile) {
                throw f.error(job + "." + key, "the query lives in " + SpecLayout.QUERY_FILE + " beside " + SpecLayout.SPEC_FILE
                        + ", not inline: move it there");
            }
        } else {
            if (block.containsKey(key)) {
                throw f.error(job + "." + key, "the query is in " + SpecLayout.QUERY_FILE + "; remove " + job + "." + key);
            }
            block.put(key, query);
        }
        m.put(String.valueOf(job), block);
    }

    private static List<CheckSpec> parseChecks(final SpecFields f, final Object raw) {
        final List<CheckSpec> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        if (!(raw instanceof List<?> list)) {
            throw f.error("checks", "must be a list of checks (- unique: [...], - not_null: [...], ...)");
        }
        final Set<String> kinds = new LinkedHashSet<>();
        for (final CheckSpec.Kind k : CheckSpec.Kind.values()) {
            kinds.add(k.key());
        }
        for (int i = 0; i < list.size(); i++) {
            final String field = "checks[" + i + "]";
            final Map<String, Object> m = f.mapping(list.get(i), field);
            final List<String> found = m.keySet().stream().filter(kinds::contains).toList();
            if (found.size() != 1) {
                throw f.error(field, (found.isEmpty() ? "names no check" : "names " + found.size() + " checks " + found)
                        + "; each list item is exactly one of " + String.join(", ", kinds)
                        + " (with optional severity: and name:)");
            }
            final Set<String> allowed = new HashSet<>(CHECK_EXTRA_KEYS);
            allowed.add(found.get(0));
            f.unknownKeys(field, m.keySet(), allowed);
            final Severity severity = severity(f, field, m.get("severity"));
            final String name = f.optionalString(m, "name", field + ".name");
            final String kind = found.get(0);
            final String where = field + "." + kind;
            final Object body = m.get(kind);
            switch (kind) {
                case "unique" -> {
                    final List<String> cols = f.stringList(m, kind, where, true);
                    cols.forEach(c -> SpecFields.checkColumnName(f, where, c));
                    out.add(CheckSpec.unique(cols, severity, name));
                }
                case "not_null" -> {
                    final List<String> cols = f.stringList(m, kind, where, true);
                    if (name != null && cols.size() > 1) {
                        throw f.error(field + ".name", "a named not_null check takes one column (it becomes one check per column)");
                    }
                    for (final String c : cols) {
                        SpecFields.checkColumnName(f, where, c);
                        out.add(CheckSpec.notNull(c, severity, name));
                    }
                }
                case "accepted_values" -> {
                    final Map<String, Object> b = checkBody(f, where, body, Set.of("column", "values"));
                    final String column = f.requiredString(b, "column", where + ".column");
                    SpecFields.checkColumnName(f, where + ".column", column);
                    out.add(CheckSpec.acceptedValues(column, f.stringList(b, "values", where + ".values", true), severity, name));
                }
                case "relationship" -> {
                    final Map<String, Object> b = checkBody(f, where, body, Set.of("column", "to"));
                    final String column = f.requiredString(b, "column", where + ".column");
                    SpecFields.checkColumnName(f, where + ".column", column);
                    final String to = f.requiredString(b, "to", where + ".to");
                    final String[] t = to.split("\\.");
                    if (t.length != 2 || t[0].isEmpty() || t[1].isEmpty()) {
                        throw f.error(where + ".to", "'" + to + "' must be table.column, e.g. stg_crm__accounts.account_id");
                    }
                    out.add(CheckSpec.relationship(column, t[0], t[1], severity, name));
                }
                case "expression" -> {
                    final String text = f.requiredString(m, kind, where);
                    sqlColumns(f, where, text);
                    out.add(CheckSpec.expression(text, severity, name));
                }
                default -> throw new IllegalStateException(kind);
            }
        }
        return out;
    }

    /** The columns a SQL expression names; a clear error when it does not parse. */
    static Set<String> sqlColumns(final SpecFields f, final String field, final String text) {
        try {
            return SqlExpressions.columns(text);
        } catch (final IllegalArgumentException e) {
            throw f.error(field, "'" + text + "' is not valid SQL: " + e.getMessage());
        }
    }

    private static Map<String, Object> checkBody(final SpecFields f, final String where, final Object body,
            final Set<String> keys) {
        final Map<String, Object> b = f.mapping(body, where);
        if (b.containsKey("severity") || b.containsKey("name")) {
            throw f.error(where, "severity: and name: go beside the check, not inside it: "
                    + "'- relationship: {column: c, to: t.c}' then 'severity: warn' on the next line, indented under it");
        }
        f.unknownKeys(where, b.keySet(), keys);
        return b;
    }

    private static Severity severity(final SpecFields f, final String field, final Object v) {
        if (v == null) {
            return Severity.ERROR;
        }
        for (final Severity s : Severity.values()) {
            if (s.label().equals(String.valueOf(v).trim())) {
                return s;
            }
        }
        throw f.error(field + ".severity", "'" + v + "' is not error or warn");
    }

    // ---- across files ----------------------------------------------------------------------

    private void validate(final TableSpec spec) {
        final SpecFields f = new SpecFields(spec.origin());
        for (final String in : spec.inputs()) {
            checkTableExists(f, "inputs", in);
        }
        if (spec.params() instanceof StagingParams sp) {
            final String qualified = StagingParams.contractOf(spec.name());
            if (!contracts.contains(qualified)) {
                throw f.error("name", spec.name() + " stages contract " + qualified + ", which does not exist (schemas/sources/"
                        + qualified.replace('.', '/') + ".yaml)");
            }
            sp.validate(spec, contracts.get(qualified));
        }
        final Optional<List<String>> columns = columnsOf(spec.name());
        for (int i = 0; i < spec.checks().size(); i++) {
            final CheckSpec c = spec.checks().get(i);
            final String field = "check " + c.name();
            if (columns.isPresent() && c.kind() == CheckSpec.Kind.EXPRESSION) {
                for (final String col : sqlColumns(f, field, c.expression())) {
                    if (!columns.get().contains(col)) {
                        throw f.error(field, "the expression names " + col + ", which is not a column of " + spec.name()
                                + " (columns: " + String.join(", ", columns.get()) + ")");
                    }
                }
            }
            if (columns.isPresent()) {
                for (final String col : c.columns()) {
                    if (!columns.get().contains(col)) {
                        throw f.error(field, col + " is not a column of " + spec.name() + " (columns: "
                                + String.join(", ", columns.get()) + ")");
                    }
                }
            }
            if (c.kind() == CheckSpec.Kind.RELATIONSHIP) {
                checkTableExists(f, field, c.toTable());
                final Optional<List<String>> target = columnsOf(c.toTable());
                if (target.isPresent() && !target.get().contains(c.toColumn())) {
                    throw f.error(field, c.toColumn() + " is not a column of " + c.toTable());
                }
            }
        }
        if (columns.isPresent()) {
            for (final String c : spec.columns().keySet()) {
                if (!columns.get().contains(c)) {
                    throw f.error("columns." + c, c + " is not a column of " + spec.name());
                }
            }
            for (final String k : spec.keys()) {
                if (!columns.get().contains(k)) {
                    throw f.error("keys", k + " is not a column of " + spec.name());
                }
            }
        }
        final boolean keysUnique = spec.checks().stream().anyMatch(c -> c.kind() == CheckSpec.Kind.UNIQUE
                && new HashSet<>(c.columns()).equals(new HashSet<>(spec.keys())));
        if (!keysUnique) {
            throw f.error("checks", "declare the keys unique: add '- unique: [" + String.join(", ", spec.keys()) + "]'");
        }
        for (final String k : spec.keys()) {
            if (spec.checks().stream().noneMatch(c -> c.kind() == CheckSpec.Kind.NOT_NULL && c.column().equals(k))) {
                throw f.error("checks", "key column " + k + " has no not_null check: add it to '- not_null: [...]'");
            }
        }
    }

    private void checkTableExists(final SpecFields f, final String field, final String table) {
        if (table.startsWith("raw_")) {
            if (contracts.byBronzeTable(table).isEmpty()) {
                throw f.error(field, table + " is not the bronze table of any contract in schemas/sources/");
            }
        } else if (!byName.containsKey(table)) {
            throw f.error(field, table + " has no spec (schemas/" + SpecLayout.expectedPath(Warehouse.layerOf(table), table)
                    + ") and is not a bronze raw_* table");
        }
    }

    /**
     * Specs ordered so that every spec comes after the specs it depends on (inputs and
     * relationship targets; a table may check a relationship to itself), silver before gold and
     * by name otherwise. Throws naming the cycle when there is one.
     */
    public static List<TableSpec> dependencyOrder(final Collection<TableSpec> specs) {
        final List<TableSpec> sorted = specs.stream().sorted(Comparator.comparing((TableSpec s) -> TableSpec.LAYERS.indexOf(s.layer()))
                .thenComparing(TableSpec::name)).toList();
        return DependencyOrder.sort(sorted, TableSpec::name, TableSpec::dependencies,
                cycle -> new TableSpecException("table specs depend on each other in a cycle: " + String.join(" -> ", cycle)
                        + "; a table cannot (through inputs or relationship checks) depend on itself"));
    }

    // ---- queries ---------------------------------------------------------------------------

    /** All specs in dependency order. */
    public List<TableSpec> all() {
        return ordered;
    }

    /** Specs of one layer, in dependency order. */
    public List<TableSpec> ofLayer(final String layer) {
        return ordered.stream().filter(s -> s.layer().equals(layer)).toList();
    }

    public boolean contains(final String name) {
        return byName.containsKey(name);
    }

    public Optional<TableSpec> find(final String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The spec of a table, or a clear error listing the known ones. */
    public TableSpec get(final String name) {
        final TableSpec s = byName.get(name);
        if (s == null) {
            throw new TableSpecException("no table spec named '" + name + "'; known: " + String.join(", ", byName.keySet()));
        }
        return s;
    }

    /** The columns a table will have when the spec (or contract, for bronze) says so; empty when only the job knows. */
    public Optional<List<String>> columnsOf(final String table) {
        if (table.startsWith("raw_")) {
            return contracts.byBronzeTable(table).map(c -> {
                final List<String> cols = new ArrayList<>(c.columns().stream().map(ContractColumn::name).toList());
                cols.addAll(Lineage.COLUMNS);
                return cols;
            });
        }
        final TableSpec spec = byName.get(table);
        if (spec != null && spec.params() instanceof StagingParams sp) {
            final String qualified = StagingParams.contractOf(table);
            if (contracts.contains(qualified)) {
                final Contract c = contracts.get(qualified);
                return Optional.of(sp.outputColumns(c));
            }
        }
        return Optional.empty();
    }

    /** The contract a staging spec stages. */
    public Contract contractOf(final TableSpec spec) {
        final String qualified = StagingParams.contractOf(spec.name());
        if (qualified == null || !contracts.contains(qualified)) {
            throw new TableSpecException("table spec " + spec.origin() + " does not stage a contract");
        }
        return contracts.get(qualified);
    }
}
