package dev.gatewaybridge.servlet;

import static dev.gatewaybridge.servlet.GatewayServlet.APPLICATION;
import static dev.gatewaybridge.servlet.GatewayServlet.ENVIRON;
import static dev.gatewaybridge.servlet.GatewayServlet.ERROR_DETAIL;
import static dev.gatewaybridge.servlet.GatewayServlet.MIDDLEWARE;
import static dev.gatewaybridge.servlet.GatewayServlet.MULTIPROCESS;
import static dev.gatewaybridge.servlet.GatewayServlet.MULTITHREAD;
import static dev.gatewaybridge.servlet.GatewayServlet.RUN_ONCE;

import dev.gatewaybridge.api.ClosestName;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The servlet's configuration, read once at {@code init()} from the merged init-params. Every bad value
 * fails with an {@link IllegalArgumentException} naming the param and the value.
 *
 * @param application  the application class name; {@code null} when the servlet was given an instance
 * @param middleware   middleware class names, outermost first
 * @param environ      fixed entries added to every environ
 * @param params       all init-params, handed to application and middleware constructors
 */
record GatewayConfig(String application, List<String> middleware, boolean multithread, boolean multiprocess,
                     boolean runOnce, Map<String, String> environ, boolean errorDetail, Map<String, String> params) {

    /** Reads the configuration; {@code applicationRequired} is false when an instance was given in code. */
    static GatewayConfig from(Map<String, String> params, boolean applicationRequired) {
        String application = trimToNull(params.get(APPLICATION));
        if (application == null && applicationRequired) {
            throw new IllegalArgumentException("init-param '" + APPLICATION
                    + "' is missing: name the application class, e.g. com.example.HelloApp");
        }
        return new GatewayConfig(application, classList(params.get(MIDDLEWARE)),
                bool(params, MULTITHREAD, true), bool(params, MULTIPROCESS, false), bool(params, RUN_ONCE, false),
                environ(params.get(ENVIRON)), bool(params, ERROR_DETAIL, false), Map.copyOf(params));
    }

    /** The servlet's own params: the only names without a dot (dotted ones belong to bridges and middleware). */
    static final List<String> TOP_LEVEL = List.of(APPLICATION, MIDDLEWARE, MULTITHREAD, MULTIPROCESS, RUN_ONCE,
            ENVIRON, ERROR_DETAIL);

    /**
     * Fails on a servlet init-param without a dot that is not one of {@link #TOP_LEVEL}: a misspelt
     * {@code middlware} would otherwise be ignored. Context-params are not checked (the whole webapp shares them).
     */
    static void rejectUnknownTopLevel(Iterable<String> servletParamNames) {
        for (String name : servletParamNames) {
            if (name.indexOf('.') < 0 && !TOP_LEVEL.contains(name)) {
                throw new IllegalArgumentException("unknown init-param '" + name + "'"
                        + ClosestName.hint(name, TOP_LEVEL) + " (known: " + String.join(", ", TOP_LEVEL)
                        + "; names with a dot belong to bridges and middleware)");
            }
        }
    }

    private static List<String> classList(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.trim().split("[,\\s]+")).toList();
    }

    private static boolean bool(Map<String, String> params, String name, boolean fallback) {
        String value = trimToNull(params.get(name));
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(
                    "init-param '" + name + "' must be true or false, not \"" + value + "\"");
        };
    }

    /** Parses one {@code NAME=value} per line; blank lines and lines starting with '#' are skipped. */
    private static Map<String, String> environ(String value) {
        Map<String, String> entries = new LinkedHashMap<>();
        if (value == null) {
            return entries;
        }
        for (String raw : value.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "init-param '" + ENVIRON + "' needs NAME=value lines, not \"" + line + "\"");
            }
            entries.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return Map.copyOf(entries);
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
