package io.kamwarehouse;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Names a user typed, matched against the names that exist: the same name in other case, or "did you mean". */
public final class Names {

    private Names() {
    }

    /** The one known name equal to {@code given} but for case, if there is exactly one. */
    public static Optional<String> ignoringCase(final String given, final Collection<String> known) {
        final List<String> same = known.stream().filter(k -> k.equalsIgnoreCase(given)).distinct().toList();
        return same.size() == 1 ? Optional.of(same.get(0)) : Optional.empty();
    }

    /**
     * {@code given} when it is a known name, else the one known name it equals but for case, else
     * the error of {@link #unknown(String, String, Collection, String)}.
     */
    public static String known(final String kind, final String given, final Collection<String> known, final String listCommand) {
        if (known.contains(given)) {
            return given;
        }
        return ignoringCase(given, known).orElseThrow(() -> unknown(kind, given, known, listCommand));
    }

    /**
     * The error for an unknown name: the closest known names (by edit distance, at most three),
     * or, when none is close, all of them if there are few and else where to find them.
     */
    public static KamwException unknown(final String kind, final String given, final Collection<String> known,
            final String listCommand) {
        return unknown(kind, given, "", known, listCommand);
    }

    /** As {@link #unknown(String, String, Collection, String)}, with where the name was given ({@code " in selector 'x+'"}). */
    public static KamwException unknown(final String kind, final String given, final String where, final Collection<String> known,
            final String listCommand) {
        final String g = given.toLowerCase(Locale.ROOT);
        final int within = g.length() <= 4 ? 1 : Math.max(2, g.length() / 4);
        final List<String> near = known.stream().distinct().filter(k -> distance(g, k.toLowerCase(Locale.ROOT)) <= within).toList();
        final int best = near.stream().mapToInt(k -> distance(g, k.toLowerCase(Locale.ROOT))).min().orElse(0);
        // the closest only: one letter off beats three
        final List<String> close = near.stream().filter(k -> distance(g, k.toLowerCase(Locale.ROOT)) == best)
                .sorted(Comparator.naturalOrder()).limit(3).toList();
        final List<String> all = known.stream().distinct().sorted().toList();
        final String list = all.size() <= 12 ? "known " + kind + "s: " + String.join(", ", all) : listCommand + " lists all " + all.size();
        final String hint = close.isEmpty() ? list : "did you mean " + String.join(" or ", close) + "? (" + list + ")";
        return new KamwException("unknown " + kind + " '" + given + "'" + where + "; " + hint);
    }

    /** Levenshtein distance. */
    static int distance(final String a, final String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            final int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
