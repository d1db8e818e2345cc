package io.kamwarehouse.spec;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;

import scala.jdk.javaapi.CollectionConverters;

/** SQL expressions in specs, checked when the spec loads (Spark's parser needs no session). */
final class SqlExpressions {

    private SqlExpressions() {
    }

    /**
     * Parses a SQL expression and returns the columns it names (lower case); throws
     * {@link IllegalArgumentException} with the parser's message when it is not valid SQL.
     */
    static Set<String> columns(final String text) {
        final Expression e;
        try {
            e = CatalystSqlParser$.MODULE$.parseExpression(text);
        } catch (final Exception ex) {
            final String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            throw new IllegalArgumentException(m.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(m), ex);
        }
        final Set<String> out = new TreeSet<>();
        collect(e, out);
        return out;
    }

    private static void collect(final Expression e, final Set<String> out) {
        if (e instanceof UnresolvedAttribute a) {
            out.add(a.nameParts().head().toLowerCase(Locale.ROOT));
        }
        for (final Expression child : CollectionConverters.asJava(e.children())) {
            collect(child, out);
        }
    }
}
