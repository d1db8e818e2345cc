package io.kamwarehouse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Orders named things so that each comes after the things it depends on (a depth-first
 * topological sort): the table specs by their inputs, the source contracts by their references.
 * Among things that do not depend on each other the given order is kept. A dependency on itself,
 * or on a name that is not among the things, is ignored.
 */
public final class DependencyOrder {

    private DependencyOrder() {
    }

    /**
     * The things in dependency order.
     *
     * @param things       in the order to keep where dependencies leave a choice
     * @param name         the unique name of a thing
     * @param dependencies the names a thing depends on, visited in this order
     * @param cycleError   the error to throw for a cycle, given its names from the first to the
     *                     first again ({@code [a, b, a]})
     */
    public static <T> List<T> sort(final Collection<T> things, final Function<T, String> name,
            final Function<T, ? extends Collection<String>> dependencies,
            final Function<List<String>, ? extends RuntimeException> cycleError) {
        final Map<String, T> byName = new LinkedHashMap<>();
        things.forEach(t -> byName.put(name.apply(t), t));
        final Walk<T> walk = new Walk<>(byName, dependencies, cycleError);
        byName.keySet().forEach(walk::visit);
        return walk.out;
    }

    private static final class Walk<T> {
        private final Map<String, T> byName;
        private final Function<T, ? extends Collection<String>> dependencies;
        private final Function<List<String>, ? extends RuntimeException> cycleError;
        private final Set<String> done = new HashSet<>();
        private final List<String> path = new ArrayList<>();
        private final List<T> out = new ArrayList<>();

        Walk(final Map<String, T> byName, final Function<T, ? extends Collection<String>> dependencies,
                final Function<List<String>, ? extends RuntimeException> cycleError) {
            this.byName = byName;
            this.dependencies = dependencies;
            this.cycleError = cycleError;
        }

        void visit(final String name) {
            if (done.contains(name) || !byName.containsKey(name)) {
                return;
            }
            final int seen = path.indexOf(name);
            if (seen >= 0) {
                final List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
                cycle.add(name);
                throw cycleError.apply(List.copyOf(cycle));
            }
            path.add(name);
            for (final String dep : dependencies.apply(byName.get(name))) {
                if (!dep.equals(name)) {
                    visit(dep);
                }
            }
            path.remove(path.size() - 1);
            done.add(name);
            out.add(byName.get(name));
        }
    }
}
