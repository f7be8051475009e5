package dev.gatewaybridge.api;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The known name closest to a misspelt one, for "unknown param" messages: the smallest Levenshtein
 * distance, ignoring case, if it is at most {@value #MAX_DISTANCE}.
 */
public final class ClosestName {

    /** Farther than this, a suggestion is more confusing than none. */
    public static final int MAX_DISTANCE = 3;

    private ClosestName() {
    }

    /** The closest of {@code known} to {@code name}, if within {@value #MAX_DISTANCE} edits. */
    public static Optional<String> of(String name, Collection<String> known) {
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String candidate : known) {
            int d = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code "; did you mean 'x'?"} for the closest known name, or {@code ""} if none is close. */
    public static String hint(String name, Collection<String> known) {
        return of(name, known).map(n -> "; did you mean '" + n + "'?").orElse("");
    }

    /** Levenshtein distance: insertions, deletions and substitutions, one edit each. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
