package dev.gatewaybridge.files;

import java.util.Map;
import java.util.Objects;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.StartResponse;

/**
 * Middleware: requests under {@value FilesConfig#MOUNT} (e.g. {@code /static}, at a segment boundary) are
 * served from {@value FilesConfig#ROOT} by a {@link FileApplication}, the rest go to {@code next} — Werkzeug's
 * SharedDataMiddleware, WhiteNoise, nginx's {@code location /static/ { alias ...; }} in front of an app. The
 * prefix moves from PATH_INFO to SCRIPT_NAME, as {@code UrlMap} does; a file missing under the prefix is 404,
 * never the application's.
 */
public final class StaticFiles implements GatewayApplication {

    private final GatewayApplication next;
    private final String prefix;
    private final FileApplication files;

    /** From web.xml: {@code files.prefix} and the {@code files.*} params of {@link FilesConfig}. */
    public StaticFiles(GatewayApplication next, Map<String, String> params) {
        this(next, prefix(params.get(FilesConfig.MOUNT)), FilesConfig.fromParams(params));
    }

    /** Serves {@code prefix} (starting with '/', no trailing '/') from {@code config}, the rest by {@code next}. */
    public StaticFiles(GatewayApplication next, String prefix, FilesConfig config) {
        this.next = Objects.requireNonNull(next, "next");
        this.prefix = prefix(prefix);
        this.files = new FileApplication(config);
    }

    private static String prefix(String value) {
        String p = value == null ? "" : value.trim();
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.startsWith("/") || p.contains("//")) {
            throw new IllegalArgumentException(FilesConfig.MOUNT + " must be a path such as /static, not \""
                    + (value == null ? "" : value) + "\"");
        }
        return p;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        String path = Environ.get(environ, Environ.PATH_INFO, "");
        if (!path.startsWith(prefix) || (path.length() > prefix.length() && path.charAt(prefix.length()) != '/')) {
            return next.call(environ, startResponse);
        }
        environ.put(Environ.SCRIPT_NAME, Environ.get(environ, Environ.SCRIPT_NAME, "") + prefix);
        environ.put(Environ.PATH_INFO, path.substring(prefix.length()));
        return files.call(environ, startResponse);
    }
}
