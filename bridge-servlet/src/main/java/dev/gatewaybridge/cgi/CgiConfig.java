package dev.gatewaybridge.cgi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.gatewaybridge.bridge.BodyLimits;
import dev.gatewaybridge.bridge.BridgeSettings;
import dev.gatewaybridge.bridge.CgiResponseParser;
import dev.gatewaybridge.bridge.StderrLog;

/**
 * The configuration of a {@link CgiApplication}, read once and immutable: a plain record. Built from
 * init-params ({@link #fromParams}: the {@code cgi.*} parameters declared in {@link CgiSettings}, read by the
 * shared grammar, docs/parameters.md) or with {@link #builder()}. A wrong value fails construction with an
 * {@link IllegalArgumentException} naming the param; what the file system must hold (the root, the program,
 * the interpreters) is checked when the application starts ({@link CgiStartCheck}).
 *
 * @param program          one fixed program to run for every request, or null (then {@code root} is set)
 * @param root             the script root PATH_INFO is walked in, or null (then {@code program} is set)
 * @param interpreters     extension (".py") → interpreter argv prefix, run as {@code interpreter script}
 * @param extensions       allowed script extensions (".sh"); empty = any
 * @param methods          allowed request methods, upper case
 * @param timeout          per-request limit on the program's run time
 * @param maxProcesses     programs running at once before 503
 * @param retryAfter       seconds in the 503 answer's Retry-After
 * @param headers          request headers passed as HTTP_* ("*" = all but the never-passed ones, as Apache);
 *                         names upper case with '-'
 * @param passAuthorization whether HTTP_AUTHORIZATION reaches the program (Apache's CGIPassAuth)
 * @param env              fixed variables added to every program's environment
 * @param passEnv          names of variables copied from the server's own environment
 * @param queryArgs        whether RFC 3875 §4.4 query-to-argv is enabled
 * @param argPattern       what every argv value must match when {@code queryArgs} is on (CVE-2019-0232)
 * @param nph              whether "nph-" programs pass their output through
 * @param redirectLimit    local redirects followed for one request before 500
 * @param documentRoot     the root PATH_TRANSLATED and DOCUMENT_ROOT are derived from, or null
 * @param serverSoftware   SERVER_SOFTWARE
 * @param limits           header section limits of the program's response
 * @param spawner          how programs start: {@code auto}, {@code native} or {@code jdk} ({@link #SPAWNER})
 * @param index            the file run for a directory ({@link #INDEX}), or null
 * @param staticFiles      whether files of the root that are not programs are sent as static files ({@link #STATIC})
 * @param acceptPathInfo   whether a request may carry path info after the program ({@link #ACCEPT_PATH_INFO})
 * @param body             request buffering, the largest body and the body timeouts (the shared upstream ones)
 * @param stderrLimit      bytes of a program's stderr logged per request ({@link #STDERR_LIMIT})
 */
public record CgiConfig(Path program, Path root, Map<String, List<String>> interpreters, Set<String> extensions,
        Set<String> methods, Duration timeout, int maxProcesses, int retryAfter, Set<String> headers,
        boolean passAuthorization, Map<String, String> env, List<String> passEnv, boolean queryArgs,
        Pattern argPattern, boolean nph, int redirectLimit, Path documentRoot, String serverSoftware,
        CgiResponseParser.Limits limits, String spawner, String index, boolean staticFiles,
        boolean acceptPathInfo, BodyLimits body, long stderrLimit) {

    /** Prefix of every param of the CGI bridge. */
    public static final String PREFIX = "cgi.";
    /** Path of one program run for every request (exclusive with {@link #ROOT}). */
    public static final String PROGRAM = "cgi.program";
    /** Directory whose scripts are addressed by PATH_INFO (exclusive with {@link #PROGRAM}). */
    public static final String ROOT = "cgi.root";
    /** Comma-separated {@code .ext=interpreter [args]}, e.g. {@code .py=/usr/bin/python3, .php=/usr/bin/php-cgi}. */
    public static final String INTERPRETERS = "cgi.interpreters";
    /** Comma-separated allowed extensions, e.g. {@code .sh, .pl}; empty (default) = any. */
    public static final String EXTENSIONS = "cgi.extensions";
    /** Comma-separated allowed methods; default {@code GET, HEAD, POST}. */
    public static final String METHODS = "cgi.methods";
    /** How long a program may run: {@code 30s}, {@code 500ms}, {@code 2m}, or bare seconds ({@code 2.5}); default 30s. */
    public static final String TIMEOUT = "cgi.timeout";
    /** Programs running at once; default 64. */
    public static final String MAX_PROCESSES = "cgi.maxProcesses";
    /** Retry-After seconds of the 503 when {@link #MAX_PROCESSES} are busy; default 1. */
    public static final String RETRY_AFTER = "cgi.retryAfter";
    /** Comma-separated request headers passed as HTTP_*; default {@code *} (all but Proxy, Authorization). */
    public static final String HEADERS = "cgi.headers";
    /** {@code true} to pass HTTP_AUTHORIZATION (Apache's CGIPassAuth); default false. */
    public static final String PASS_AUTHORIZATION = "cgi.passAuthorization";
    /** Fixed variables, {@code NAME=value} entries: one per line, or separated by ';' ({@code Grammar#pairs}). */
    public static final String ENV = "cgi.env";
    /** Comma-separated names of server environment variables passed through, e.g. {@code LANG, TZ}. */
    public static final String PASS_ENV = "cgi.passEnv";
    /** {@code true} to turn an '='-less query into argv (RFC 3875 §4.4); default false. */
    public static final String QUERY_ARGS = "cgi.queryArgs";
    /** Regex every query argument must match; default {@link #DEFAULT_ARG_PATTERN}. */
    public static final String ARG_PATTERN = "cgi.argPattern";
    /** {@code false} to run "nph-" programs like any other; default true. */
    public static final String NPH = "cgi.nph";
    /** Local redirects followed per request; default 10 (Apache's LimitInternalRecursion). */
    public static final String REDIRECT_LIMIT = "cgi.redirectLimit";
    /** Directory for DOCUMENT_ROOT and PATH_TRANSLATED; default none (PATH_TRANSLATED unset). */
    public static final String DOCUMENT_ROOT = "cgi.documentRoot";
    /** SERVER_SOFTWARE; default {@code GatewayBridge}. */
    public static final String SERVER_SOFTWARE = "cgi.serverSoftware";
    /** Most header fields in a program's response; default 100. */
    public static final String MAX_HEADERS = "cgi.maxHeaders";
    /** Most bytes of a program's response header section; default 65536. */
    public static final String MAX_HEADER_BYTES = "cgi.maxHeaderBytes";
    /**
     * How programs are started: {@code native} through the bundled {@code gateway-spawn} daemon (a small C
     * program that forks for us, as Apache's mod_cgid; init fails if it cannot run here), {@code jdk} through
     * ProcessBuilder (the JVM forks), {@code auto} (default) native if this build has it for this machine,
     * else jdk, saying so in one log line.
     */
    public static final String SPAWNER = "cgi.spawner";
    /**
     * {@code true} to read every request body whole before the program starts (memory, then a temporary
     * file); default false: a body with a Content-Length streams to stdin. A body without one (chunked) is
     * always read whole, so that the program gets its CONTENT_LENGTH (RFC 3875 §4.1.2).
     */
    public static final String REQUEST_BUFFERING = PREFIX + BodyLimits.REQUEST_BUFFERING;
    /** Bytes of a buffered body kept in memory, the rest in a temporary file; default 64k. */
    public static final String BODY_BUFFER_SIZE = PREFIX + BodyLimits.BODY_BUFFER_SIZE;
    /** Largest request body, 413 past it; default 16m. */
    public static final String MAX_BODY_SIZE = PREFIX + BodyLimits.MAX_BODY_SIZE;
    /** Longest silence of a client sending its body (the program waits on stdin meanwhile), then 408; default 20s. */
    public static final String BODY_TIMEOUT = PREFIX + BodyLimits.BODY_TIMEOUT;
    /** Bytes per second a body must average after bodyTimeout, else 408; default 500, 0 for none. */
    public static final String BODY_MIN_RATE = PREFIX + BodyLimits.BODY_MIN_RATE;

    /**
     * Query arguments: letters, digits, '.', '_', '-', ',', '+' inside, and never a leading '-' so no value
     * can become an option of the program or its interpreter (php-cgi "?-s", CVE-2012-1823; Windows command
     * line injection, CVE-2019-0232).
     */
    /**
     * File name run for a request addressing a directory of the root, e.g. {@code index.cgi} (Apache's
     * DirectoryIndex); the directory without its trailing '/' gets a 301 to it. Default none (403).
     */
    public static final String INDEX = "cgi.index";
    /**
     * {@code true}: a file of the root that is not a program (not executable, or of an extension not in
     * {@link #EXTENSIONS}) is sent as a static file by {@code dev.gatewaybridge.files} instead of 403. Default false.
     */
    public static final String STATIC = "cgi.static";
    /**
     * {@code false}: a request with path after the program ({@code /cgi-bin/admin.sh/extra}) is 404 instead of
     * running it with that PATH_INFO (Apache's {@code AcceptPathInfo Off}). A servlet security constraint on
     * the exact path {@code /cgi-bin/admin.sh} does not cover {@code /cgi-bin/admin.sh/extra}. Default true.
     */
    public static final String ACCEPT_PATH_INFO = "cgi.acceptPathInfo";
    /**
     * Bytes of a program's stderr logged per request (Apache's ScriptLogLength); the rest is read and dropped,
     * and one line says how much. Default 10m; 0 logs none of it (only that line).
     */
    public static final String STDERR_LIMIT = PREFIX + StderrLog.STDERR_LIMIT;
    public static final String DEFAULT_ARG_PATTERN = "[A-Za-z0-9_.][A-Za-z0-9_.,+-]*";
    /** PATH when neither {@link #ENV} nor {@link #PASS_ENV} gives one (Apache's DEFAULT_PATH). */
    public static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public CgiConfig {
        if ((program == null) == (root == null)) {
            throw new IllegalArgumentException("set exactly one of " + PROGRAM + " and " + ROOT);
        }
        positive(MAX_PROCESSES, maxProcesses);
        positive(RETRY_AFTER, retryAfter);
        if (stderrLimit < 0) {
            throw new IllegalArgumentException(STDERR_LIMIT + " must not be negative: " + stderrLimit);
        }
        if (redirectLimit < 0) {
            throw new IllegalArgumentException(REDIRECT_LIMIT + " must be >= 0: " + redirectLimit);
        }
        if (!Set.of("auto", "native", "jdk").contains(spawner)) {
            throw new IllegalArgumentException(SPAWNER + " must be auto, native or jdk: " + spawner);
        }
        if (index != null && (index.isEmpty() || index.contains("/") || index.equals("..") || index.equals("."))) {
            throw new IllegalArgumentException(INDEX + " must be a file name: " + index);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(TIMEOUT + " must be positive: " + timeout);
        }
        env.keySet().forEach(name -> envName(ENV, name));
        passEnv.forEach(name -> envName(PASS_ENV, name));
        interpreters = Map.copyOf(interpreters);
        interpreters.forEach((ext, argv) -> {
            if (!ext.startsWith(".") || argv.isEmpty() || argv.get(0).isEmpty()) {
                throw new IllegalArgumentException(INTERPRETERS + " entry needs .ext=/path/to/executable: "
                        + ext + "=" + argv);
            }
        });
        extensions = Set.copyOf(extensions);
        methods = Set.copyOf(methods);
        headers = Set.copyOf(headers);
        env = Map.copyOf(env);
        passEnv = List.copyOf(passEnv);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1: " + value);
        }
    }

    private static void envName(String param, String name) {
        if (!ENV_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(param + " has an invalid variable name: " + name);
        }
    }

    /** A builder with every default set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads the {@code cgi.*} params ({@link CgiSettings}); unknown {@code cgi.*} names fail naming the closest. */
    public static CgiConfig fromParams(Map<String, String> params) {
        return CgiSettings.read(params);
    }

    /** A {@link CgiConfig} under construction; every field starts at its parameter's declared default ({@link CgiSettings}). */
    public static final class Builder {
        private Path program;
        private Path root;
        private final Map<String, List<String>> interpreters = new LinkedHashMap<>();
        private final Set<String> extensions = new TreeSet<>();
        private Set<String> methods = Set.copyOf(CgiSettings.METHODS.defaultValue());
        private Duration timeout = CgiSettings.TIMEOUT.defaultValue();
        private int maxProcesses = CgiSettings.MAX_PROCESSES.defaultValue();
        private int retryAfter = CgiSettings.RETRY_AFTER.defaultValue();
        private Set<String> headers = Set.copyOf(CgiSettings.HEADERS.defaultValue());
        private boolean passAuthorization;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> passEnv = new ArrayList<>();
        private boolean queryArgs;
        private Pattern argPattern = CgiSettings.ARG_PATTERN.defaultValue();
        private boolean nph = CgiSettings.NPH.defaultValue();
        private int redirectLimit = CgiSettings.REDIRECT_LIMIT.defaultValue();
        private Path documentRoot;
        private String serverSoftware = CgiSettings.SERVER_SOFTWARE.defaultValue();
        private int maxHeaders = CgiSettings.MAX_HEADERS.defaultValue();
        private int maxHeaderBytes = CgiSettings.MAX_HEADER_BYTES.defaultValue();
        private String spawner = CgiSettings.SPAWNER.defaultValue();
        private String index;
        private boolean staticFiles;
        private boolean acceptPathInfo = CgiSettings.ACCEPT_PATH_INFO.defaultValue();
        private boolean requestBuffering = CgiSettings.REQUEST_BUFFERING.defaultValue();
        private long bodyBufferSize = BridgeSettings.BODY_BUFFER_SIZE.defaultValue();
        private long maxBodySize = BridgeSettings.MAX_BODY_SIZE.defaultValue();
        private Duration bodyTimeout = BridgeSettings.BODY_TIMEOUT.defaultValue();
        private long bodyMinRate = BridgeSettings.BODY_MIN_RATE.defaultValue();
        private long stderrLimit = BridgeSettings.STDERR_LIMIT.defaultValue();

        private Builder() {
        }

        public Builder program(Path p) {
            program = p.toAbsolutePath().normalize();
            return this;
        }

        public Builder root(Path p) {
            root = p.toAbsolutePath().normalize();
            return this;
        }

        public Builder interpreter(String extension, String... argv) {
            interpreters.put(extension.toLowerCase(Locale.ROOT), List.of(argv));
            return this;
        }

        public Builder extension(String extension) {
            extensions.add(extension.toLowerCase(Locale.ROOT));
            return this;
        }

        public Builder methods(String... m) {
            Set<String> s = new TreeSet<>();
            for (String x : m) {
                s.add(x.toUpperCase(Locale.ROOT));
            }
            methods = s;
            return this;
        }

        public Builder timeout(Duration d) {
            timeout = d;
            return this;
        }

        public Builder maxProcesses(int n) {
            maxProcesses = n;
            return this;
        }

        public Builder retryAfter(int seconds) {
            retryAfter = seconds;
            return this;
        }

        public Builder headers(String... names) {
            Set<String> s = new TreeSet<>();
            for (String x : names) {
                s.add(x.toUpperCase(Locale.ROOT).replace('_', '-'));
            }
            headers = s;
            return this;
        }

        public Builder passAuthorization(boolean on) {
            passAuthorization = on;
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder passEnv(String... names) {
            passEnv.addAll(List.of(names));
            return this;
        }

        public Builder queryArgs(boolean on) {
            queryArgs = on;
            return this;
        }

        public Builder argPattern(Pattern p) {
            argPattern = p;
            return this;
        }

        public Builder nph(boolean on) {
            nph = on;
            return this;
        }

        public Builder redirectLimit(int n) {
            redirectLimit = n;
            return this;
        }

        public Builder documentRoot(Path p) {
            documentRoot = p.toAbsolutePath().normalize();
            return this;
        }

        public Builder serverSoftware(String s) {
            serverSoftware = s;
            return this;
        }

        /** {@code auto}, {@code native} or {@code jdk}: see {@link CgiConfig#SPAWNER}. */
        public Builder spawner(String mode) {
            spawner = mode.toLowerCase(Locale.ROOT);
            return this;
        }

        /** {@link CgiConfig#INDEX}: the file run for a directory, or null. */
        public Builder index(String fileName) {
            index = fileName;
            return this;
        }

        /** {@link CgiConfig#STATIC}: files that are not programs are sent as they are instead of 403. */
        public Builder staticFiles(boolean on) {
            staticFiles = on;
            return this;
        }

        /** {@link CgiConfig#ACCEPT_PATH_INFO}: false refuses path info after a program with 404. */
        public Builder acceptPathInfo(boolean on) {
            acceptPathInfo = on;
            return this;
        }

        /** {@link CgiConfig#REQUEST_BUFFERING}: every body read whole before the program starts. */
        public Builder requestBuffering(boolean on) {
            requestBuffering = on;
            return this;
        }

        /** {@link CgiConfig#MAX_BODY_SIZE} and {@link CgiConfig#BODY_BUFFER_SIZE}. */
        public Builder bodySizes(long maxBytes, long inMemory) {
            maxBodySize = maxBytes;
            bodyBufferSize = inMemory;
            return this;
        }

        /** {@link CgiConfig#BODY_TIMEOUT} and {@link CgiConfig#BODY_MIN_RATE} (0: none). */
        public Builder bodyTimeout(Duration timeout, long minRate) {
            bodyTimeout = timeout;
            bodyMinRate = minRate;
            return this;
        }

        /** {@link CgiConfig#STDERR_LIMIT}: bytes of a program's stderr logged per request. */
        public Builder stderrLimit(long bytes) {
            stderrLimit = bytes;
            return this;
        }

        public Builder headerLimits(int maxFields, int maxBytes) {
            maxHeaders = maxFields;
            maxHeaderBytes = maxBytes;
            return this;
        }

        public CgiConfig build() {
            CgiResponseParser.Limits limits;
            try {
                limits = new CgiResponseParser.Limits(maxHeaders, maxHeaderBytes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(MAX_HEADERS + "/" + MAX_HEADER_BYTES + ": " + e.getMessage());
            }
            return new CgiConfig(program, root, interpreters, extensions, methods, timeout, maxProcesses,
                    retryAfter, headers, passAuthorization, env, passEnv, queryArgs, argPattern, nph,
                    redirectLimit, documentRoot, serverSoftware, limits, spawner, index, staticFiles,
                    acceptPathInfo, new BodyLimits(PREFIX, requestBuffering, (int) Math.min(Integer.MAX_VALUE - 8, bodyBufferSize),
                            maxBodySize, bodyTimeout, bodyMinRate), stderrLimit);
        }

        /** Builds a {@link CgiApplication} of this configuration. */
        public CgiApplication application() {
            return new CgiApplication(build());
        }
    }
}
