package dev.gatewaybridge.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One parameter, declared once: its name (under a namespace's prefix: {@code readTimeout} is
 * {@code fastcgi.readTimeout} and {@code scgi.readTimeout}), the kind of value and its parser (from
 * {@link Grammar}), its default and a one-line doc, from which docs/parameters.md is generated.
 *
 * @param name         the name under the prefix
 * @param type         the kind of value, for the reference: {@code boolean}, {@code duration}, {@code size}...
 * @param parser       text to value; fails with an {@link IllegalArgumentException} saying what it expected
 * @param defaultValue the value when the parameter is absent or blank (null: none)
 * @param defaultText  the default as a user writes it, for the reference ({@code 60s}, {@code none})
 * @param doc          one line: what it does, in the user's words
 */
public record Setting<T>(String name, String type, Function<String, ? extends T> parser, T defaultValue,
                         String defaultText, String doc) {

    public Setting {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(parser);
        Objects.requireNonNull(defaultText);
        Objects.requireNonNull(doc);
    }

    /** Parses {@code text} (already known not to be blank). */
    public T parse(String text) {
        return parser.apply(text.strip());
    }

    /** This parameter with another default (a bridge whose default differs, e.g. cgi.requestBuffering). */
    public Setting<T> withDefault(T value, String text) {
        return new Setting<>(name, type, parser, value, text, doc);
    }

    /** This parameter with another doc line (the same value meaning something particular to one bridge). */
    public Setting<T> withDoc(String line) {
        return new Setting<>(name, type, parser, defaultValue, defaultText, line);
    }

    /** Any value, parsed by {@code parser}. */
    public static <T> Setting<T> of(String name, String type, Function<String, ? extends T> parser, T defaultValue,
            String defaultText, String doc) {
        return new Setting<>(name, type, parser, defaultValue, defaultText, doc);
    }

    /** A string, stripped; {@code fallback} may be null (then "none" in the reference). */
    public static Setting<String> string(String name, String fallback, String doc) {
        return new Setting<>(name, "string", Function.identity(), fallback, fallback == null ? "none" : fallback, doc);
    }

    /** {@code true} or {@code false}. */
    public static Setting<Boolean> bool(String name, boolean fallback, String doc) {
        return new Setting<>(name, "boolean", Grammar::bool, fallback, Boolean.toString(fallback), doc);
    }

    /** An int of at least {@code min}. */
    public static Setting<Integer> integer(String name, int fallback, int min, String doc) {
        return new Setting<>(name, "integer", v -> (int) Grammar.integer(v, min, Integer.MAX_VALUE), fallback,
                Integer.toString(fallback), doc);
    }

    /** A long of at least {@code min}. */
    public static Setting<Long> count(String name, long fallback, long min, String doc) {
        return new Setting<>(name, "integer", v -> Grammar.integer(v, min, Long.MAX_VALUE), fallback,
                Long.toString(fallback), doc);
    }

    /** A positive duration, a bare number in seconds. */
    public static Setting<Duration> duration(String name, Duration fallback, String doc) {
        return new Setting<>(name, "duration", v -> positive(Grammar.duration(v, ChronoUnit.SECONDS)), fallback,
                fallback == null ? "none" : Grammar.format(fallback), doc);
    }

    /** A duration of zero or more (0: never), a bare number in seconds. */
    public static Setting<Duration> durationOrZero(String name, Duration fallback, String doc) {
        return new Setting<>(name, "duration", v -> Grammar.duration(v, ChronoUnit.SECONDS), fallback,
                Grammar.format(fallback), doc);
    }

    /** A byte count. */
    public static Setting<Long> size(String name, long fallback, String doc) {
        return new Setting<>(name, "size", Grammar::size, fallback, Grammar.formatSize(fallback), doc);
    }

    /** A comma- and/or space-separated list; absent is the empty list unless {@code defaultText} says otherwise. */
    public static Setting<List<String>> list(String name, List<String> fallback, String defaultText, String doc) {
        return new Setting<>(name, "list", Grammar::list, fallback, defaultText, doc);
    }

    /** {@code NAME=value} entries ({@link Grammar#pairs}); absent is none. */
    public static Setting<List<Map.Entry<String, String>>> pairs(String name, String doc) {
        return new Setting<>(name, "NAME=value lines", Grammar::pairs, List.of(), "none", doc);
    }

    private static Duration positive(Duration d) {
        if (d.isZero()) {
            throw new IllegalArgumentException("duration must be positive");
        }
        return d;
    }
}
