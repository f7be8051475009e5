package dev.gatewaybridge.files;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.config.ConfigReader;
import dev.gatewaybridge.paths.PathPatterns;

/**
 * Middleware: requests under {@value FilesConfig#MOUNT} (e.g. {@code /static}, at a segment boundary) are
 * served from {@value FilesConfig#ROOT} by a {@link FileApplication}, the rest go to {@code next} — Werkzeug's
 * SharedDataMiddleware, WhiteNoise, nginx's {@code location /static/ { alias ...; }} in front of an app. The
 * prefix moves from PATH_INFO to SCRIPT_NAME, as {@code UrlMap} does; a file missing under the prefix is 404,
 * never the application's, unless {@value FilesConfig#FALLTHROUGH} is on (then a request naming no file, and every
 * path matching {@value FilesConfig#PASS}, goes to {@code next}: nginx's {@code try_files $uri @app}).
 */
public final class StaticFiles implements GatewayApplication {

    private final GatewayApplication next;
    private final String prefix;
    private final FileApplication files;
    private final boolean fallthrough;
    private final PathPatterns pass;

    /**
     * From web.xml: {@code files.prefix} (default {@code /}), {@code files.fallthrough}, {@code files.pass}
     * and the {@code files.*} params of {@link FilesConfig}.
     */
    public StaticFiles(GatewayApplication next, Map<String, String> params) {
        this(next, new ConfigReader(params, FilesConfig.PARAMETERS), FilesConfig.fromParams(params));
    }

    private StaticFiles(GatewayApplication next, ConfigReader r, FilesConfig config) {
        this(next, r.get(FilesConfig.MOUNT_SETTING), config, r.get(FilesConfig.FALLTHROUGH_SETTING),
                r.get(FilesConfig.PASS_SETTING));
    }

    /** Serves {@code prefix} (starting with '/', no trailing '/') from {@code config}, the rest by {@code next}. */
    public StaticFiles(GatewayApplication next, String prefix, FilesConfig config) {
        this(next, prefix, config, false, List.of());
    }

    /**
     * As above; with {@code fallthrough}, a request under the prefix that names no file goes to {@code next}
     * too, and so does every path matching {@code pass} (see {@link PathPatterns}).
     */
    public StaticFiles(GatewayApplication next, String prefix, FilesConfig config, boolean fallthrough,
            List<String> pass) {
        this.next = Objects.requireNonNull(next, "next");
        this.prefix = prefix(prefix);
        this.files = new FileApplication(config);
        this.fallthrough = fallthrough;
        this.pass = PathPatterns.of(FilesConfig.PASS, pass);
    }

    private static String prefix(String value) {
        String p = value == null ? "" : value.trim();
        if (p.equals("/")) {
            return "";
        }
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
        String rest = path.substring(prefix.length());
        if (pass.match(rest) != null
                || (fallthrough && !files.answers(rest, (String) environ.get(Environ.REQUEST_URI)))) {
            return next.call(environ, startResponse);
        }
        environ.put(Environ.SCRIPT_NAME, Environ.get(environ, Environ.SCRIPT_NAME, "") + prefix);
        environ.put(Environ.PATH_INFO, rest);
        return files.call(environ, startResponse);
    }
}
