package dev.gatewaybridge.paths;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A list of path patterns, the portable form of an application's "deny all" rules for its data and config
 * folders (nginx {@code location /data/ { deny all; }}, Apache {@code <Directory> Require all denied}).
 *
 * <ul>
 * <li>{@code /data} (leading '/'): anchored at the start of the path; {@code /data/} means the same.</li>
 * <li>{@code .git}, {@code *.bak} (no leading '/'): a segment or segments at any depth.</li>
 * <li>{@code *} and {@code ?} match within one segment, {@code **} across segments ({@code **}{@code /}: zero or
 *     more of them).</li>
 * <li>A pattern that matches a directory matches everything under it: {@code /conf} refuses
 *     {@code /conf/local.php}.</li>
 * </ul>
 *
 * Matching ignores case, so a rule is not passed by {@code /DATA/} on a case-insensitive file system
 * (CVE-2025-46701's lesson), and runs on the path with empty and "." segments removed, so {@code //data} or
 * {@code /./data} are caught too. Immutable and thread-safe.
 */
public final class PathPatterns {

    private final List<String> sources;
    private final List<Pattern> patterns;

    private PathPatterns(List<String> sources, List<Pattern> patterns) {
        this.sources = List.copyOf(sources);
        this.patterns = List.copyOf(patterns);
    }

    /** The patterns in {@code items}; {@code param} names the setting in the failure for a bad one. */
    public static PathPatterns of(String param, List<String> items) {
        List<String> sources = new ArrayList<>();
        List<Pattern> patterns = new ArrayList<>();
        for (String item : items) {
            String p = item.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("/") || p.contains("\\") || p.contains("\0") || List.of(p.split("/")).contains("..")) {
                throw new IllegalArgumentException(param + " has an invalid path pattern: " + item);
            }
            sources.add(p);
            patterns.add(compile(p));
        }
        return new PathPatterns(sources, patterns);
    }

    /** No pattern: nothing matches. */
    public static PathPatterns none() {
        return new PathPatterns(List.of(), List.of());
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** The first pattern matching {@code path} (a URL path, decoded), or null. */
    public String match(String path) {
        if (patterns.isEmpty()) {
            return null;
        }
        String normal = normalize(path);
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matcher(normal).matches()) {
                return sources.get(i);
            }
        }
        return null;
    }

    /** {@code path} with a leading '/', without empty or "." segments. */
    static String normalize(String path) {
        StringBuilder out = new StringBuilder();
        for (String seg : path.split("/")) {
            if (!seg.isEmpty() && !seg.equals(".")) {
                out.append('/').append(seg);
            }
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    private static Pattern compile(String glob) {
        boolean anchored = glob.startsWith("/");
        String body = glob.replaceAll("^/+|/+$", "");
        StringBuilder re = new StringBuilder(anchored ? "/" : "(?:.*/)?");
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (body.startsWith("**/", i)) {
                re.append("(?:.*/)?"); // zero or more whole segments
                i += 2;
            } else if (c == '*' && i + 1 < body.length() && body.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        re.append("(?:/.*)?");
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return String.join(" ", sources);
    }
}
