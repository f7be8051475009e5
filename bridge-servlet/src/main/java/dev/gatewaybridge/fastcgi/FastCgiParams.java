package dev.gatewaybridge.fastcgi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;

/**
 * The FCGI_PARAMS of a request, derived from the environ the way nginx's {@code fastcgi_params} plus
 * {@code fastcgi_split_path_info} and {@code SCRIPT_FILENAME $document_root$fastcgi_script_name} do.
 */
final class FastCgiParams {

    private final FastCgiSettings settings;

    FastCgiParams(FastCgiSettings settings) {
        this.settings = settings;
    }

    /** The script part and the path-info part of the path below the mount point. */
    record Split(String script, String pathInfo) {
    }

    /**
     * Splits {@code path} (PATH_INFO below the mount, decoded) into script and path info.
     *
     * @throws HttpStatusException 400 for a NUL, CR or LF in the path: CVE-2019-11043 is nginx's
     *         {@code fastcgi_split_path_info} failing on a %0a and handing php-fpm an empty PATH_INFO it then
     *         underflows on; here such a path never reaches the split; 404 for a ".." segment
     */
    Split split(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                throw new HttpStatusException(400, "path has a NUL, CR or LF byte: " + HeaderRules.quote(path));
            }
        }
        if (("/" + path + "/").contains("/../")) {
            // The container normalises paths; a ".." left here would climb out of the document root.
            throw new HttpStatusException(404, "path has a \"..\" segment: " + HeaderRules.quote(path));
        }
        String p = path.isEmpty() ? "/" : path;
        if (settings.splitPathInfo() == null) {
            return new Split("", p);
        }
        if (p.endsWith("/")) {
            p = p + settings.index(); // nginx fastcgi_index
        }
        Matcher m = settings.splitPathInfo().matcher(p);
        if (!m.matches()) {
            return new Split(p, "");
        }
        String script = m.group(1) == null ? "" : m.group(1);
        String info = m.group(2) == null ? "" : m.group(2);
        // Both parts must rebuild the path exactly, and path info is empty or starts with '/': no split can
        // make the "underflowed" PATH_INFO of CVE-2019-11043.
        if (script.isEmpty() || !(script + info).equals(p) || !info.isEmpty() && !info.startsWith("/")) {
            return new Split(p, "");
        }
        return new Split(script, info);
    }

    /** The params for {@code environ}, in nginx's fastcgi_params order, then HTTP_*, then the fixed ones. */
    Map<String, String> build(Map<String, Object> environ) {
        String mount = Environ.get(environ, Environ.SCRIPT_NAME, "");
        Split split = split(Environ.get(environ, Environ.PATH_INFO, ""));
        String scriptName = mount + split.script();
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "QUERY_STRING", Environ.get(environ, Environ.QUERY_STRING, ""));
        put(p, "REQUEST_METHOD", Environ.get(environ, Environ.REQUEST_METHOD, "GET"));
        put(p, "CONTENT_TYPE", Environ.get(environ, Environ.CONTENT_TYPE, ""));
        put(p, "CONTENT_LENGTH", Environ.get(environ, Environ.CONTENT_LENGTH, ""));
        put(p, "SCRIPT_NAME", scriptName);
        put(p, "REQUEST_URI", Environ.get(environ, Environ.REQUEST_URI, scriptName + split.pathInfo()));
        put(p, "DOCUMENT_URI", scriptName + split.pathInfo());
        if (settings.documentRoot() != null) {
            String filename = settings.documentRoot() + (split.script().isEmpty() ? split.pathInfo() : split.script());
            if (settings.tryFiles() && !Files.isRegularFile(Path.of(filename))) {
                throw new HttpStatusException(404, "no script " + HeaderRules.quote(filename));
            }
            put(p, "DOCUMENT_ROOT", settings.documentRoot());
            put(p, "SCRIPT_FILENAME", filename);
        }
        put(p, "PATH_INFO", split.pathInfo());
        put(p, "SERVER_PROTOCOL", Environ.get(environ, Environ.SERVER_PROTOCOL, "HTTP/1.1"));
        String scheme = Environ.get(environ, Environ.WSGI_URL_SCHEME, "http");
        put(p, "REQUEST_SCHEME", scheme);
        if ("https".equals(scheme)) {
            put(p, "HTTPS", "on");
        }
        put(p, "GATEWAY_INTERFACE", "CGI/1.1");
        put(p, "SERVER_SOFTWARE", Environ.get(environ, Environ.SERVER_SOFTWARE, "gateway-bridge"));
        put(p, "REMOTE_ADDR", Environ.get(environ, Environ.REMOTE_ADDR, ""));
        put(p, "REMOTE_PORT", Environ.get(environ, Environ.REMOTE_PORT, ""));
        putIfSet(p, "REMOTE_USER", environ.get(Environ.REMOTE_USER));
        putIfSet(p, "AUTH_TYPE", environ.get(Environ.AUTH_TYPE));
        put(p, "SERVER_NAME", Environ.get(environ, Environ.SERVER_NAME, ""));
        put(p, "SERVER_PORT", Environ.get(environ, Environ.SERVER_PORT, ""));
        // php-cgi/php-fpm with cgi.force_redirect expect it, as after Apache's or nginx's own dispatch.
        put(p, "REDIRECT_STATUS", "200");
        environ.forEach((key, value) -> {
            if (key.startsWith(Environ.HTTP_PREFIX) && value instanceof String s && allowedHeader(key)) {
                p.put(key, s);
            }
        });
        p.putAll(settings.params());
        return p;
    }

    /**
     * HTTP_PROXY never goes out: "httpoxy" (CVE-2016-5385), a {@code Proxy:} request header that CGI
     * programs read as their outgoing proxy. HTTP_CONTENT_TYPE/LENGTH would duplicate the real ones.
     */
    static boolean allowedHeader(String key) {
        return !key.equals("HTTP_PROXY") && !key.equals("HTTP_CONTENT_TYPE") && !key.equals("HTTP_CONTENT_LENGTH");
    }

    private static void put(Map<String, String> p, String name, String value) {
        p.put(name, value);
    }

    private static void putIfSet(Map<String, String> p, String name, Object value) {
        if (value != null) {
            p.put(name, value.toString());
        }
    }
}
