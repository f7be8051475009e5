package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiConfig.PREFIX;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.gatewaybridge.bridge.BridgeSettings;
import dev.gatewaybridge.bridge.CgiResponseParser;
import dev.gatewaybridge.config.ConfigReader;
import dev.gatewaybridge.config.Grammar;
import dev.gatewaybridge.config.Namespace;
import dev.gatewaybridge.config.Setting;

/**
 * The {@code cgi.*} parameters, declared once (name, type, default, one-line doc; docs/parameters.md is
 * generated from them), and the reading of them into a {@link CgiConfig} by the shared grammar. The body and
 * stderr parameters are the shared ones ({@link BridgeSettings}), with CGI's own default for buffering.
 */
public final class CgiSettings {

    private CgiSettings() {
    }

    public static final Setting<Path> PROGRAM = Setting.of(name(CgiConfig.PROGRAM), "path", Path::of, null, "none",
            "one program run for every request; SCRIPT_NAME is the mapping, PATH_INFO the rest. Exactly one of "
            + "`cgi.program` and `cgi.root`");
    public static final Setting<Path> ROOT = Setting.of(name(CgiConfig.ROOT), "path", Path::of, null, "none",
            "directory of the scripts; PATH_INFO is walked segment by segment to the first regular file");
    public static final Setting<Map<String, List<String>>> INTERPRETERS = Setting.of(name(CgiConfig.INTERPRETERS),
            "list of .ext=argv", CgiSettings::interpreters, Map.of(), "none",
            "`.ext=/path/to/interpreter [args]`, comma separated: such scripts run as `interpreter [args] script`");
    public static final Setting<List<String>> EXTENSIONS = Setting.list(name(CgiConfig.EXTENSIONS), List.of(), "any",
            "allowed script extensions (`.sh .pl`); any other file is 403");
    public static final Setting<List<String>> METHODS = Setting.list(name(CgiConfig.METHODS),
            List.of("GET", "HEAD", "POST"), "GET, HEAD, POST", "allowed request methods; others are 405");
    public static final Setting<Duration> TIMEOUT = Setting.duration(name(CgiConfig.TIMEOUT), Duration.ofSeconds(30),
            "how long a program may run (a bare number is seconds, decimals allowed); past it it is killed with "
            + "its descendants: 504");
    public static final Setting<Integer> MAX_PROCESSES = Setting.integer(name(CgiConfig.MAX_PROCESSES), 64, 1,
            "programs running at once; one more request gets 503 with `Retry-After`");
    public static final Setting<Integer> RETRY_AFTER = Setting.integer(name(CgiConfig.RETRY_AFTER), 1, 1,
            "seconds in that `Retry-After`");
    public static final Setting<List<String>> HEADERS = Setting.list(name(CgiConfig.HEADERS), List.of("*"), "*",
            "request headers passed as `HTTP_*`: `*` = all (as Apache) or a list; never `Proxy` nor "
            + "`Proxy-Authorization`");
    public static final Setting<Boolean> PASS_AUTHORIZATION = Setting.bool(name(CgiConfig.PASS_AUTHORIZATION), false,
            "`true` passes `HTTP_AUTHORIZATION` (Apache's `CGIPassAuth`)");
    public static final Setting<List<Map.Entry<String, String>>> ENV = Setting.pairs(name(CgiConfig.ENV),
            "fixed variables of every program, e.g. `REDIRECT_STATUS=200` for `php-cgi`");
    public static final Setting<List<String>> PASS_ENV = Setting.list(name(CgiConfig.PASS_ENV), List.of(), "none",
            "names of variables copied from the server's own environment (`LANG, TZ`); nothing else of it is passed");
    public static final Setting<Boolean> QUERY_ARGS = Setting.bool(name(CgiConfig.QUERY_ARGS), false,
            "RFC 3875 §4.4: a query without `=` becomes argv; every value must match `cgi.argPattern`, else 400");
    public static final Setting<Pattern> ARG_PATTERN = Setting.of(name(CgiConfig.ARG_PATTERN), "regex",
            Pattern::compile, Pattern.compile(CgiConfig.DEFAULT_ARG_PATTERN), CgiConfig.DEFAULT_ARG_PATTERN,
            "what each query argument must match (no leading `-`: CVE-2012-1823, CVE-2019-0232)");
    public static final Setting<Boolean> NPH = Setting.bool(name(CgiConfig.NPH), true,
            "programs named `nph-*` give their status line and headers themselves (RFC 3875 §5), body unbuffered");
    public static final Setting<Integer> REDIRECT_LIMIT = Setting.integer(name(CgiConfig.REDIRECT_LIMIT), 10, 0,
            "local redirects (`Location: /path`) followed for one request; past it, 500");
    public static final Setting<Path> DOCUMENT_ROOT = Setting.of(name(CgiConfig.DOCUMENT_ROOT), "path", Path::of,
            null, "none", "sets `DOCUMENT_ROOT`, and `PATH_TRANSLATED` = document root + PATH_INFO");
    public static final Setting<String> SERVER_SOFTWARE = Setting.string(name(CgiConfig.SERVER_SOFTWARE),
            "GatewayBridge", "`SERVER_SOFTWARE`");
    public static final Setting<Integer> MAX_HEADERS = Setting.integer(name(CgiConfig.MAX_HEADERS),
            CgiResponseParser.Limits.DEFAULT.maxHeaders(), 1, "header fields a program may send; more is 502");
    public static final Setting<Integer> MAX_HEADER_BYTES = Setting.integer(name(CgiConfig.MAX_HEADER_BYTES),
            CgiResponseParser.Limits.DEFAULT.maxBytes(), 2, "bytes of a program's header section; more is 502");
    public static final Setting<String> SPAWNER = Setting.of(name(CgiConfig.SPAWNER), "choice", CgiSettings::spawner,
            "auto", "auto", "how programs start: `native` (the bundled `gateway-spawn` daemon, as mod_cgid), `jdk` "
            + "(ProcessBuilder), `auto` (native where available)");
    public static final Setting<String> INDEX = Setting.string(name(CgiConfig.INDEX), null,
            "file run for a request addressing a directory (`index.cgi`, Apache's `DirectoryIndex`); without it 403");
    public static final Setting<Boolean> STATIC = Setting.bool(name(CgiConfig.STATIC), false,
            "`true`: a file of the root that is not a program is sent as a static file instead of 403");
    public static final Setting<Boolean> ACCEPT_PATH_INFO = Setting.bool(name(CgiConfig.ACCEPT_PATH_INFO), true,
            "`false`: a request with a path after the program is 404 (Apache's `AcceptPathInfo Off`)");
    /** CGI streams a body with a Content-Length to stdin unless told otherwise. */
    public static final Setting<Boolean> REQUEST_BUFFERING = BridgeSettings.REQUEST_BUFFERING
            .withDefault(false, "false");

    /** Every {@code cgi.*} parameter. */
    public static final Namespace NAMESPACE = Namespace.of(PREFIX, "CGI bridge (CgiApplication)",
            List.of(PROGRAM, ROOT, INTERPRETERS, EXTENSIONS, METHODS, TIMEOUT, MAX_PROCESSES, RETRY_AFTER, HEADERS,
                    PASS_AUTHORIZATION, ENV, PASS_ENV, QUERY_ARGS, ARG_PATTERN, NPH, REDIRECT_LIMIT, DOCUMENT_ROOT,
                    SERVER_SOFTWARE, MAX_HEADERS, MAX_HEADER_BYTES, SPAWNER, INDEX, STATIC, ACCEPT_PATH_INFO,
                    REQUEST_BUFFERING), BridgeSettings.BODY.subList(1, BridgeSettings.BODY.size()),
            List.of(BridgeSettings.STDERR_LIMIT));

    /** Reads the {@code cgi.*} params of {@code params}; unknown {@code cgi.*} names fail naming the closest. */
    static CgiConfig read(Map<String, String> params) {
        ConfigReader r = new ConfigReader(params, NAMESPACE);
        r.rejectUnknown();
        CgiConfig.Builder b = CgiConfig.builder();
        if (r.isSet(PROGRAM)) {
            b.program(r.get(PROGRAM));
        }
        if (r.isSet(ROOT)) {
            b.root(r.get(ROOT));
        }
        r.get(INTERPRETERS).forEach((ext, argv) -> b.interpreter(ext, argv.toArray(String[]::new)));
        r.get(EXTENSIONS).forEach(b::extension);
        b.methods(r.get(METHODS).toArray(String[]::new)).timeout(r.get(TIMEOUT)).maxProcesses(r.get(MAX_PROCESSES))
                .retryAfter(r.get(RETRY_AFTER)).headers(r.get(HEADERS).toArray(String[]::new))
                .passAuthorization(r.get(PASS_AUTHORIZATION));
        r.get(ENV).forEach(e -> b.env(e.getKey(), e.getValue()));
        b.passEnv(r.get(PASS_ENV).toArray(String[]::new)).queryArgs(r.get(QUERY_ARGS)).argPattern(r.get(ARG_PATTERN))
                .nph(r.get(NPH)).redirectLimit(r.get(REDIRECT_LIMIT)).serverSoftware(r.get(SERVER_SOFTWARE))
                .headerLimits(r.get(MAX_HEADERS), r.get(MAX_HEADER_BYTES)).spawner(r.get(SPAWNER))
                .index(r.get(INDEX)).staticFiles(r.get(STATIC)).acceptPathInfo(r.get(ACCEPT_PATH_INFO))
                .requestBuffering(r.get(REQUEST_BUFFERING))
                .bodySizes(r.get(BridgeSettings.MAX_BODY_SIZE), r.get(BridgeSettings.BODY_BUFFER_SIZE))
                .bodyTimeout(r.get(BridgeSettings.BODY_TIMEOUT), r.get(BridgeSettings.BODY_MIN_RATE))
                .stderrLimit(r.get(BridgeSettings.STDERR_LIMIT));
        if (r.isSet(DOCUMENT_ROOT)) {
            b.documentRoot(r.get(DOCUMENT_ROOT));
        }
        return b.build();
    }

    /** {@code cgi.timeout} for {@code CgiConfig.TIMEOUT}: the name under the prefix. */
    private static String name(String full) {
        return full.substring(PREFIX.length());
    }

    /** {@code .py=/usr/bin/python3 -u, .php=/usr/bin/php-cgi}: extension to argv prefix, in order. */
    private static Map<String, List<String>> interpreters(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Grammar.extensions(text).forEach(e -> out.put(e.getKey(), List.of(e.getValue().split("\\s+"))));
        return out;
    }

    /** {@code auto}, {@code native} or {@code jdk}, any case. */
    private static String spawner(String text) {
        String mode = text.toLowerCase(Locale.ROOT);
        if (!Set.of("auto", "native", "jdk").contains(mode)) {
            throw new IllegalArgumentException("must be auto, native or jdk");
        }
        return mode;
    }

}
