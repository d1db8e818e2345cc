package io.kamwarehouse.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;

/**
 * Picks tables by name and by what they are, as dbt's node selection does, for
 * {@code kamw pipeline --select/--exclude} and the grouped DAG tasks. The tables are the bronze
 * tables of the contracts and the tables of the specs; a selector is one of:
 * <ul>
 *   <li>{@code TABLE}: that table; {@code TABLE+} it and everything built from it, {@code +TABLE}
 *       it and everything it is built from, {@code +TABLE+} both;</li>
 *   <li>{@code layer:bronze|silver|gold};</li>
 *   <li>{@code domain:NAME}: the spec folder between layer and table, or an example data set; a
 *       bronze table's domain is its source ({@code domain:crm} holds {@code raw_crm__accounts});</li>
 *   <li>{@code schedule:daily|monthly}: the specs of that schedule (bronze tables have none);</li>
 *   <li>{@code kind:product|example}: the product's tables or the public example data sets'.</li>
 *   <li>{@code tag:NAME}: the tables whose spec lists the tag ({@code tags: [finance]}).</li>
 *   <li>{@code owner:NAME}: the tables whose spec names that owner.</li>
 * </ul>
 * Selectors joined by commas ({@code layer:gold,schedule:daily}) select what all of them select;
 * separate selectors select what any of them does; {@code --exclude} takes away what its
 * selectors select. Unknown tables and methods are refused with the known ones.
 */
public final class Selector {

    /** The selector methods, as {@code method:value}. */
    public static final List<String> METHODS = List.of("layer", "domain", "schedule", "kind", "tag", "owner");
    /** The layer of the contracts' tables. */
    public static final String BRONZE = "bronze";

    /** One table the selection can pick: its name, layer, domain, schedule (none for bronze), kind, and what it is built from. */
    private record Node(String name, String layer, String domain, String schedule, boolean example, Set<String> upstream,
            List<String> tags, String owner) {
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Set<String>> downstream = new HashMap<>();

    public Selector(final TableSpecCatalog specs, final ContractCatalog contracts) {
        final Set<String> exampleSources = new TreeSet<>();
        specs.all().stream().filter(TableSpec::example).forEach(s -> exampleSources.add(s.domain()));
        for (final Contract c : ContractCatalog.dependencyOrder(contracts.all())) {
            final Set<String> up = new LinkedHashSet<>();
            for (final ContractColumn col : c.columns()) {
                if (col.references() != null && !col.references().qualifiedEntity().equals(c.qualifiedName())) {
                    up.add("raw_" + col.references().source() + "__" + col.references().entity());
                }
            }
            nodes.put(c.bronzeTable(), new Node(c.bronzeTable(), BRONZE, c.source(), "", exampleSources.contains(c.source()), up,
                    List.of(), ""));
        }
        for (final TableSpec s : specs.all()) {
            final Set<String> up = new LinkedHashSet<>(s.dependencies());
            up.remove(s.name());
            nodes.put(s.name(), new Node(s.name(), s.layer(), s.domain(), s.schedule(), s.example(), up, s.tags(), s.owner()));
        }
        nodes.values().forEach(n -> n.upstream().forEach(u -> downstream.computeIfAbsent(u, k -> new LinkedHashSet<>()).add(n.name())));
    }

    /**
     * The tables {@code select} picks (every table when it is empty) less those {@code exclude}
     * picks, in the order bronze tables, then specs in dependency order. Each argument holds one
     * or more selectors separated by spaces. Refuses a selection that picks nothing.
     */
    public Set<String> select(final Collection<String> select, final Collection<String> exclude) {
        final List<String> selectors = split(select);
        final Set<String> picked = new LinkedHashSet<>();
        if (selectors.isEmpty()) {
            picked.addAll(nodes.keySet());
        }
        for (final String s : selectors) {
            picked.addAll(one(s));
        }
        for (final String s : split(exclude)) {
            picked.removeAll(one(s));
        }
        if (picked.isEmpty()) {
            throw new KamwException("--select " + String.join(" ", selectors)
                    + (exclude.isEmpty() ? "" : " --exclude " + String.join(" ", split(exclude))) + " selects no table");
        }
        final Set<String> ordered = new LinkedHashSet<>();
        nodes.keySet().stream().filter(picked::contains).forEach(ordered::add);
        return ordered;
    }

    /** True when the table is a contract's bronze table. */
    public boolean bronze(final String table) {
        final Node n = nodes.get(table);
        return n != null && BRONZE.equals(n.layer());
    }

    private static List<String> split(final Collection<String> args) {
        final List<String> out = new ArrayList<>();
        for (final String a : args) {
            for (final String s : a.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** What one selector picks: the intersection of its comma-separated parts. */
    private Set<String> one(final String selector) {
        Set<String> out = null;
        for (final String part : selector.split(",", -1)) {
            if (part.isEmpty()) {
                throw new KamwException("selector '" + selector + "' has an empty part between commas");
            }
            final Set<String> these = part(part);
            if (out == null) {
                out = new LinkedHashSet<>(these);
            } else {
                out.retainAll(these);
            }
        }
        return out;
    }

    private Set<String> part(final String part) {
        final int colon = part.indexOf(':');
        if (colon >= 0) {
            final String method = part.substring(0, colon).toLowerCase(Locale.ROOT);
            final String value = part.substring(colon + 1);
            final Set<String> known = new TreeSet<>();
            final Set<String> out = new LinkedHashSet<>();
            for (final Node n : nodes.values()) {
                if (method.equals("tag")) {
                    known.addAll(n.tags());
                    if (n.tags().contains(value)) {
                        out.add(n.name());
                    }
                    continue;
                }
                final String v = switch (method) {
                    case "owner" -> n.owner();
                    case "layer" -> n.layer();
                    case "domain" -> n.domain();
                    case "schedule" -> n.schedule();
                    case "kind" -> n.example() ? "example" : "product";
                    default -> throw new KamwException("unknown selector method '" + method + "' in '" + part + "'; use a table name "
                            + "(TABLE, +TABLE, TABLE+) or one of " + String.join(", ", METHODS.stream().map(m -> m + ":").toList()));
                };
                if (!v.isEmpty()) {
                    known.add(v);
                }
                if (v.equals(value)) {
                    out.add(n.name());
                }
            }
            if (out.isEmpty()) {
                throw new KamwException("selector '" + part + "' matches no table; known values of " + method + ": "
                        + String.join(", ", known));
            }
            return out;
        }
        final boolean up = part.startsWith("+");
        final boolean down = part.endsWith("+") && part.length() > 1;
        final String name = part.substring(up ? 1 : 0, part.length() - (down ? 1 : 0));
        if (!nodes.containsKey(name)) {
            throw io.kamwarehouse.Names.unknown("table", name, " in selector '" + part + "'", nodes.keySet(), "kamw tables");
        }
        final Set<String> out = new LinkedHashSet<>();
        out.add(name);
        if (up) {
            out.addAll(walk(name, n -> nodes.get(n) == null ? Set.of() : nodes.get(n).upstream()));
        }
        if (down) {
            out.addAll(walk(name, n -> downstream.getOrDefault(n, Set.of())));
        }
        return out;
    }

    private Set<String> walk(final String from, final java.util.function.Function<String, Set<String>> next) {
        final Set<String> seen = new LinkedHashSet<>();
        final Deque<String> todo = new ArrayDeque<>(next.apply(from));
        while (!todo.isEmpty()) {
            final String t = todo.pop();
            if (nodes.containsKey(t) && seen.add(t)) {
                todo.addAll(next.apply(t));
            }
        }
        return seen;
    }
}
