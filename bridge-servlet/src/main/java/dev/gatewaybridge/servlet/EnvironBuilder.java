package dev.gatewaybridge.servlet;

import static dev.gatewaybridge.api.Environ.*;

import dev.gatewaybridge.api.FileBody;
import dev.gatewaybridge.api.HeaderRules;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;

import java.io.PrintWriter;
import java.util.Enumeration;
import java.util.HashMap;
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

    private final GatewayConfig config;
    private final String serverSoftware;
    private final PrintWriter errors;
    /** The last SERVER_PORT seen, with its string: a servlet hears on one or two ports all its life. */
    private volatile PortString serverPort = new PortString(-1, "");

    private record PortString(int port, String text) {
    }

    EnvironBuilder(GatewayConfig config, ServletContext context, String servletName) {
        this.config = config;
        this.serverSoftware = "GatewayBridge (" + context.getServerInfo() + ")";
        this.errors = new PrintWriter(new LogWriter(context, "wsgi.errors [" + servletName + "] "), true);
    }

    /** A fresh, mutable environ for {@code request}. */
    Map<String, Object> build(HttpServletRequest request) {
        Map<String, Object> env = new HashMap<>(64);
        putRequestLine(env, request);
        putHeaders(env, request);
        putServerAndClient(env, request);
        putWsgi(env, request);
        env.put(SERVLET_REQUEST, request);
        env.putAll(config.environ());
        return env;
    }

    /** REQUEST_METHOD, SCRIPT_NAME, PATH_INFO, QUERY_STRING, REQUEST_URI, CONTENT_TYPE, CONTENT_LENGTH. */
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

    private void putRequestLine(Map<String, Object> env, HttpServletRequest request) {
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
        }
        String query = request.getQueryString();
        env.put(QUERY_STRING, query == null ? "" : query);
        env.put(REQUEST_URI, query == null ? request.getRequestURI() : request.getRequestURI() + '?' + query);
        // RFC 3875 §4.1.2-3: set only when the request has them, and never duplicated as HTTP_CONTENT_*.
        if (request.getContentType() != null) {
            env.put(CONTENT_TYPE, request.getContentType());
        }
        long length = request.getContentLengthLong();
        if (length >= 0) {
            env.put(CONTENT_LENGTH, Long.toString(length));
        }
    }

    /** SERVER_*, GATEWAY_INTERFACE, REMOTE_*, AUTH_TYPE, HTTPS. */
    private void putServerAndClient(Map<String, Object> env, HttpServletRequest request) {
        putServerNameAndPort(env, request);
        env.put(SERVER_ADDR, request.getLocalAddr()); // Apache and nginx send it; PHP apps read it
        env.put(SERVER_PROTOCOL, request.getProtocol());
        env.put(SERVER_SOFTWARE, serverSoftware);
        env.put(GATEWAY_INTERFACE, "CGI/1.1");
        env.put(REMOTE_ADDR, request.getRemoteAddr());
        env.put(REMOTE_PORT, Integer.toString(request.getRemotePort()));
        if (request.getRemoteUser() != null) {
            env.put(REMOTE_USER, request.getRemoteUser());
        }
        if (request.getAuthType() != null) {
            env.put(AUTH_TYPE, request.getAuthType());
        }
        if (request.isSecure()) {
            env.put(HTTPS, "on");
        }
    }

    /**
     * SERVER_NAME and SERVER_PORT from the Host header, the name the client used (RFC 3875 §4.1.14, as
     * Apache's UseCanonicalName Off; the container already refused a malformed one); the container's
     * values only when there is none (HTTP/1.0). Parsing it here spares the container's getters, which
     * parse it again on every call.
     */
    private void putServerNameAndPort(Map<String, Object> env, HttpServletRequest request) {
        Object host = env.get("HTTP_HOST");
        if (host instanceof String h && !h.isEmpty()) {
            int colon = h.lastIndexOf(':');
            if (colon > h.lastIndexOf(']') && colon < h.length() - 1 && isDigits(h, colon + 1)) {
                env.put(SERVER_NAME, h.substring(0, colon));
                env.put(SERVER_PORT, serverPort(h, colon + 1));
                return;
            }
            if (colon < 0 || colon < h.lastIndexOf(']')) {
                env.put(SERVER_NAME, h);
                env.put(SERVER_PORT, request.isSecure() ? "443" : "80"); // RFC 9110 §4.2: the scheme's default
                return;
            }
        }
        env.put(SERVER_NAME, request.getServerName());
        env.put(SERVER_PORT, serverPort(request.getServerPort()));
    }

    private static boolean isDigits(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return s.length() - from <= 5;
    }

    private String serverPort(String host, int from) {
        PortString last = serverPort;
        if (last.text().length() == host.length() - from && host.startsWith(last.text(), from)) {
            return last.text();
        }
        return serverPort(Integer.parseInt(host, from, host.length(), 10));
    }

    private String serverPort(int port) {
        PortString last = serverPort;
        if (last.port() != port) {
            last = new PortString(port, Integer.toString(port));
            serverPort = last;
        }
        return last.text();
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

    /** The PEP 3333 wsgi.* entries. */
    private void putWsgi(Map<String, Object> env, HttpServletRequest request) {
        env.put(WSGI_VERSION, VERSION);
        env.put(WSGI_URL_SCHEME, request.getScheme());
        env.put(WSGI_INPUT, new ServletInput(request, request.getContentLengthLong()));
        env.put(WSGI_INPUT_TERMINATED, Boolean.TRUE);
        env.put(WSGI_ERRORS, errors);
        env.put(WSGI_MULTITHREAD, config.multithread());
        env.put(WSGI_MULTIPROCESS, config.multiprocess());
        env.put(WSGI_RUN_ONCE, config.runOnce());
        env.put(WSGI_FILE_WRAPPER, FileBody.WRAPPER);
    }
}
