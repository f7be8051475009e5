package dev.gatewaybridge.upstream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.ControlBytes;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.bridge.RequestHeaders;
import dev.gatewaybridge.config.ConfigReader;

/**
 * Builds the variables a FastCGI or SCGI backend gets, from the environ: the set nginx's
 * {@code fastcgi_params} sends, plus {@code SCRIPT_FILENAME}/{@code PATH_INFO} from a script root and a
 * split pattern, plus configured fixed params. Immutable and thread-safe; build one at start-up.
 *
 * <p>Three ways to name the script: with no root and no pattern the backend is an application (uWSGI,
 * a WSGI server) and gets the environ's {@code SCRIPT_NAME}/{@code PATH_INFO} as they are; with a root the
 * whole path is the script (nginx without {@code fastcgi_split_path_info}); with a root and a pattern the
 * pattern's two groups split the path into script and {@code PATH_INFO}.
 */
public final class Params {

    // Parameter names under a bridge's prefix (e.g. scgi.root), shared by the FastCGI and SCGI bridges.
    /** Directory the scripts are in: {@code SCRIPT_FILENAME} = root + script path, {@code DOCUMENT_ROOT}. */
    public static final String ROOT = "root";
    /** Regex with two groups, script and path info, like nginx's {@code fastcgi_split_path_info}. */
    public static final String SCRIPT_PATTERN = "scriptPattern";
    /** File name appended to a script path ending in {@code /}, like {@code fastcgi_index}. */
    public static final String INDEX = "index";
    /** {@code true}: 404 unless the script is a regular file under the root (nginx {@code try_files $uri =404}). */
    public static final String TRY_FILES = "tryFiles";
    /** Fixed params, one {@code NAME=value} per line; they replace computed ones of the same name. */
    public static final String PARAMS = "params";
    /** The {@code SERVER_SOFTWARE} value. */
    public static final String SERVER_SOFTWARE = "serverSoftware";

    /** The default {@code SERVER_SOFTWARE} when neither configuration nor the environ gives one. */
    public static final String DEFAULT_SERVER_SOFTWARE = "GatewayBridge";

    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private final Path root;
    /** {@link #root} as text, made once. */
    private final String rootText;
    private final Pattern scriptPattern;
    private final String index;
    private final boolean tryFiles;
    private final List<Param> fixed;
    private final String serverSoftware;

    private Params(Builder b) {
        this.root = b.root;
        this.rootText = root == null ? null : root.toString();
        this.scriptPattern = b.scriptPattern;
        this.index = b.index;
        this.tryFiles = b.tryFiles;
        this.fixed = List.copyOf(b.fixed);
        this.serverSoftware = b.serverSoftware;
        if (tryFiles && root == null) {
            throw new IllegalArgumentException(TRY_FILES + " needs a " + ROOT);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The params configured under {@code reader}'s prefix ({@link #ROOT}, {@link #SCRIPT_PATTERN}...). */
    public static Params from(ConfigReader reader) {
        Builder b = builder();
        reader.parsed(ROOT, b, text -> b.root(UpstreamSettings.ROOT.parse(text)));
        reader.parsed(SCRIPT_PATTERN, b, b::scriptPattern);
        reader.parsed(INDEX, b, b::index);
        b.tryFiles(reader.get(UpstreamSettings.TRY_FILES));
        reader.parsed(SERVER_SOFTWARE, b, b::serverSoftware);
        reader.parsed(PARAMS, b, text -> {
            UpstreamSettings.PARAMS.parse(text).forEach(e -> b.param(e.getKey(), e.getValue()));
            return b;
        });
        if (b.tryFiles && b.root == null) {
            throw new IllegalArgumentException(reader.name(TRY_FILES) + " needs " + reader.name(ROOT));
        }
        return b.build();
    }

    /**
     * The params for one request, in nginx's {@code fastcgi_params} order, then {@code HTTP_*}, then fixed.
     *
     * @throws HttpStatusException 400 for a path with a control character or an unsafe split, 404 when
     *                             try-files finds no script
     */
    public List<Param> forRequest(Map<String, Object> environ) {
        String mount = Environ.get(environ, Environ.SCRIPT_NAME, "");
        String path = Environ.get(environ, Environ.PATH_INFO, "");
        String fullPath = mount.isEmpty() ? path : mount + path;
        rejectControls("path", fullPath);
        if (path.isEmpty() && (root != null || scriptPattern != null)
                && environ.get(Environ.SCRIPT_PATH) instanceof String servletPath && mount.endsWith(servletPath)) {
            // An extension (*.php) or exact (/doku.php) mapping: the file is named by SCRIPT_NAME's end.
            mount = mount.substring(0, mount.length() - servletPath.length());
            path = servletPath;
        }
        Split split = split(path);
        List<Param> out = new ArrayList<>(32 + fixed.size());
        String scheme = Environ.get(environ, Environ.WSGI_URL_SCHEME, "http");
        // Every name below is distinct, and no HTTP_* name is among them: only fixed params can repeat one.
        out.add(new Param("QUERY_STRING", Environ.get(environ, Environ.QUERY_STRING, "")));
        out.add(new Param("REQUEST_METHOD", Environ.get(environ, Environ.REQUEST_METHOD, "GET")));
        copy(environ, out, Environ.CONTENT_TYPE, Environ.CONTENT_LENGTH);
        out.add(new Param("SCRIPT_NAME", mount + split.script));
        out.add(new Param("REQUEST_URI", requestUri(environ, fullPath)));
        // After try_files the URI is the script's (nginx: try_files $fastcgi_script_name sets $uri to it).
        out.add(new Param("DOCUMENT_URI", tryFiles ? mount + split.script : fullPath));
        if (root != null) {
            out.add(new Param("DOCUMENT_ROOT", rootText));
        }
        out.add(new Param("SERVER_PROTOCOL", Environ.get(environ, Environ.SERVER_PROTOCOL, "HTTP/1.1")));
        out.add(new Param("REQUEST_SCHEME", scheme));
        if ("https".equals(scheme)) {
            out.add(new Param("HTTPS", "on")); // nginx: "$https if_not_empty"
        }
        out.add(new Param("GATEWAY_INTERFACE", "CGI/1.1"));
        out.add(new Param("SERVER_SOFTWARE", serverSoftware != null ? serverSoftware
                : Environ.get(environ, Environ.SERVER_SOFTWARE, DEFAULT_SERVER_SOFTWARE)));
        copy(environ, out, Environ.REMOTE_ADDR, Environ.REMOTE_PORT, Environ.REMOTE_HOST, Environ.REMOTE_USER,
                Environ.AUTH_TYPE, "SERVER_ADDR", Environ.SERVER_PORT, Environ.SERVER_NAME);
        // PHP built with --enable-force-cgi-redirect refuses to run without it (nginx sends it too).
        out.add(new Param("REDIRECT_STATUS", "200"));
        if (root != null) {
            out.add(new Param("SCRIPT_FILENAME", scriptFilename(split.script)));
        }
        out.add(new Param("PATH_INFO", split.pathInfo));
        headers(environ, out);
        for (Param p : fixed) {
            replaceOrAdd(out, p);
        }
        return out;
    }

    /** A fixed param takes the place of the computed one of its name, or comes last. */
    private static void replaceOrAdd(List<Param> out, Param param) {
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).name().equals(param.name())) {
                out.set(i, param);
                return;
            }
        }
        out.add(param);
    }

    /** The script part and the path info of {@code path}, checked to be a safe, exact split of it. */
    private record Split(String script, String pathInfo) {
    }

    private Split split(String path) {
        if (root == null && scriptPattern == null) {
            return new Split("", path); // an application: it routes on PATH_INFO itself
        }
        String script = path;
        String info = "";
        if (scriptPattern != null) {
            Matcher m = scriptPattern.matcher(path);
            if (m.matches()) {
                // The groups must cut the path in two, exactly: anything else would let the backend see a
                // script and path info that do not add up to the request (CVE-2019-11043 underflowed there).
                if (m.start(1) != 0 || m.end(1) != m.start(2) || m.end(2) != path.length()) {
                    throw unsafeSplit(path);
                }
                script = m.group(1);
                info = m.group(2);
            }
        }
        if (!script.startsWith("/") || !(info.isEmpty() || info.startsWith("/"))) {
            throw unsafeSplit(path);
        }
        if (script.endsWith("/") && index != null) {
            script += index;
        }
        return new Split(script, info);
    }

    /**
     * The root joined with {@code script} (which starts with "/"). With no "." or ".." segment the join
     * cannot leave the root, which is absolute and normalised: no Path arithmetic on every request.
     */
    private String scriptFilename(String script) {
        if (hasDotSegment(script)) {
            // A container normally normalises these away; if one gets here it must not leave the root.
            throw new HttpStatusException(400, "dot segment in script path: " + HeaderRules.quote(script));
        }
        String file = rootText.equals("/") ? script : rootText + script;
        if (tryFiles && !Files.isRegularFile(Path.of(file))) {
            throw new HttpStatusException(404, "no script " + file + " for " + HeaderRules.quote(script));
        }
        return file;
    }

    /** Whether a segment of the "/"-separated {@code path} is "." or "..". */
    static boolean hasDotSegment(String path) {
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            int n = end - start;
            if ((n == 1 || n == 2) && path.charAt(start) == '.' && (n == 1 || path.charAt(start + 1) == '.')) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private HttpStatusException unsafeSplit(String path) {
        return new HttpStatusException(400, "path cannot be split into script and path info safely by "
                + scriptPattern + ": " + HeaderRules.quote(path));
    }

    private static String requestUri(Map<String, Object> environ, String path) {
        String uri = Environ.get(environ, Environ.REQUEST_URI, null);
        if (uri != null) {
            return uri;
        }
        String query = Environ.get(environ, Environ.QUERY_STRING, "");
        return query.isEmpty() ? path : path + "?" + query;
    }

    /**
     * Not HTTP_TRANSFER_ENCODING (nginx does not send it): the container already removed the chunked framing
     * (RFC 9112 §7), and a backend seeing "chunked" next to a CONTENT_LENGTH ignores the body (Werkzeug does).
     * The CGI bridge passes it, as Apache's mod_cgi does.
     */
    private static final String HTTP_TRANSFER_ENCODING = "HTTP_TRANSFER_ENCODING";

    /** Request headers as {@code HTTP_*}, as {@link RequestHeaders#forwarded} allows; never one with CR, LF, NUL. */
    private static void headers(Map<String, Object> environ, List<Param> out) {
        environ.forEach((key, v) -> { // forEach: no entry object per environ entry, unlike entrySet()
            if (v instanceof String value && RequestHeaders.forwarded(key) && !key.equals(HTTP_TRANSFER_ENCODING)) {
                rejectControls(key, value);
                out.add(new Param(key, value));
            }
        });
    }

    private static void copy(Map<String, Object> environ, List<Param> out, String... keys) {
        for (String key : keys) {
            if (environ.get(key) instanceof String value) {
                rejectControls(key, value);
                out.add(new Param(key, value));
            }
        }
    }

    /** 400 for a control byte in {@code value}: the shared rule, {@link ControlBytes#reject}. */
    static void rejectControls(String what, String value) {
        ControlBytes.reject(what, value);
    }

    /** Builds a {@link Params}; every setter checks its value and fails naming it. */
    public static final class Builder {
        private Path root;
        private Pattern scriptPattern;
        private String index;
        private boolean tryFiles;
        private final List<Param> fixed = new ArrayList<>();
        private String serverSoftware;

        private Builder() {
        }

        /** The script root; must be absolute. Stored normalised, without a trailing slash. */
        public Builder root(Path root) {
            if (root != null && !root.isAbsolute()) {
                throw new IllegalArgumentException(ROOT + " must be an absolute path: " + root);
            }
            this.root = root == null ? null : root.normalize();
            return this;
        }

        /**
         * The split pattern; it must match the whole path and have two groups, e.g. nginx's
         * {@code ^(.+\.php)(/.*)$}. Compiled with DOTALL so that no character can make it stop short.
         */
        public Builder scriptPattern(String regex) {
            if (regex == null) {
                this.scriptPattern = null;
                return this;
            }
            Pattern p = Pattern.compile(regex, Pattern.DOTALL);
            if (p.matcher("").groupCount() < 2) {
                throw new IllegalArgumentException(SCRIPT_PATTERN + " needs two groups (script, path info): "
                        + regex);
            }
            this.scriptPattern = p;
            return this;
        }

        public Builder index(String index) {
            if (index != null && (index.isEmpty() || index.contains("/"))) {
                throw new IllegalArgumentException(INDEX + " must be a file name: " + index);
            }
            this.index = index;
            return this;
        }

        public Builder tryFiles(boolean tryFiles) {
            this.tryFiles = tryFiles;
            return this;
        }

        public Builder serverSoftware(String serverSoftware) {
            this.serverSoftware = serverSoftware;
            return this;
        }

        /** A fixed param; replaces a computed one of the same name. HTTP_PROXY is refused. */
        public Builder param(String name, String value) {
            if (!PARAM_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(PARAMS + ": bad param name " + HeaderRules.quote(name));
            }
            if (name.equals("HTTP_PROXY")) {
                throw new IllegalArgumentException(PARAMS + ": HTTP_PROXY is never sent (httpoxy)");
            }
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) < 0x20 || value.charAt(i) == 0x7f) {
                    throw new IllegalArgumentException(PARAMS + ": control character in " + name + ": "
                            + HeaderRules.quote(value));
                }
            }
            fixed.add(new Param(name, value));
            return this;
        }

        public Params build() {
            return new Params(this);
        }
    }
}
