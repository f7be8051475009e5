package dev.gatewaybridge.middleware;

import dev.gatewaybridge.api.ClosestName;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading middleware init-params: every failure is an {@link IllegalArgumentException} naming the param and
 * its value, so a broken web.xml stops the deployment with one clear line.
 */
final class MiddlewareParams {

    private MiddlewareParams() {
    }

    /** The value of {@code name}, trimmed, or {@code fallback} if absent or blank. */
    static String get(Map<String, String> params, String name, String fallback) {
        String value = params.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The value of {@code name}; fails if it is absent or blank. */
    static String require(Map<String, String> params, String name) {
        String value = get(params, name, null);
        if (value == null) {
            throw new IllegalArgumentException("missing init-param " + name);
        }
        return value;
    }

    /** The items of a comma- or whitespace-separated list (empty if absent). */
    static List<String> list(Map<String, String> params, String name) {
        String value = get(params, name, "");
        return value.isEmpty() ? List.of() : Arrays.asList(value.split("[,\\s]+"));
    }

    /** {@code name} as an int within [min, max]. */
    static int integer(Map<String, String> params, String name, int fallback, int min, int max) {
        String value = get(params, name, null);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw bad(name, value, "an integer from " + min + " to " + max);
    }

    /** The params starting with {@code prefix}, keyed by the rest of their name, in a stable order. */
    static Map<String, String> withPrefix(Map<String, String> params, String prefix) {
        Map<String, String> found = new LinkedHashMap<>();
        params.keySet().stream().filter(k -> k.startsWith(prefix)).sorted()
                .forEach(k -> found.put(k.substring(prefix.length()), params.get(k).trim()));
        return found;
    }

    /**
     * Fails on a param under {@code prefix} that is none of {@code known} nor under one of {@code open}
     * prefixes: a misspelt name would otherwise be ignored silently.
     */
    static void known(Map<String, String> params, String prefix, List<String> known, String... open) {
        for (String name : params.keySet()) {
            if (name.startsWith(prefix) && !known.contains(name)
                    && Arrays.stream(open).noneMatch(name::startsWith)) {
                throw new IllegalArgumentException("unknown init-param " + name + " (known: "
                        + String.join(", ", known) + (open.length > 0 ? ", " + String.join("*, ", open) + "*" : "")
                        + ")" + ClosestName.hint(name, known));
            }
        }
    }

    /** The failure for a param whose value is not what it must be. */
    static IllegalArgumentException bad(String name, String value, String expected) {
        return new IllegalArgumentException("init-param " + name + " must be " + expected + ", not "
                + dev.gatewaybridge.api.HeaderRules.quote(value));
    }

    /**
     * The bytes of a file named by param {@code name}: a filesystem path, or {@code classpath:name} for a
     * resource of the web application (WEB-INF/classes or a jar in WEB-INF/lib).
     */
    static byte[] read(String name, String location) {
        try {
            if (location.startsWith("classpath:")) {
                String resource = location.substring("classpath:".length()).replaceFirst("^/+", "");
                try (InputStream in = resource(resource)) {
                    if (in == null) {
                        throw bad(name, location, "an existing file or classpath resource");
                    }
                    return in.readAllBytes();
                }
            }
            return Files.readAllBytes(Path.of(location));
        } catch (IOException e) {
            throw new IllegalArgumentException("init-param " + name + ": cannot read "
                    + dev.gatewaybridge.api.HeaderRules.quote(location) + ": " + e, e);
        }
    }

    private static InputStream resource(String resource) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        InputStream in = context == null ? null : context.getResourceAsStream(resource);
        return in != null ? in : MiddlewareParams.class.getClassLoader().getResourceAsStream(resource);
    }
}
