package dev.gatewaybridge.middleware;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.FileWrapper;

/** The checks on the environ a server built (wsgiref.validate {@code check_environ}, PEP 3333 "environ Variables"). */
final class EnvironCheck {

    private EnvironCheck() {
    }

    // PEP 3333 "must be present" (plus SCRIPT_NAME/PATH_INFO/QUERY_STRING, which our API always sets) and
    // the wsgi.* keys every server provides.
    static final List<String> REQUIRED = List.of(Environ.REQUEST_METHOD, Environ.SCRIPT_NAME, Environ.PATH_INFO,
            Environ.QUERY_STRING, Environ.SERVER_NAME, Environ.SERVER_PORT, Environ.SERVER_PROTOCOL,
            Environ.WSGI_VERSION, Environ.WSGI_URL_SCHEME, Environ.WSGI_INPUT, Environ.WSGI_ERRORS,
            Environ.WSGI_MULTITHREAD, Environ.WSGI_MULTIPROCESS, Environ.WSGI_RUN_ONCE);

    // RFC 9110 §9.1: a method is a token.
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    /** Reports every way {@code environ} breaks PEP 3333. */
    static void check(Map<String, Object> environ, Violations v) {
        for (String key : REQUIRED) {
            if (!environ.containsKey(key)) {
                v.report("environ.missing-key", "environ lacks a required key", key);
            }
        }
        for (String key : List.of("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH")) {
            // wsgiref: the server must put these in CONTENT_TYPE / CONTENT_LENGTH, without HTTP_.
            if (environ.containsKey(key)) {
                v.report("environ.http-content", "use CONTENT_TYPE/CONTENT_LENGTH, not", key);
            }
        }
        environ.forEach((key, value) -> {
            // PEP 3333: "CGI" keys (no dot) hold native strings; dotted keys are extensions of any type.
            if (key.indexOf('.') < 0 && !(value instanceof String)) {
                v.report("environ.cgi-type", "CGI variable " + key + " must be a String, not",
                        value == null ? null : value.getClass().getName());
            }
        });
        checkWsgiKeys(environ, v);
        checkShapes(environ, v);
    }

    private static void checkWsgiKeys(Map<String, Object> environ, Violations v) {
        type(environ, Environ.WSGI_INPUT, InputStream.class, v);
        type(environ, Environ.WSGI_ERRORS, PrintWriter.class, v);
        type(environ, Environ.WSGI_MULTITHREAD, Boolean.class, v);
        type(environ, Environ.WSGI_MULTIPROCESS, Boolean.class, v);
        type(environ, Environ.WSGI_RUN_ONCE, Boolean.class, v);
        type(environ, Environ.WSGI_FILE_WRAPPER, FileWrapper.class, v);
        type(environ, Environ.WSGI_INPUT_TERMINATED, Boolean.class, v);
        Object version = environ.get(Environ.WSGI_VERSION);
        if (version != null && !List.of(1, 0).equals(version)) {
            v.report("environ.wsgi-version", "wsgi.version must be List.of(1, 0), not", version);
        }
        Object scheme = environ.get(Environ.WSGI_URL_SCHEME);
        if (scheme != null && !"http".equals(scheme) && !"https".equals(scheme)) {
            v.report("environ.url-scheme", "wsgi.url_scheme must be \"http\" or \"https\", not", scheme);
        }
    }

    private static void checkShapes(Map<String, Object> environ, Violations v) {
        if (environ.get(Environ.REQUEST_METHOD) instanceof String method && !TOKEN.matcher(method).matches()) {
            v.report("environ.method", "REQUEST_METHOD must be a token", method);
        }
        if (environ.get(Environ.SCRIPT_NAME) instanceof String script) {
            // wsgiref: SCRIPT_NAME is empty or starts with '/', and is never '/' itself (that goes to PATH_INFO).
            if (!script.isEmpty() && !script.startsWith("/") || script.equals("/")) {
                v.report("environ.script-name", "SCRIPT_NAME must be empty or start with '/' and not be '/'",
                        script);
            }
        }
        if (environ.get(Environ.PATH_INFO) instanceof String path && !path.isEmpty() && !path.startsWith("/")) {
            v.report("environ.path-info", "PATH_INFO must be empty or start with '/'", path);
        }
        for (String key : List.of(Environ.CONTENT_LENGTH, Environ.SERVER_PORT)) {
            if (environ.get(key) instanceof String digits && !DIGITS.matcher(digits).matches()) {
                v.report("environ.number", key + " must be decimal digits", digits);
            }
        }
    }

    private static void type(Map<String, Object> environ, String key, Class<?> type, Violations v) {
        Object value = environ.get(key);
        if (value != null && !type.isInstance(value)) {
            v.report("environ.wsgi-type", key + " must be a " + type.getName() + ", not", value.getClass().getName());
        } else if (value == null && environ.containsKey(key)) {
            v.report("environ.wsgi-type", key + " must be a " + type.getName() + ", not", null);
        }
    }
}
