package dev.gatewaybridge.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one {@link Namespace}'s parameters out of a {@code Map<String,String>} (servlet init-params, all
 * of them: only the owned ones are read). Values are parsed by each {@link Setting}'s parser, that is by the
 * one {@link Grammar}. Every failure is an {@link IllegalArgumentException} naming the full parameter and its
 * value, so a bad web.xml fails at start-up with one clear line.
 */
public final class ConfigReader {

    private final Map<String, String> config;
    private final String prefix;
    /** The declarations, or null for a reader of undeclared keys ({@link #ConfigReader(Map, String)}). */
    private final Namespace namespace;

    /** A reader of {@code namespace}'s settings in {@code config}. */
    public ConfigReader(Map<String, String> config, Namespace namespace) {
        this.config = Map.copyOf(config);
        this.prefix = namespace.prefix();
        this.namespace = namespace;
    }

    /** A reader of keys under {@code prefix}, with no declarations (so no {@link #rejectUnknown()}). */
    public ConfigReader(Map<String, String> config, String prefix) {
        this.config = Map.copyOf(config);
        this.prefix = prefix;
        this.namespace = null;
    }

    /** The full parameter name, prefix included. */
    public String name(String key) {
        return prefix + key;
    }

    /** The full name of {@code setting}, prefix included. */
    public String name(Setting<?> setting) {
        return prefix + setting.name();
    }

    /** Whether {@code setting} is given a non-blank value. */
    public boolean isSet(Setting<?> setting) {
        return string(setting.name(), null) != null;
    }

    /** The value of {@code setting}, its default if absent or blank. */
    public <T> T get(Setting<T> setting) {
        return get(setting, setting.defaultValue());
    }

    /** The value of {@code setting}, {@code fallback} if absent or blank (a default depending on others). */
    public <T> T get(Setting<T> setting, T fallback) {
        return parsed(setting.name(), fallback, setting::parse);
    }

    /** The value of {@code setting}; fails naming it if absent or blank. */
    public <T> T required(Setting<T> setting) {
        required(setting.name());
        return get(setting);
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
            throw new IllegalArgumentException(namespace != null && namespace.topLevel()
                    ? "init-param '" + key + "' is missing" : "missing parameter " + name(key));
        }
        return v;
    }

    /** The value converted by {@code parse}; its failure is re-thrown naming the parameter and the value. */
    public <T> T parsed(String key, T fallback, Function<String, ? extends T> parse) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            return parse.apply(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(bad(name(key), v, e.getMessage()), e);
        }
    }

    /** The message of a bad value: the parameter, the value and what was expected. */
    private String bad(String fullName, String value, String reason) {
        return namespace != null && namespace.topLevel()
                ? "init-param '" + fullName + "' " + reason + ", not \"" + value + "\""
                : "bad value for " + fullName + ": \"" + value + "\" (" + reason + ")";
    }

    /** An integer of at least {@code min}. */
    public int integer(String key, int fallback, int min) {
        return parsed(key, fallback, v -> (int) Grammar.integer(v, min, Integer.MAX_VALUE));
    }

    /** A boolean ({@link Grammar#bool}). */
    public boolean bool(String key, boolean fallback) {
        return parsed(key, fallback, Grammar::bool);
    }

    /** A positive duration ({@link #parseDuration}). */
    public Duration duration(String key, Duration fallback) {
        return parsed(key, fallback, ConfigReader::parseDuration);
    }

    /** A byte count ({@link Grammar#size}). */
    public long size(String key, long fallback) {
        return parsed(key, fallback, Grammar::size);
    }

    /** {@code NAME=value} entries ({@link Grammar#pairs}), in order. */
    public List<Map.Entry<String, String>> pairs(String key) {
        return parsed(key, List.of(), Grammar::pairs);
    }

    /** Fails on a parameter of the namespace that it does not declare ({@link Namespace#rejectUnknown}). */
    public void rejectUnknown() {
        namespace.rejectUnknown(config.keySet());
    }

    /** Fails if a parameter under the prefix is not one of {@code known} (a reader without declarations). */
    public void rejectUnknown(Set<String> known) {
        new Namespace(prefix, prefix, known.stream().sorted()
                .<Setting<?>>map(k -> Setting.string(k, null, "")).toList()).rejectUnknown(config.keySet());
    }

    /** A positive duration, a bare number in seconds ({@link Grammar#duration}). */
    public static Duration parseDuration(String text) {
        Duration d = Grammar.duration(text, ChronoUnit.SECONDS);
        if (d.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + text);
        }
        return d;
    }
}
