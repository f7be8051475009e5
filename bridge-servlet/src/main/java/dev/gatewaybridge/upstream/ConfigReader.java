package dev.gatewaybridge.upstream;

import dev.gatewaybridge.api.ClosestName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a bridge's parameters out of a {@code Map<String,String>} (servlet init-params), all under one
 * prefix such as {@code scgi.}. Every failure is an {@link IllegalArgumentException} naming the full
 * parameter and its value, so a bad web.xml fails at start-up with one clear line.
 */
public final class ConfigReader {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private final Map<String, String> config;
    private final String prefix;

    public ConfigReader(Map<String, String> config, String prefix) {
        this.config = Map.copyOf(config);
        this.prefix = prefix;
    }

    /** The full parameter name, prefix included. */
    public String name(String key) {
        return prefix + key;
    }

    /** The trimmed value, or {@code fallback} if absent or blank. */
    public String string(String key, String fallback) {
        String v = config.get(name(key));
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    /** The trimmed value; fails naming the parameter if it is absent or blank. */
    public String required(String key) {
        String v = string(key, null);
        if (v == null) {
            throw new IllegalArgumentException("missing parameter " + name(key));
        }
        return v;
    }

    /** The value converted by {@code parse}; its failure is re-thrown naming the parameter. */
    public <T> T parsed(String key, T fallback, Function<String, T> parse) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            return parse.apply(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad value for " + name(key) + ": \"" + v + "\" (" + e.getMessage()
                    + ")", e);
        }
    }

    /** An integer of at least {@code min}. */
    public int integer(String key, int fallback, int min) {
        return parsed(key, fallback, v -> {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new IllegalArgumentException("must be at least " + min);
            }
            return n;
        });
    }

    /** {@code true} or {@code false}, nothing else. */
    public boolean bool(String key, boolean fallback) {
        return parsed(key, fallback, v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        });
    }

    /** A positive duration: a number with an optional unit ms, s (the default), m or h. */
    public Duration duration(String key, Duration fallback) {
        return parsed(key, fallback, ConfigReader::parseDuration);
    }

    /** A byte count: a number with an optional suffix {@code k}, {@code m} or {@code g} (powers of 1024). */
    public long size(String key, long fallback) {
        return parsed(key, fallback, ConfigReader::parseSize);
    }

    /** {@code NAME=value} lines (blank lines and lines starting with # skipped), in order. */
    public List<Map.Entry<String, String>> pairs(String key) {
        return parsed(key, List.of(), ConfigReader::parsePairs);
    }

    /**
     * Fails if a parameter under the prefix is not one of {@code known}: a misspelt parameter would
     * otherwise be silently ignored.
     */
    public void rejectUnknown(Set<String> known) {
        for (String k : config.keySet()) {
            if (k.startsWith(prefix) && !known.contains(k.substring(prefix.length()))) {
                throw new IllegalArgumentException("unknown parameter " + k + " (known: " + known + ")"
                        + ClosestName.hint(k, known.stream().map(n -> prefix + n).toList()));
            }
        }
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 30} (seconds), {@code 2m}, {@code 1h}; must be positive. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (e.g. 500ms, 30s, 2m): " + text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + text);
        }
        return d;
    }

    /** Parses {@code 65536}, {@code 64k}, {@code 16m}, {@code 1g} (case-insensitive); must not be negative. */
    public static long parseSize(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        long unit = t.endsWith("k") ? 1024 : t.endsWith("m") ? 1024 * 1024 : t.endsWith("g") ? 1024L * 1024 * 1024 : 1;
        long n = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1).strip());
        if (n < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        return Math.multiplyExact(n, unit);
    }

    /** Parses {@code NAME=value} lines (blank and # lines skipped). */
    public static List<Map.Entry<String, String>> parsePairs(String text) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected NAME=value, got " + l);
            }
            out.add(Map.entry(l.substring(0, eq).strip(), l.substring(eq + 1).strip()));
        }
        return List.copyOf(out);
    }
}
