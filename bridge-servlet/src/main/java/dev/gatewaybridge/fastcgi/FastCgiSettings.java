package dev.gatewaybridge.fastcgi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The configuration of a {@link FastCgiApplication}, read once from {@code fastcgi.*} parameters (see the
 * constants on {@link FastCgiApplication}) and checked: a missing or bad value fails naming the parameter.
 */
record FastCgiSettings(List<String> backends, String balance, int maxConnections, boolean multiplex,
                       boolean keepConn, int connectTimeout, int readTimeout, int totalTimeout, int idleTimeout,
                       int maxFails, int failTimeout, String documentRoot, Pattern splitPathInfo, String index,
                       boolean tryFiles, Map<String, String> params) {

    /** The pool size when neither the configuration nor the backend (FCGI_MAX_CONNS) says. */
    static final int DEFAULT_MAX_CONNECTIONS = 8;

    FastCgiSettings {
        backends = List.copyOf(backends);
        params = Map.copyOf(params);
    }

    static FastCgiSettings from(Map<String, String> p) {
        String backends = p.get(FastCgiApplication.BACKENDS);
        if (backends == null || backends.isBlank()) {
            throw new IllegalArgumentException(FastCgiApplication.BACKENDS
                    + " is required: one or more host:port or unix:/path, comma or space separated");
        }
        List<String> list = new ArrayList<>();
        for (String b : backends.trim().split("[,\\s]+")) {
            Backend.parse(b, FastCgiApplication.BACKENDS); // fail now, naming the param
            list.add(b);
        }
        String balance = p.getOrDefault(FastCgiApplication.BALANCE, "round-robin").trim().toLowerCase(Locale.ROOT);
        if (!balance.equals("round-robin") && !balance.equals("least-busy")) {
            throw new IllegalArgumentException(FastCgiApplication.BALANCE + " must be round-robin or least-busy, not \""
                    + balance + "\"");
        }
        String root = p.get(FastCgiApplication.DOCUMENT_ROOT);
        if (root != null && !root.isBlank() && !root.startsWith("/")) {
            throw new IllegalArgumentException(FastCgiApplication.DOCUMENT_ROOT + " must be an absolute path, not \""
                    + root + "\"");
        }
        return new FastCgiSettings(list, balance,
                integer(p, FastCgiApplication.MAX_CONNECTIONS, 0, 0, 65535),
                bool(p, FastCgiApplication.MULTIPLEX, true),
                bool(p, FastCgiApplication.KEEP_CONN, true),
                integer(p, FastCgiApplication.CONNECT_TIMEOUT, 5_000, 1, Integer.MAX_VALUE),
                integer(p, FastCgiApplication.READ_TIMEOUT, 60_000, 1, Integer.MAX_VALUE),
                integer(p, FastCgiApplication.TOTAL_TIMEOUT, 0, 0, Integer.MAX_VALUE),
                integer(p, FastCgiApplication.IDLE_TIMEOUT, 60_000, 1, Integer.MAX_VALUE),
                integer(p, FastCgiApplication.MAX_FAILS, 1, 0, Integer.MAX_VALUE),
                integer(p, FastCgiApplication.FAIL_TIMEOUT, 10_000, 0, Integer.MAX_VALUE),
                root == null || root.isBlank() ? null : stripSlash(root.trim()),
                pattern(p, FastCgiApplication.SPLIT_PATH_INFO),
                p.getOrDefault(FastCgiApplication.INDEX, "index.php").trim(),
                bool(p, FastCgiApplication.TRY_FILES, false),
                fixedParams(p.get(FastCgiApplication.PARAMS)));
    }

    private static String stripSlash(String root) {
        return root.length() > 1 && root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    private static int integer(Map<String, String> p, String name, int fallback, int min, int max) {
        String v = p.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer from " + min + " to " + max + ", not \""
                    + v + "\"");
        }
    }

    private static boolean bool(Map<String, String> p, String name, boolean fallback) {
        String v = p.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not \"" + v + "\"");
        };
    }

    private static Pattern pattern(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            Pattern pattern = Pattern.compile(v.trim());
            if (pattern.matcher("").groupCount() != 2) {
                throw new IllegalArgumentException(name + " needs two groups (script, path info): \"" + v + "\"");
            }
            return pattern;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(name + " is not a regular expression: \"" + v + "\": "
                    + e.getDescription());
        }
    }

    /** {@code NAME=value} per line. */
    private static Map<String, String> fixedParams(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        if (text == null) {
            return params;
        }
        for (String line : text.split("\\R")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0 || !t.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException(FastCgiApplication.PARAMS + " line is not NAME=value: \"" + t + "\"");
            }
            params.put(t.substring(0, eq), t.substring(eq + 1));
        }
        return params;
    }
}
