package dev.archiver.config;

import java.util.Collection;

/**
 * "Did you mean" hints for misspelled setting keys, by edit distance.
 *
 * @since 0.1
 */
public final class KeySuggestions {
    private KeySuggestions() {}

    /**
     * @return {@code " (did you mean X?)"} for the known key closest to {@code key} within a small
     *     edit distance, or {@code ""}
     */
    public static String suggest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 4)
                ? " (did you mean " + best + "?)"
                : "";
    }

    /** The Levenshtein distance between two strings. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
