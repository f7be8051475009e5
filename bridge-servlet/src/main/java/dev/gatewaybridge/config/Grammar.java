package dev.gatewaybridge.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of every parameter value (init-params of the servlet, its bridges and middleware). Each
 * parser takes the raw text, fails with an {@link IllegalArgumentException} saying what was expected (the
 * caller adds the parameter's name and value), and accepts the union of the spellings the four readers
 * before it (issue 13) accepted, so that no working web.xml breaks:
 * <ul>
 * <li>boolean: {@code true} or {@code false}, any case;</li>
 * <li>integer: decimal digits, optionally signed, within the parameter's range;</li>
 * <li>duration: a number, decimals allowed, with an optional unit {@code ms}, {@code s}, {@code m} or
 *     {@code h} (any case, space allowed before it); a bare number is in the parameter's own unit (seconds
 *     for every parameter today: {@code cgi.timeout=2.5}, {@code fastcgi.readTimeout=30});</li>
 * <li>size: a byte count with an optional suffix {@code k}, {@code m} or {@code g} (powers of 1024, any case);</li>
 * <li>list: items separated by commas and/or white space;</li>
 * <li>{@code NAME=value} list: see {@link #pairs}; {@code .ext=value} list: see {@link #extensions}.</li>
 * </ul>
 */
public final class Grammar {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ms|s|m|h)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg])?", Pattern.CASE_INSENSITIVE);
    /**
     * A ';' that separates two entries: one before a {@code NAME=} (a variable or param name) or at the end
     * of a line. Any other ';' is part of a value.
     */
    private static final Pattern ENTRY_SEPARATOR = Pattern.compile(";(?=\\s*$|\\s*[A-Za-z_][A-Za-z0-9_.-]*\\s*=)");

    private Grammar() {
    }

    /** {@code true} or {@code false}, any case (what every reader accepted; {@code yes}/{@code on} never were). */
    public static boolean bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    /** A decimal integer in {@code [min, max]}. */
    public static long integer(String text, long min, long max) {
        long n;
        try {
            n = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
        if (n < min) {
            throw new IllegalArgumentException("must be at least " + min);
        }
        if (n > max) {
            throw new IllegalArgumentException("must be at most " + max);
        }
        return n;
    }

    /**
     * A duration: {@code 500ms}, {@code 30s}, {@code 2.5}, {@code 5m}, {@code 1h}; a bare number counts in
     * {@code bareUnit}. Rounded to the millisecond (as {@code cgi.timeout} was); zero is allowed here, each
     * parameter says whether it is.
     */
    public static Duration duration(String text, ChronoUnit bareUnit) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (e.g. 500ms, 30s, 2m, 1h)");
        }
        String unit = m.group(2) == null ? null : m.group(2).toLowerCase(Locale.ROOT);
        long unitMillis = unit == null ? bareUnit.getDuration().toMillis() : switch (unit) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        try {
            return Duration.ofMillis(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis))
                    .setScale(0, RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration too long");
        }
    }

    /** A byte count: {@code 65536}, {@code 64k}, {@code 16m}, {@code 1g} (powers of 1024, any case). */
    public static long size(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size (e.g. 65536, 64k, 16m, 1g)");
        }
        long unit = m.group(2) == null ? 1 : switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            default -> 1024L * 1024 * 1024;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size too large");
        }
    }

    /** The items of a list separated by commas and/or white space, empty ones dropped. */
    public static List<String> list(String text) {
        List<String> out = new ArrayList<>();
        for (String item : text.split("[,\\s]+")) {
            if (!item.isEmpty()) {
                out.add(item);
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@code NAME=value} entries, in order, name and value stripped. The one rule of every such parameter
     * ({@code environ}, {@code cgi.env}, {@code fastcgi.params}, {@code scgi.params}, {@code *.workerEnv}):
     * <ul>
     * <li>one entry per line; blank lines and lines whose first non-blank character is {@code #} are skipped;</li>
     * <li>on a line, a {@code ;} followed by {@code NAME=} (or ending the line) also ends an entry, so
     *     {@code A=1;B=2} is two entries as {@code cgi.env} always read it; any other {@code ;} belongs to the
     *     value ({@code X=a;b} is one entry, as {@code fastcgi.params} always read it);</li>
     * <li>the first {@code =} ends the name; an entry without one, or with an empty name, fails.</li>
     * </ul>
     * Chosen because it reads every value that worked under either earlier rule as it was read, except a
     * {@code fastcgi.params}/{@code environ} value containing {@code ;NAME=}, which no test or documented
     * example has.
     */
    public static List<Map.Entry<String, String>> pairs(String text) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            for (String part : ENTRY_SEPARATOR.split(l)) {
                String entry = part.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq <= 0 || entry.substring(0, eq).isBlank()) {
                    throw new IllegalArgumentException("needs NAME=value entries; got \"" + entry + "\"");
                }
                out.add(Map.entry(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@code .ext=value} entries separated by commas ({@code cgi.interpreters}, {@code files.mimeTypes}):
     * {@code .py=/usr/bin/python3 -u, .wasm=application/wasm}. The extension is lower-cased; each entry needs
     * a name starting with '.' and a non-empty value.
     */
    public static List<Map.Entry<String, String>> extensions(String text) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0 || !entry.startsWith(".") || entry.substring(eq + 1).isBlank()) {
                throw new IllegalArgumentException("entry needs .ext=value; got \"" + entry + "\"");
            }
            out.add(Map.entry(entry.substring(0, eq).strip().toLowerCase(Locale.ROOT), entry.substring(eq + 1).strip()));
        }
        return List.copyOf(out);
    }

    /** A duration the way {@link #duration} reads it back: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 0}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms >= 120_000) { // 60s as nginx writes it, 2m rather than 120s
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** A byte count the way {@link #size} reads it back: {@code 64k}, {@code 16m}, {@code 500}. */
    public static String formatSize(long bytes) {
        if (bytes != 0 && bytes % (1024L * 1024 * 1024) == 0) {
            return bytes / (1024L * 1024 * 1024) + "g";
        }
        if (bytes != 0 && bytes % (1024L * 1024) == 0) {
            return bytes / (1024L * 1024) + "m";
        }
        return bytes != 0 && bytes % 1024 == 0 ? bytes / 1024 + "k" : Long.toString(bytes);
    }
}
