package dev.gatewaybridge.middleware;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.paths.PathPatterns;

/**
 * Refuses requests for paths an application documents as never to be served — its data, config and
 * library folders (DokuWiki's {@code data/}, {@code conf/}; a {@code .git} or {@code .env}) — in front of any
 * application or bridge: the portable form of nginx's {@code location ~ /data/ { deny all; }} and Apache's
 * {@code Require all denied}. The patterns ({@link PathPatterns}) match the path below the context root,
 * SCRIPT_NAME + PATH_INFO without the context path, so the same rules hold whatever the servlet mapping
 * (prefix, extension {@code *.php}, or {@code /}). A refused request gets {@value #STATUS} (404 by default)
 * and one line on {@code wsgi.errors} naming the path and the pattern; the application never sees it.
 */
public final class DenyPaths implements GatewayApplication {

    /** Init-param: the path patterns refused (required), separated by commas or white space. */
    public static final String PATHS = "deny.paths";
    /** Init-param: the status of a refusal, 404 (default) or 403. */
    public static final String STATUS = "deny.status";

    private final GatewayApplication next;
    private final PathPatterns patterns;
    private final int status;

    /** Refuses {@code patterns} with {@code status} (403 or 404) in front of {@code next}. */
    public DenyPaths(GatewayApplication next, List<String> patterns, int status) {
        this.next = Objects.requireNonNull(next, "next");
        this.patterns = PathPatterns.of(PATHS, patterns);
        if (this.patterns.isEmpty()) {
            throw new IllegalArgumentException("missing init-param " + PATHS);
        }
        if (status != 403 && status != 404) {
            throw new IllegalArgumentException("init-param " + STATUS + " must be 403 or 404, not \"" + status + "\"");
        }
        this.status = status;
    }

    /** From web.xml. */
    public DenyPaths(GatewayApplication next, Map<String, String> params) {
        this(next, check(params), MiddlewareParams.integer(params, STATUS, 404, 403, 404));
    }

    private static List<String> check(Map<String, String> params) {
        MiddlewareParams.known(params, "deny.", List.of(PATHS, STATUS));
        return MiddlewareParams.list(params, PATHS);
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        String path = appPath(environ);
        String pattern = patterns.match(path);
        if (pattern == null) {
            return next.call(environ, startResponse);
        }
        if (environ.get(Environ.WSGI_ERRORS) instanceof java.io.PrintWriter errors) {
            errors.println("deny: " + HeaderRules.quote(path) + " refused by " + PATHS + " pattern "
                    + HeaderRules.quote(pattern));
            errors.flush();
        }
        String reason = status == 403 ? "403 Forbidden" : "404 Not Found";
        byte[] body = (reason + "\n").getBytes(StandardCharsets.US_ASCII);
        startResponse.start(reason, List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))), null);
        return List.of(body);
    }

    /** SCRIPT_NAME + PATH_INFO without the servlet context path (taken from the servlet request, if any). */
    private static String appPath(Map<String, Object> environ) {
        String full = Environ.get(environ, Environ.SCRIPT_NAME, "") + Environ.get(environ, Environ.PATH_INFO, "");
        Object request = environ.get(Environ.SERVLET_REQUEST);
        String context = request == null ? "" : ContextPath.of(request);
        return !context.isEmpty() && full.startsWith(context) ? full.substring(context.length()) : full;
    }
}
