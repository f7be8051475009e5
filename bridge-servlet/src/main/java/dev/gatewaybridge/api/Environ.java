package dev.gatewaybridge.api;

import java.util.Map;

/**
 * Names of the environ keys (PEP 3333 and RFC 3875 §4.1) and typed access to them.
 *
 * <p>CGI meta-variables are {@link String}s; a variable that does not apply is absent, except those PEP 3333
 * requires even when empty ({@code SCRIPT_NAME}, {@code PATH_INFO}, {@code QUERY_STRING}). Request headers
 * appear as {@code HTTP_<NAME>} with {@code -} turned into {@code _}.
 */
public final class Environ {

    private Environ() {
    }

    // RFC 3875 §4.1 meta-variables.
    public static final String AUTH_TYPE = "AUTH_TYPE";
    public static final String CONTENT_LENGTH = "CONTENT_LENGTH";
    public static final String CONTENT_TYPE = "CONTENT_TYPE";
    public static final String GATEWAY_INTERFACE = "GATEWAY_INTERFACE";
    public static final String PATH_INFO = "PATH_INFO";
    public static final String PATH_TRANSLATED = "PATH_TRANSLATED";
    public static final String QUERY_STRING = "QUERY_STRING";
    public static final String REMOTE_ADDR = "REMOTE_ADDR";
    public static final String REMOTE_HOST = "REMOTE_HOST";
    public static final String REMOTE_PORT = "REMOTE_PORT";
    public static final String REMOTE_USER = "REMOTE_USER";
    public static final String REQUEST_METHOD = "REQUEST_METHOD";
    public static final String SCRIPT_NAME = "SCRIPT_NAME";
    public static final String SERVER_NAME = "SERVER_NAME";
    public static final String SERVER_PORT = "SERVER_PORT";
    public static final String SERVER_PROTOCOL = "SERVER_PROTOCOL";
    public static final String SERVER_SOFTWARE = "SERVER_SOFTWARE";
    // Common extensions (Apache, nginx).
    public static final String REQUEST_URI = "REQUEST_URI";
    public static final String HTTPS = "HTTPS";
    /** The address the request arrived on (Apache, nginx). */
    public static final String SERVER_ADDR = "SERVER_ADDR";
    /** Prefix of the variables carrying request headers (RFC 3875 §4.1.18). */
    public static final String HTTP_PREFIX = "HTTP_";

    // PEP 3333 wsgi.* keys.
    /** {@code List.of(1, 0)}: the interface version, PEP 3333's tuple {@code (1, 0)}. */
    public static final String WSGI_VERSION = "wsgi.version";
    /** {@code "http"} or {@code "https"}. */
    public static final String WSGI_URL_SCHEME = "wsgi.url_scheme";
    /** An {@link java.io.InputStream} of the request body; never reads past its end. */
    public static final String WSGI_INPUT = "wsgi.input";
    /** A {@link java.io.PrintWriter}; each line goes to the server's log. */
    public static final String WSGI_ERRORS = "wsgi.errors";
    /** {@link Boolean}: the application may be called from several threads at once. */
    public static final String WSGI_MULTITHREAD = "wsgi.multithread";
    /** {@link Boolean}: the application may be running in several processes at once. */
    public static final String WSGI_MULTIPROCESS = "wsgi.multiprocess";
    /** {@link Boolean}: the application is called once in the life of its process. */
    public static final String WSGI_RUN_ONCE = "wsgi.run_once";
    /** A {@link FileWrapper} for sending files efficiently (PEP 3333 "Optional Platform-Specific File Handling"). */
    public static final String WSGI_FILE_WRAPPER = "wsgi.file_wrapper";
    /** {@link Boolean} (mod_wsgi's extension): {@code wsgi.input} returns end-of-file at the body's end. */
    public static final String WSGI_INPUT_TERMINATED = "wsgi.input_terminated";

    /** The {@code jakarta.servlet.http.HttpServletRequest}, an escape hatch for applications in a servlet. */
    public static final String SERVLET_REQUEST = "gateway.servlet_request";

    /**
     * The servlet path when the servlet's mapping is an extension ({@code *.php}) or exact ({@code /doku.php})
     * one: the end of {@code SCRIPT_NAME} that names the requested file, below the context path, whereas
     * {@code PATH_INFO} is empty. Absent for prefix and default mappings, whose path below the mount point is
     * {@code PATH_INFO}. The FastCGI and SCGI bridges find the script under their root from it.
     */
    public static final String SCRIPT_PATH = "gateway.script_path";

    /** The CGI variable for request header {@code name}: {@code HTTP_} and the name upper-cased, '-' as '_'. */
    public static String httpKey(String name) {
        StringBuilder key = new StringBuilder(HTTP_PREFIX.length() + name.length()).append(HTTP_PREFIX);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            key.append(c == '-' ? '_' : Character.toUpperCase(c));
        }
        return key.toString();
    }

    /** The string value of {@code key}, or {@code fallback} if absent. */
    public static String get(Map<String, Object> environ, String key, String fallback) {
        Object value = environ.get(key);
        return value == null ? fallback : value.toString();
    }
}
