package dev.archiver;

import java.util.List;

/** "Did you mean" hints for misspelled setting keys. */
final class KeySuggestions {
    static final List<String> KNOWN =
            List.of(
                    "topics",
                    "topics.pattern",
                    "storage.uri",
                    "format",
                    "codec",
                    "parser",
                    "transforms",
                    "partitioner",
                    "upload.policy",
                    "upload.max-file-size",
                    "upload.max-records",
                    "upload.max-file-age",
                    "upload.interval",
                    "upload.threads",
                    "upload.retry.initial-backoff",
                    "upload.retry.max-backoff",
                    "key.template",
                    "key.generation",
                    "staging.dir",
                    "staging.max-open-files",
                    "staging.max-bytes",
                    "consumer.threads",
                    "consumer.poll-timeout",
                    "errors.tolerance",
                    "errors.dead-letter.prefix",
                    "offsets.tracker",
                    "shutdown.timeout");

    private KeySuggestions() {}

    /** " (did you mean X?)" for the closest known key within a small edit distance, or "". */
    static String suggest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : KNOWN) {
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
