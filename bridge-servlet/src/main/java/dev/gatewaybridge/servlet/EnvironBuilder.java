package dev.gatewaybridge.servlet;

import static dev.gatewaybridge.api.Environ.*;

import dev.gatewaybridge.api.FileBody;
import dev.gatewaybridge.api.HeaderRules;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;

import java.io.PrintWriter;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * Builds the environ of one request: RFC 3875 §4.1 meta-variables, one {@code HTTP_*} per request header,
 * and the PEP 3333 {@code wsgi.*} entries. The CGI, FastCGI and SCGI bridges derive what they send from
 * this map, never from the servlet request, so the rules here hold for every application.
 */
final class EnvironBuilder {

    private static final List<Integer> VERSION = List.of(1, 0);
    /** httpoxy (CVE-2016-5385): a client's "Proxy:" header would become HTTP_PROXY, which CGI libraries use. */
    static final String HTTP_PROXY = "HTTP_PROXY";

    /** Room for a request's own entries (request line, server, client, a browser's headers) before growing. */
    private static final int REQUEST_ENTRIES = 32;

    private final GatewayConfig config;
    private final LogWriter errorLog;
    /** The entries every request shares (wsgi.*, SERVER_SOFTWARE, GATEWAY_INTERFACE): each environ starts as a copy. */
    private final EnvironMap template;
    /** The last Host header parsed, with its SERVER_NAME and SERVER_PORT: clients repeat the same one. */
    private volatile HostParts lastHost = new HostParts("", false, "", "");

    private record HostParts(String host, boolean secure, String name, String port) {
    }

    EnvironBuilder(GatewayConfig config, ServletContext context, String servletName) {
        this.config = config;
        this.errorLog = new LogWriter("wsgi.errors [" + servletName + "] ");
        this.template = template(config, "GatewayBridge (" + context.getServerInfo() + ")",
                new PrintWriter(errorLog, true));
    }

    private static EnvironMap template(GatewayConfig config, String serverSoftware, PrintWriter errors) {
        EnvironMap env = new EnvironMap(16);
        env.put(SERVER_SOFTWARE, serverSoftware);
        env.put(GATEWAY_INTERFACE, "CGI/1.1");
        env.put(WSGI_VERSION, VERSION);
        env.put(WSGI_INPUT_TERMINATED, Boolean.TRUE);
        env.put(WSGI_ERRORS, errors);
        env.put(WSGI_MULTITHREAD, config.multithread());
        env.put(WSGI_MULTIPROCESS, config.multiprocess());
        env.put(WSGI_RUN_ONCE, config.runOnce());
        env.put(WSGI_FILE_WRAPPER, FileBody.WRAPPER);
        return new EnvironMap(env, REQUEST_ENTRIES); // sized as each request's copy will be: copies clone it
    }

    /** A fresh, mutable environ for {@code request}. */
    Map<String, Object> build(HttpServletRequest request) {
        Map<String, Object> env = new EnvironMap(template, REQUEST_ENTRIES);
        long length = request.getContentLengthLong();
        boolean secure = request.isSecure();
        putRequestLine(env, request, length);
        putHeaders(env, request);
        putServerAndClient(env, request, secure);
        env.put(WSGI_URL_SCHEME, request.getScheme());
        env.put(WSGI_INPUT, new ServletInput(request, length));
        env.put(SERVLET_REQUEST, request);
        if (!config.environ().isEmpty()) {
            env.putAll(config.environ()); // the configured entries override what the request says
        }
        return env;
    }

    /** Logs this thread's partial wsgi.errors line, if any (PEP 3333: flush makes written text visible). */
    void flushErrors() {
        errorLog.flush(); // the line buffer is this thread's own: no need for the PrintWriter's lock
    }

    /** The last SCRIPT_NAME made, with its parts: a prefix mapping gives the same one on every request. */
    private volatile String[] scriptName = {"", "", ""};

    private String scriptName(String context, String servletPath) {
        String[] last = scriptName;
        if (last[0].equals(context) && last[1].equals(servletPath)) {
            return last[2];
        }
        String joined = context + servletPath;
        scriptName = new String[] {context, servletPath, joined};
        return joined;
    }

    /** REQUEST_METHOD, SCRIPT_NAME, PATH_INFO, QUERY_STRING, REQUEST_URI, CONTENT_TYPE, CONTENT_LENGTH. */
    private void putRequestLine(Map<String, Object> env, HttpServletRequest request, long length) {
        env.put(REQUEST_METHOD, request.getMethod());
        String context = request.getContextPath();
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        HttpServletMapping mapping = request.getHttpServletMapping();
        var match = mapping == null ? null : mapping.getMappingMatch();
        if (match == null || match == jakarta.servlet.http.MappingMatch.DEFAULT
                || match == jakarta.servlet.http.MappingMatch.CONTEXT_ROOT) {
            // Mapped at "/" or "": the whole path below the context is the application's PATH_INFO.
            env.put(SCRIPT_NAME, context);
            env.put(PATH_INFO, servletPath + (pathInfo == null ? "" : pathInfo));
        } else {
            env.put(SCRIPT_NAME, scriptName(context, servletPath));
            env.put(PATH_INFO, pathInfo == null ? "" : pathInfo);
            if (match == jakarta.servlet.http.MappingMatch.EXTENSION || match == jakarta.servlet.http.MappingMatch.EXACT) {
                env.put(SCRIPT_PATH, servletPath); // the file is named by the servlet path, not PATH_INFO
            }
        }
        String query = request.getQueryString();
        env.put(QUERY_STRING, query == null ? "" : query);
        env.put(REQUEST_URI, query == null ? request.getRequestURI() : request.getRequestURI() + '?' + query);
        // RFC 3875 §4.1.2-3: set only when the request has them, and never duplicated as HTTP_CONTENT_*.
        String type = request.getContentType();
        if (type != null) {
            env.put(CONTENT_TYPE, type);
        }
        if (length >= 0) {
            env.put(CONTENT_LENGTH, Long.toString(length));
        }
    }

    /** SERVER_NAME, SERVER_PORT, SERVER_ADDR, SERVER_PROTOCOL, REMOTE_*, AUTH_TYPE, HTTPS. */
    private void putServerAndClient(Map<String, Object> env, HttpServletRequest request, boolean secure) {
        putServerNameAndPort(env, request, secure);
        env.put(SERVER_ADDR, request.getLocalAddr()); // Apache and nginx send it; PHP apps read it
        env.put(SERVER_PROTOCOL, request.getProtocol());
        env.put(REMOTE_ADDR, request.getRemoteAddr());
        env.put(REMOTE_PORT, Integer.toString(request.getRemotePort()));
        // Servlet 6 §13.3: both are null unless the container authenticated the request, which the principal
        // tells in one lookup on the common, anonymous path (each getter is an attribute lookup in Jetty).
        if (request.getUserPrincipal() != null) {
            String user = request.getRemoteUser();
            if (user != null) {
                env.put(REMOTE_USER, user);
            }
            String authType = request.getAuthType();
            if (authType != null) {
                env.put(AUTH_TYPE, authType);
            }
        }
        if (secure) {
            env.put(HTTPS, "on");
        }
    }

    /**
     * SERVER_NAME and SERVER_PORT from the Host header, the name the client used (RFC 3875 §4.1.14, as
     * Apache's UseCanonicalName Off; the container already refused a malformed one); the container's
     * values only when there is none (HTTP/1.0). Parsing it here spares the container's getters, which
     * parse it again on every call.
     */
    private void putServerNameAndPort(Map<String, Object> env, HttpServletRequest request, boolean secure) {
        HostParts parts = null;
        if (env.get("HTTP_HOST") instanceof String host && !host.isEmpty()) {
            parts = lastHost;
            if (!parts.host().equals(host) || parts.secure() != secure) {
                parts = parseHost(host, secure);
                if (parts != null) {
                    lastHost = parts;
                }
            }
        }
        if (parts == null) {
            env.put(SERVER_NAME, request.getServerName());
            env.put(SERVER_PORT, Integer.toString(request.getServerPort()));
        } else {
            env.put(SERVER_NAME, parts.name());
            env.put(SERVER_PORT, parts.port());
        }
    }

    /** Host's name and port ("[::1]:8080", "example.com"), the scheme's default port if none; null if odd. */
    private static HostParts parseHost(String host, boolean secure) {
        int colon = host.lastIndexOf(':');
        int bracket = host.lastIndexOf(']');
        if (colon > bracket && colon < host.length() - 1 && isDigits(host, colon + 1)) {
            String port = Integer.toString(Integer.parseInt(host, colon + 1, host.length(), 10));
            return new HostParts(host, secure, host.substring(0, colon), port);
        }
        if (colon < 0 || colon < bracket) {
            return new HostParts(host, secure, host, secure ? "443" : "80"); // RFC 9110 §4.2: the scheme's default
        }
        return null;
    }

    private static boolean isDigits(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return s.length() - from <= 5;
    }

    /** One HTTP_* per header name; repeated headers joined with ", " (RFC 9110 §5.3), Cookie with "; ". */
    private static void putHeaders(Map<String, Object> env, HttpServletRequest request) {
        Enumeration<String> names = request.getHeaderNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            if (name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length")
                    || HeaderRules.hasUnderscore(name)) {
                // "_" would let "X_Forwarded_For" pose as X-Forwarded-For once both map to HTTP_X_FORWARDED_FOR;
                // nginx (underscores_in_headers off) and Apache 2.4 drop such headers the same way.
                continue;
            }
            String key = httpKeyOf(name);
            if (key.equals(HTTP_PROXY) || env.containsKey(key)) {
                continue;
            }
            env.put(key, join(request.getHeaders(name), key.equals("HTTP_COOKIE") ? "; " : ", "));
        }
    }

    /** HTTP_* names of the header names seen, up to a bound a client cannot grow it past. */
    private static final Map<String, String> HTTP_KEYS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int HTTP_KEYS_MAX = 512;

    private static String httpKeyOf(String name) {
        String key = HTTP_KEYS.get(name);
        if (key == null) {
            key = httpKey(name);
            if (HTTP_KEYS.size() < HTTP_KEYS_MAX) {
                HTTP_KEYS.put(name, key);
            }
        }
        return key;
    }

    private static String join(Enumeration<String> values, String separator) {
        String first = values.nextElement();
        if (!values.hasMoreElements()) {
            return first;
        }
        StringBuilder joined = new StringBuilder(first);
        while (values.hasMoreElements()) {
            joined.append(separator).append(values.nextElement());
        }
        return joined.toString();
    }
}
