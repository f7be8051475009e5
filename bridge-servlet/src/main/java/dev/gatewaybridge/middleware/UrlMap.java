package dev.gatewaybridge.middleware;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.server.Applications;

/**
 * Several applications in one servlet by path prefix — Werkzeug's DispatcherMiddleware, Paste's URLMap.
 * The longest mounted prefix that matches PATH_INFO at a segment boundary wins ({@code /app} matches
 * {@code /app} and {@code /app/x}, never {@code /application}); the matched part moves from PATH_INFO to the
 * end of SCRIPT_NAME, so the mounted application builds its URLs from SCRIPT_NAME as usual. A request no
 * mount matches goes to the fallback: a 404 by default, or the wrapped application.
 *
 * <pre>{@code
 * mount./app1 = com.example.App1          (no-arg or Map<String,String> constructor, given all params)
 * mount./api/v2 = com.example.Api
 * urlmap.fallback = next                   (404 | next | a class name)
 * }</pre>
 *
 * Mounted applications created here that are AutoCloseable are closed by {@link #close()}.
 */
public final class UrlMap implements GatewayApplication, AutoCloseable {

    /** Init-param prefix: {@code mount./prefix = class name}. */
    public static final String MOUNT_PREFIX = "mount.";
    /** Init-param: {@code 404} (default), {@code next} (the wrapped application) or a class name. */
    public static final String FALLBACK = "urlmap.fallback";

    private record Mount(String prefix, GatewayApplication app) {
    }

    private final List<Mount> mounts; // longest prefix first
    private final GatewayApplication fallback;
    private final List<AutoCloseable> owned = new ArrayList<>();

    /** From web.xml: the mounts and fallback named in {@code params}. */
    public UrlMap(GatewayApplication next, Map<String, String> params) {
        MiddlewareParams.known(params, "urlmap.", List.of(FALLBACK));
        Map<String, String> classes = MiddlewareParams.withPrefix(params, MOUNT_PREFIX);
        classes.keySet().forEach(prefix -> checkPrefix(MOUNT_PREFIX, prefix));
        Map<String, GatewayApplication> apps = new LinkedHashMap<>();
        try {
            classes.forEach((prefix, className) ->
                    apps.put(prefix, own(create(MOUNT_PREFIX + prefix, className, params))));
            String fallback = MiddlewareParams.get(params, FALLBACK, "404");
            this.fallback = switch (fallback) {
                case "404" -> NOT_FOUND;
                case "next" -> Objects.requireNonNull(next, "next");
                default -> own(create(FALLBACK, fallback, params));
            };
        } catch (RuntimeException e) {
            closeQuietly(e); // do not leak the applications already created
            throw e;
        }
        this.mounts = sorted(apps, MOUNT_PREFIX);
    }

    /** The application init-param {@code param} names, given a copy of all params. */
    private static GatewayApplication create(String param, String className, Map<String, String> params) {
        return Applications.create("init-param " + param + "=" + HeaderRules.quote(className), className,
                Map.copyOf(params));
    }

    private void closeQuietly(RuntimeException failure) {
        try {
            close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    private UrlMap(Map<String, GatewayApplication> apps, GatewayApplication fallback) {
        this.mounts = sorted(apps, "mount ");
        this.fallback = fallback == null ? NOT_FOUND : fallback;
    }

    /** Java configuration: {@code UrlMap.builder().mount("/a", a).mount("/b", b).fallback(app).build()}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        String path = Environ.get(environ, Environ.PATH_INFO, "");
        for (Mount mount : mounts) {
            if (path.equals(mount.prefix()) || path.startsWith(mount.prefix() + "/")) {
                environ.put(Environ.SCRIPT_NAME, Environ.get(environ, Environ.SCRIPT_NAME, "") + mount.prefix());
                environ.put(Environ.PATH_INFO, path.substring(mount.prefix().length()));
                return mount.app().call(environ, startResponse);
            }
        }
        return fallback.call(environ, startResponse);
    }

    /** Closes the applications this map created from class names. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (AutoCloseable app : owned) {
            try {
                app.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private GatewayApplication own(GatewayApplication app) {
        if (app instanceof AutoCloseable closeable) {
            owned.add(closeable);
        }
        return app;
    }

    /** Checks each prefix ("/x", no trailing '/'; "/" or "" is the root) and orders longest first. */
    private static List<Mount> sorted(Map<String, GatewayApplication> apps, String label) {
        List<Mount> list = new ArrayList<>();
        apps.forEach((prefix, app) -> list.add(new Mount(checkPrefix(label, prefix),
                Objects.requireNonNull(app, "application for " + prefix))));
        list.sort(Comparator.comparingInt((Mount m) -> m.prefix().length()).reversed());
        return List.copyOf(list);
    }

    /** The prefix without trailing '/'; fails unless it starts with '/' and has no empty segment or control byte. */
    private static String checkPrefix(String label, String prefix) {
        if (!prefix.startsWith("/") || prefix.contains("//") || prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw MiddlewareParams.bad(label + prefix, prefix, "a path prefix starting with '/'");
        }
        return prefix.replaceFirst("/+$", "");
    }

    private static final byte[] NOT_FOUND_BODY = "Not Found\n".getBytes(StandardCharsets.UTF_8);

    /** The default fallback: 404, plain text. */
    private static final GatewayApplication NOT_FOUND = (environ, start) -> {
        start.start("404 Not Found", List.of(Header.of("Content-Type", "text/plain; charset=utf-8"),
                Header.of("Content-Length", Integer.toString(NOT_FOUND_BODY.length))));
        return List.of(NOT_FOUND_BODY);
    };

    /** Builds a UrlMap in Java. */
    public static final class Builder {
        private final Map<String, GatewayApplication> apps = new LinkedHashMap<>();
        private GatewayApplication fallback;

        private Builder() {
        }

        /** Serves {@code app} under {@code prefix} (e.g. "/app"). */
        public Builder mount(String prefix, GatewayApplication app) {
            if (apps.put(prefix, app) != null) {
                throw new IllegalArgumentException("prefix mounted twice: " + HeaderRules.quote(prefix));
            }
            return this;
        }

        /** Serves {@code app} where no prefix matches, instead of a 404. */
        public Builder fallback(GatewayApplication app) {
            fallback = app;
            return this;
        }

        public UrlMap build() {
            return new UrlMap(apps, fallback);
        }
    }
}
