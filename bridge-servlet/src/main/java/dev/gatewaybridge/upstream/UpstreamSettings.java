package dev.gatewaybridge.upstream;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.config.Setting;

/**
 * The 13 parameters of talking to backends that FastCGI and SCGI both read ({@link #BACKEND}), declared
 * once (issue 13); what all three bridges read is in {@link dev.gatewaybridge.bridge.BridgeSettings}. Each
 * bridge puts them under its own prefix.
 */
public final class UpstreamSettings {

    private UpstreamSettings() {
    }

    public static final Setting<List<BackendAddress>> BACKENDS = Setting.of(BackendSet.BACKENDS, "addresses",
            BackendAddress::parseList, null, "required",
            "backends, comma or space separated: `host:port`, `[v6]:port`, `unix:/path.sock`");
    public static final Setting<BackendSet.Balance> BALANCE = Setting.of(BackendSet.BALANCE, "choice",
            BackendSet.Balance::parse, BackendSet.Balance.ROUND_ROBIN, "round-robin",
            "`round-robin` or `least-busy` (fewest requests in flight)");
    public static final Setting<Integer> MAX_FAILS = Setting.integer(BackendSet.MAX_FAILS, 1, 0,
            "failures within `failTimeout` that mark a backend down; `0` never; a single backend never is (nginx `max_fails`)");
    public static final Setting<Duration> FAIL_TIMEOUT = Setting.duration(BackendSet.FAIL_TIMEOUT,
            Duration.ofSeconds(10), "the failure window, and how long a backend stays down (nginx `fail_timeout`)");
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration(Timeouts.CONNECT_TIMEOUT,
            Timeouts.DEFAULT.connect(), "longest wait for a connection; then the next backend is tried");
    public static final Setting<Duration> READ_TIMEOUT = Setting.duration(Timeouts.READ_TIMEOUT,
            Timeouts.DEFAULT.read(), "longest the backend may stay silent, or not read, between two bytes: 504");
    public static final Setting<Duration> TOTAL_TIMEOUT = Setting.duration(Timeouts.TOTAL_TIMEOUT,
            Timeouts.DEFAULT.total(), "longest a whole exchange may take: 504, or an aborted response once it started");
    public static final Setting<Path> ROOT = Setting.of(Params.ROOT, "path", Path::of, null, "none",
            "script root as the backend sees it: `DOCUMENT_ROOT`, `SCRIPT_FILENAME` = root + script path");
    public static final Setting<String> SCRIPT_PATTERN = Setting.string(Params.SCRIPT_PATTERN, null,
            "regex with two groups, script and `PATH_INFO` (nginx `fastcgi_split_path_info`): `^(.+\\.php)(/.*)$`");
    public static final Setting<String> INDEX = Setting.string(Params.INDEX, null,
            "file name appended to a script path ending in `/` (nginx `fastcgi_index`)");
    public static final Setting<Boolean> TRY_FILES = Setting.bool(Params.TRY_FILES, false,
            "`true`: 404 unless the script is a regular file under the root (nginx `try_files $uri =404`)");
    public static final Setting<List<Map.Entry<String, String>>> PARAMS = Setting.pairs(Params.PARAMS,
            "fixed params, `NAME=value` entries, replacing computed ones of that name");
    public static final Setting<String> SERVER_SOFTWARE = Setting.of(Params.SERVER_SOFTWARE, "string",
            v -> v, null, "the servlet's", "`SERVER_SOFTWARE` sent to the backend");

    /** The 13 parameters of talking to backends, shared by FastCGI and SCGI. */
    public static final List<Setting<?>> BACKEND = List.of(BACKENDS, BALANCE, MAX_FAILS, FAIL_TIMEOUT,
            CONNECT_TIMEOUT, READ_TIMEOUT, TOTAL_TIMEOUT, ROOT, SCRIPT_PATTERN, INDEX, TRY_FILES, PARAMS,
            SERVER_SOFTWARE);
}
