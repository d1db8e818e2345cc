package io.kamwarehouse.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.spec.CheckSpec;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;

/**
 * The warehouse's documentation as a static site, one self-contained {@code index.html} (no
 * server, no script or style from elsewhere), as {@code dbt docs} gives a project's: every table
 * with its layer, domain, description, grain, keys, columns (types where the table is built,
 * texts from the spec or contract), checks, query, what it is built from and into as a small
 * lineage graph, and its state in the warehouse: version, build time, rows and last run.
 */
final class DocsSite {

    /** A table's state in the warehouse, where it is built. */
    record State(long version, String builtAt, Long rows, String lastStatus, String lastRunAt, String lastMessage,
            Map<String, String> columnTypes) {
    }

    private final TableSpecCatalog specs;
    private final ContractCatalog contracts;
    private final Map<String, State> states;
    private final Map<String, List<String>> upstream = new TreeMap<>();
    private final Map<String, List<String>> downstream = new TreeMap<>();

    DocsSite(final TableSpecCatalog specs, final ContractCatalog contracts, final Map<String, State> states) {
        this.specs = specs;
        this.contracts = contracts;
        this.states = states;
        for (final Contract c : contracts.all()) {
            upstream.put(c.bronzeTable(), List.of());
        }
        for (final TableSpec s : specs.all()) {
            upstream.put(s.name(), s.inputs().stream().filter(i -> !i.equals(s.name())).toList());
        }
        upstream.forEach((t, ins) -> ins.forEach(i -> downstream.computeIfAbsent(i, k -> new ArrayList<>()).add(t)));
    }

    /** Every table's name in the order the site lists them: bronze, silver, gold, each by name. */
    static List<String> tables(final TableSpecCatalog specs, final ContractCatalog contracts) {
        final List<String> out = new ArrayList<>();
        contracts.all().stream().map(Contract::bronzeTable).sorted().forEach(out::add);
        for (final String layer : TableSpec.LAYERS) {
            specs.all().stream().filter(s -> s.layer().equals(layer)).map(TableSpec::name).sorted().forEach(out::add);
        }
        return out;
    }

    Path write(final Path dir) throws IOException {
        Files.createDirectories(dir);
        final Path index = dir.resolve("index.html");
        Files.writeString(index, html(), StandardCharsets.UTF_8);
        return index;
    }

    String html() {
        final List<String> tables = tables(specs, contracts);
        final StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kam-warehouse tables</title>\n<style>\n")
                .append("body{font:14px/1.45 system-ui,sans-serif;margin:0;display:flex}nav{width:340px;flex:none;overflow-wrap:anywhere;height:100vh;overflow:auto;"
                        + "position:sticky;top:0;border-right:1px solid #ddd;padding:8px;box-sizing:border-box}"
                        + "main{flex:1;padding:8px 24px;max-width:1100px}nav a{display:block;text-decoration:none;padding:1px 0}"
                        + "nav h3{margin:10px 0 2px}section{border-bottom:1px solid #eee;padding-bottom:16px}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}"
                        + "pre{background:#f6f6f6;padding:8px;overflow:auto}.tag{background:#eef;border-radius:3px;padding:0 4px;margin-right:4px}"
                        + ".ok{color:#070}.bad{color:#b00}.muted{color:#777}input{width:100%;box-sizing:border-box}"
                        + "svg text{font:12px system-ui,sans-serif}\n</style></head><body>\n");
        h.append("<nav><input id=\"q\" placeholder=\"filter tables\" oninput=\"filter(this.value)\">\n");
        String layer = null;
        for (final String t : tables) {
            final String l = io.kamwarehouse.runtime.Warehouse.layerOf(t);
            if (!l.equals(layer)) {
                h.append("<h3>").append(l).append("</h3>\n");
                layer = l;
            }
            h.append("<a class=\"t\" href=\"#").append(t).append("\">").append(t).append("</a>\n");
        }
        h.append("</nav>\n<main>\n<h1>kam-warehouse</h1>\n<p>").append(tables.size()).append(" tables: ")
                .append(contracts.all().size()).append(" bronze (source contracts), ")
                .append(specs.ofLayer("silver").size()).append(" silver, ").append(specs.ofLayer("gold").size())
                .append(" gold. Built tables: ").append(states.size()).append(".</p>\n");
        for (final String t : tables) {
            section(h, t);
        }
        h.append("</main>\n<script>\nfunction filter(q){q=q.toLowerCase();for(const a of document.querySelectorAll('nav a.t'))"
                + "{a.style.display=a.textContent.includes(q)?'':'none'}}\n</script>\n</body></html>\n");
        return h.toString();
    }

    private void section(final StringBuilder h, final String t) {
        final TableSpec spec = specs.find(t).orElse(null);
        final Contract contract = spec == null ? contracts.byBronzeTable(t).orElse(null) : null;
        final State state = states.get(t);
        h.append("<section id=\"").append(t).append("\">\n<h2>").append(t).append("</h2>\n<p>");
        h.append("<b>").append(io.kamwarehouse.runtime.Warehouse.layerOf(t)).append("</b>");
        if (spec != null) {
            h.append(" · domain ").append(esc(spec.domain())).append(" · ").append(esc(spec.job())).append(" job · ")
                    .append(esc(spec.schedule())).append(" · owner ").append(esc(spec.owner()));
            spec.tags().forEach(tag -> h.append(" <span class=\"tag\">").append(esc(tag)).append("</span>"));
            h.append("<br><span class=\"muted\">schemas/").append(esc(spec.folder())).append("/table.yaml</span>");
        } else if (contract != null) {
            h.append(" · from the ").append(esc(contract.qualifiedName())).append(" extracts (")
                    .append(contract.format().name().toLowerCase(java.util.Locale.ROOT)).append(")<br><span class=\"muted\">")
                    .append(esc(contract.origin())).append("</span>");
        }
        h.append("</p>\n");
        final String description = spec != null ? spec.description() : contract != null ? contract.description() : null;
        if (description != null && !description.isBlank()) {
            h.append("<p>").append(esc(description.strip())).append("</p>\n");
        }
        if (spec != null) {
            h.append("<p><b>Grain:</b> ").append(esc(spec.grain())).append("<br><b>Keys:</b> ").append(esc(String.join(", ", spec.keys())))
                    .append("</p>\n");
        }
        state(h, state);
        columns(h, spec, contract, state);
        if (spec != null && !spec.checks().isEmpty()) {
            h.append("<h3>Checks</h3>\n<table><tr><th>check</th><th>kind</th><th>severity</th><th>what</th></tr>\n");
            for (final CheckSpec c : spec.checks()) {
                h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(c.kind().key()).append("</td><td>")
                        .append(c.severity().label()).append("</td><td>").append(esc(what(c))).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h3>Lineage</h3>\n").append(graph(t));
        final String query = spec == null ? null : io.kamwarehouse.spec.TableTests.queryOf(spec);
        if (query != null) {
            h.append("<h3>Query</h3>\n<pre>").append(esc(query.strip())).append("</pre>\n");
        }
        h.append("</section>\n");
    }

    private static void state(final StringBuilder h, final State s) {
        if (s == null) {
            h.append("<p class=\"muted\">Not built in this warehouse.</p>\n");
            return;
        }
        h.append("<p><b>In the warehouse:</b> version ").append(s.version()).append(", built ").append(esc(s.builtAt()));
        if (s.rows() != null) {
            h.append(", ").append(String.format("%,d", s.rows())).append(" rows");
        }
        if (s.lastStatus() != null) {
            final boolean ok = s.lastStatus().equals("succeeded") || s.lastStatus().equals("skipped");
            h.append("<br><b>Last run:</b> <span class=\"").append(ok ? "ok" : "bad").append("\">").append(esc(s.lastStatus()))
                    .append("</span> at ").append(esc(s.lastRunAt()));
            if (s.lastMessage() != null && !s.lastMessage().isBlank()) {
                h.append(": ").append(esc(s.lastMessage()));
            }
        }
        h.append("</p>\n");
    }

    private static void columns(final StringBuilder h, final TableSpec spec, final Contract contract, final State state) {
        final Map<String, String[]> rows = new LinkedHashMap<>();
        if (state != null) {
            state.columnTypes().forEach((c, type) -> rows.put(c, new String[] {type, ""}));
        }
        if (contract != null) {
            for (final ContractColumn c : contract.columns()) {
                final String[] r = rows.computeIfAbsent(c.name(), k -> new String[] {c.type().sql(), ""});
                r[1] = (c.description() == null ? "" : c.description()) + (c.required() ? " (required in every extract row)" : "");
            }
        }
        if (spec != null) {
            spec.columns().forEach((c, text) -> rows.computeIfAbsent(c, k -> new String[] {"", ""})[1] = text);
        }
        if (rows.isEmpty()) {
            return;
        }
        h.append("<h3>Columns</h3>\n<table><tr><th>column</th><th>type</th><th>what it holds</th></tr>\n");
        rows.forEach((c, r) -> h.append("<tr><td>").append(esc(c)).append("</td><td>").append(esc(r[0])).append("</td><td>")
                .append(esc(r[1].strip())).append("</td></tr>\n"));
        h.append("</table>\n");
    }

    private static String what(final CheckSpec c) {
        return switch (c.kind()) {
            case UNIQUE -> "no two rows share " + String.join(", ", c.columns());
            case NOT_NULL -> c.column() + " is never null";
            case ACCEPTED_VALUES -> c.column() + " is one of " + String.join(", ", c.values());
            case RELATIONSHIP -> c.column() + " is in " + c.toTable() + "." + c.toColumn();
            case EXPRESSION -> c.expression();
        };
    }

    /** What the table is built from (left) and into (right), as boxes linked to their sections. */
    String graph(final String t) {
        final List<String> in = upstream.getOrDefault(t, List.of());
        final List<String> out = new ArrayList<>(new TreeSet<>(downstream.getOrDefault(t, List.of())));
        final int rows = Math.max(1, Math.max(in.size(), out.size()));
        final int boxW = 230;
        final int boxH = 22;
        final int gap = 6;
        final int height = rows * (boxH + gap) + gap;
        final int width = 3 * boxW + 2 * 60;
        final StringBuilder s = new StringBuilder("<svg width=\"").append(width).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"lineage of ").append(t).append("\">\n");
        final int midY = height / 2 - boxH / 2;
        final int midX = boxW + 60;
        for (int i = 0; i < in.size(); i++) {
            final int y = gap + i * (boxH + gap);
            box(s, in.get(i), 0, y, boxW, boxH, false);
            s.append("<line x1=\"").append(boxW).append("\" y1=\"").append(y + boxH / 2).append("\" x2=\"").append(midX)
                    .append("\" y2=\"").append(midY + boxH / 2).append("\" stroke=\"#999\"/>\n");
        }
        box(s, t, midX, midY, boxW, boxH, true);
        for (int i = 0; i < out.size(); i++) {
            final int y = gap + i * (boxH + gap);
            final int x = 2 * (boxW + 60);
            box(s, out.get(i), x, y, boxW, boxH, false);
            s.append("<line x1=\"").append(midX + boxW).append("\" y1=\"").append(midY + boxH / 2).append("\" x2=\"").append(x)
                    .append("\" y2=\"").append(y + boxH / 2).append("\" stroke=\"#999\"/>\n");
        }
        if (in.isEmpty()) {
            s.append("<text x=\"4\" y=\"").append(midY + 15).append("\" fill=\"#777\">").append(specs.find(t).isEmpty()
                    ? "source extracts" : "no table inputs").append("</text>\n");
        }
        if (out.isEmpty()) {
            s.append("<text x=\"").append(2 * (boxW + 60) + 4).append("\" y=\"").append(midY + 15)
                    .append("\" fill=\"#777\">nothing is built from it</text>\n");
        }
        return s.append("</svg>\n").toString();
    }

    private void box(final StringBuilder s, final String t, final int x, final int y, final int w, final int h, final boolean self) {
        s.append("<a href=\"#").append(t).append("\"><rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(w)
                .append("\" height=\"").append(h).append("\" rx=\"4\" fill=\"").append(self ? "#dde8ff" : states.containsKey(t)
                        ? "#f4f4f4" : "#fff").append("\" stroke=\"#888\"/><text x=\"").append(x + 6).append("\" y=\"").append(y + 15)
                .append("\">").append(t).append("</text></a>\n");
    }

    static String esc(final String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
