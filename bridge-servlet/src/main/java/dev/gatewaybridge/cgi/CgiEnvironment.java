package dev.gatewaybridge.cgi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.bridge.RequestHeaders;

/**
 * The environment of a CGI program: the RFC 3875 §4.1 meta-variables, HTTP_* of the allowed request
 * headers, the configured fixed and pass-through variables, and nothing else of the JVM's environment.
 */
final class CgiEnvironment {

    private static final System.Logger LOG = System.getLogger(CgiEnvironment.class.getName());

    /** Meta-variables copied from the environ as they are, when present and not empty. */
    private static final List<String> COPIED = List.of(Environ.AUTH_TYPE, Environ.CONTENT_LENGTH,
            Environ.CONTENT_TYPE, Environ.QUERY_STRING, Environ.REMOTE_ADDR, Environ.REMOTE_HOST,
            Environ.REMOTE_PORT, Environ.REMOTE_USER, Environ.REQUEST_METHOD, Environ.SERVER_ADDR, Environ.SERVER_NAME,
            Environ.SERVER_PORT, Environ.SERVER_PROTOCOL, Environ.REQUEST_URI, "REDIRECT_STATUS", "REDIRECT_URL",
            "REDIRECT_QUERY_STRING");

    /** Credentials only pass when enabled, as Apache's CGIPassAuth (RFC 3875 §4.1.18 "SHOULD NOT"). */
    static final String HTTP_AUTHORIZATION = "HTTP_AUTHORIZATION";

    private final CgiConfig config;
    private final Map<String, String> fixed;

    CgiEnvironment(CgiConfig config) {
        this.config = config;
        Map<String, String> base = new LinkedHashMap<>();
        base.put("PATH", CgiConfig.DEFAULT_PATH);
        Map<String, String> server = System.getenv();
        for (String name : config.passEnv()) {
            String v = server.get(name);
            if (v != null) {
                base.put(name, v);
            }
        }
        base.putAll(config.env());
        this.fixed = Map.copyOf(base);
    }

    /** The program's environment for {@code environ} and the resolved {@code script}. */
    Map<String, String> build(Map<String, Object> environ, ScriptResolver.Script script) {
        Map<String, String> env = new LinkedHashMap<>(fixed);
        headers(environ, env);
        for (String key : COPIED) {
            Object v = environ.get(key);
            if (v != null && !v.toString().isEmpty() || Environ.QUERY_STRING.equals(key)) {
                env.put(key, v == null ? "" : v.toString());
            }
        }
        // RFC 3875 §4.1.4, §4.1.17.
        env.put(Environ.GATEWAY_INTERFACE, "CGI/1.1");
        env.put(Environ.SERVER_SOFTWARE, config.serverSoftware());
        env.put(Environ.SCRIPT_NAME, script.scriptName());
        env.put("SCRIPT_FILENAME", script.file().toString());
        // RFC 3875 §4.1: a NULL (empty) value may be set or omitted; set, as PEP 3333 requires it of a server
        // and wsgiref.validate of a CGI environment.
        env.put(Environ.PATH_INFO, script.pathInfo());
        if (!script.pathInfo().isEmpty()) {
            if (config.documentRoot() != null) {
                // RFC 3875 §4.1.6: PATH_INFO mapped as a URI path onto the document tree.
                env.put(Environ.PATH_TRANSLATED, config.documentRoot() + script.pathInfo());
            }
        }
        if (config.documentRoot() != null) {
            env.put("DOCUMENT_ROOT", config.documentRoot().toString());
        }
        Object scheme = environ.get(Environ.WSGI_URL_SCHEME);
        if (scheme != null) {
            env.put("REQUEST_SCHEME", scheme.toString());
        }
        if ("https".equals(scheme) || "on".equalsIgnoreCase(String.valueOf(environ.get(Environ.HTTPS)))) {
            env.put(Environ.HTTPS, "on");
        }
        return checked(env);
    }

    /** HTTP_* entries of the environ that pass the rules and the allow-list. */
    private void headers(Map<String, Object> environ, Map<String, String> env) {
        boolean all = config.headers().contains("*");
        for (var e : environ.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(Environ.HTTP_PREFIX) || !(e.getValue() instanceof String value)) {
                continue;
            }
            if (!RequestHeaders.forwarded(key) || key.equals(HTTP_AUTHORIZATION) && !config.passAuthorization()) {
                continue;
            }
            if (!all && !config.headers().contains(key.substring(5).replace('_', '-'))) {
                continue;
            }
            env.put(key, value);
        }
    }

    /** Drops variables whose value cannot or must not be in an environment (NUL, CR, LF, controls). */
    private static Map<String, String> checked(Map<String, String> env) {
        env.entrySet().removeIf(e -> {
            String v = e.getValue();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    LOG.log(System.Logger.Level.WARNING, "CGI: dropped variable " + e.getKey()
                            + " with a control byte: " + HeaderRules.quote(v));
                    return true;
                }
            }
            return false;
        });
        return env;
    }
}
