package dev.gatewaybridge.managed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.config.ConfigReader;
import dev.gatewaybridge.config.Setting;

/**
 * What a {@link WorkerPool} runs: the program's argument vector (no shell) with the {@value #SOCKET}
 * placeholder, how many workers ({@code static} mode, PHP-FPM's {@code pm = static}), their environment
 * (built from nothing: {@code PATH} and what is configured) and their working directory. Immutable; every
 * check fails at start-up naming the parameter and the offending value.
 *
 * @param command the argument vector, the program (argv[0]) resolved to an absolute path
 * @param workers how many workers run, each on its own socket
 * @param env     the whole environment of a worker
 * @param dir     the working directory of a worker
 * @param recycle when a worker is replaced although it runs well
 * @param mode    when workers run: all the time, or on demand
 * @param idleTimeout in {@link Mode#ONDEMAND}, how long a worker with no request runs before it is stopped
 * @param requestTimeout how long one request may run on a worker before the worker is killed (ZERO: for ever)
 * @param slowLog     how long one request runs before what its worker does is logged (ZERO: never)
 * @param spare       in {@link Mode#DYNAMIC}, how many start and how many idle ones are kept; null otherwise
 * @param spawnRate   most worker starts per second across the pool, in every mode (PHP-FPM's pm.max_spawn_rate)
 */
public record WorkerSettings(List<String> command, int workers, Map<String, String> env, Path dir, Recycle recycle,
                             Mode mode, Duration idleTimeout, Duration requestTimeout, Duration slowLog, Spare spare,
                             int spawnRate, Duration downTime) {

    /** PHP-FPM's process manager modes. */
    public enum Mode {
        /** {@code workers} run from the start, each restarted when it ends ({@code pm = static}). */
        STATIC,
        /** {@link Spare#start()} at the start; idle ones kept between {@link Spare#minSpare()} and
         * {@link Spare#maxSpare()}, up to {@code workers} in all ({@code pm = dynamic}). */
        DYNAMIC,
        /** None at the start; one started when a request finds every running one busy, up to {@code workers};
         * one idle for {@code idleTimeout} stopped ({@code pm = ondemand}). */
        ONDEMAND;

        public static Mode parse(String text) {
            return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "static" -> STATIC;
                case "dynamic" -> DYNAMIC;
                case "ondemand" -> ONDEMAND;
                default -> throw new IllegalArgumentException("must be static, dynamic or ondemand");
            };
        }
    }

    /**
     * When a healthy worker is retired gracefully (no new request, its requests finish, SIGTERM) and a fresh one
     * takes its socket: PHP-FPM's {@code pm.max_requests}, mod_fcgid's {@code FcgidMaxRequestsPerProcess} and
     * {@code FcgidMaxProcessLifeTime}, and a resident memory limit read from /proc. 0 (or ZERO): never.
     *
     * @param maxRequests requests one worker serves, counted by the bridge
     * @param maxAge      how long one worker runs
     * @param maxMemory   bytes of resident memory (VmRSS) of a worker and its descendants
     */
    public record Recycle(long maxRequests, Duration maxAge, long maxMemory) {
        public static final Recycle NEVER = new Recycle(0, Duration.ZERO, 0);

        public Recycle {
            if (maxRequests < 0 || maxAge.isNegative() || maxMemory < 0) {
                throw new IllegalArgumentException("negative recycling limit: " + maxRequests + ", " + maxAge
                        + ", " + maxMemory);
            }
        }

        /** Whether any limit is set on age or memory (which the pool's upkeep checks). */
        boolean watched() {
            return !maxAge.isZero() || maxMemory > 0;
        }
    }

    /**
     * {@link Mode#DYNAMIC}'s numbers, as PHP-FPM's {@code pm.start_servers}, {@code pm.min_spare_servers} and
     * {@code pm.max_spare_servers}: {@code minSpare <= start <= maxSpare} (checked with {@code workers} by
     * {@link #from}).
     *
     * @param start    workers started at init
     * @param minSpare fewer idle workers than this: more are started, up to {@code workers}
     * @param maxSpare more idle workers than this: the extra ones are stopped
     */
    public record Spare(int start, int minSpare, int maxSpare) {
    }

    // Parameter names under a bridge's prefix (e.g. fastcgi.command), for every bridge with managed workers.
    /** The program and its arguments, whitespace separated, with {@value #SOCKET} where its socket path goes. */
    public static final String COMMAND = "command";
    /** How many workers run (static mode). */
    public static final String WORKERS = "workers";
    /** The workers' environment, one {@code NAME=value} per line, besides the default PATH. */
    public static final String WORKER_ENV = "workerEnv";
    /** The workers' working directory (default {@code /}, as PHP-FPM's {@code chdir}). */
    public static final String WORKER_DIR = "workerDir";
    /** Requests a worker serves before it is recycled (0, the default: never). */
    public static final String MAX_REQUESTS = "workerMaxRequests";
    /** How long a worker runs before it is recycled (0, the default: for ever). */
    public static final String MAX_AGE = "workerMaxAge";
    /** Resident memory past which a worker is recycled (0, the default: no limit). */
    public static final String MAX_MEMORY = "workerMaxMemory";
    /** {@code static} (the default), {@code dynamic} or {@code ondemand}. */
    public static final String MODE = "workerMode";
    /** In ondemand mode, how long an idle worker runs before it is stopped (default 10s, PHP-FPM's). */
    public static final String IDLE_TIMEOUT = "workerIdleTimeout";
    /** How long one request may run before its worker is killed (0, the default: for ever). */
    public static final String REQUEST_TIMEOUT = "workerRequestTimeout";
    /** How long a request runs before what its worker does is logged (0, the default: never). */
    public static final String SLOW_LOG = "workerSlowLog";
    /** In dynamic mode, workers started at init (default: min spare + (max spare - min spare) / 2, PHP-FPM's). */
    public static final String START = "workerStart";
    /** In dynamic mode, fewest idle workers (default 1). */
    public static final String MIN_SPARE = "workerMinSpare";
    /** In dynamic mode, most idle workers (default 3, at most workers). */
    public static final String MAX_SPARE = "workerMaxSpare";
    /** Most worker starts per second across the pool (default 32, PHP-FPM's pm.max_spawn_rate). */
    public static final String SPAWN_RATE = "workerSpawnRate";
    /** How long a worker marked down (its program kept failing at start) waits before one start more. */
    public static final String DOWN_TIME = "workerDownTime";
    public static final Duration DEFAULT_DOWN_TIME = Duration.ofSeconds(30);
    /** PHP-FPM's {@code pm.max_spawn_rate} default. */
    public static final int DEFAULT_SPAWN_RATE = 32;
    /** PHP-FPM's {@code pm.process_idle_timeout} default. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

    // The declarations, under a bridge's prefix (fastcgi.command...): the managed-worker group of docs/parameters.md.
    public static final Setting<String> COMMAND_SETTING = Setting.string(COMMAND, null,
            "instead of `backends`: the program run as the bridge's own workers, argument vector whitespace "
            + "separated, no shell, `{socket}` where the worker's socket path goes (`/usr/bin/php-cgi -b {socket}`)");
    public static final Setting<Integer> WORKERS_SETTING = Setting.integer(WORKERS, WorkerSettings.DEFAULT_WORKERS, 1,
            "how many workers of `command` run, each on its own socket (PHP-FPM's `pm = static`); with `workerMode` "
            + "`dynamic` or `ondemand` the most that run (PHP-FPM's `pm.max_children`)");
    public static final Setting<List<Map.Entry<String, String>>> WORKER_ENV_SETTING = Setting.pairs(WORKER_ENV,
            "the workers' whole environment besides `PATH=/usr/local/bin:/usr/bin:/bin`, `NAME=value` entries");
    public static final Setting<Path> WORKER_DIR_SETTING = Setting.of(WORKER_DIR, "path", Path::of, Path.of("/"),
            "/", "the workers' working directory, absolute (PHP-FPM's `chdir`)");
    public static final Setting<Long> MAX_REQUESTS_SETTING = Setting.count(MAX_REQUESTS, 0, 0,
            "requests one worker serves before it is recycled gracefully; `0`: never (PHP-FPM's `pm.max_requests`)");
    public static final Setting<Duration> MAX_AGE_SETTING = Setting.durationOrZero(MAX_AGE, Duration.ZERO,
            "how long one worker runs before it is recycled gracefully (`30m`, `1h`); `0`: for ever");
    public static final Setting<Long> MAX_MEMORY_SETTING = Setting.size(MAX_MEMORY, 0,
            "resident memory of a worker and its descendants past which it is recycled gracefully (`256m`); `0`: no limit");
    public static final Setting<Mode> MODE_SETTING = Setting.of(MODE, "choice", Mode::parse, Mode.STATIC, "static",
            "`static`: `workers` run from the start; `dynamic`: `workerStart` at first, idle ones kept between "
            + "`workerMinSpare` and `workerMaxSpare`, up to `workers`; `ondemand`: started when every running one is "
            + "busy, up to `workers`");
    public static final Setting<Integer> START_SETTING = Setting.integer(START, 1, 1,
            "with `workerMode=dynamic` only: workers started at init (PHP-FPM's `pm.start_servers`)")
            .withDefault(1, "`workerMinSpare + (workerMaxSpare - workerMinSpare) / 2`");
    public static final Setting<Integer> MIN_SPARE_SETTING = Setting.integer(MIN_SPARE, 1, 1,
            "with `workerMode=dynamic` only: fewer idle workers than this and more are started, up to `workers` "
            + "(PHP-FPM's `pm.min_spare_servers`)");
    public static final Setting<Integer> MAX_SPARE_SETTING = Setting.integer(MAX_SPARE, 3, 1,
            "with `workerMode=dynamic` only: more idle workers than this and the extra ones are stopped gracefully "
            + "(PHP-FPM's `pm.max_spare_servers`)").withDefault(3, "`3`, at most `workers`, at least `workerMinSpare`");
    public static final Setting<Integer> SPAWN_RATE_SETTING = Setting.integer(SPAWN_RATE, DEFAULT_SPAWN_RATE, 1,
            "most worker starts per second across the mapping's workers, in every mode: a burst waits for its "
            + "workers instead of forking them all at once (PHP-FPM's `pm.max_spawn_rate`)");
    public static final Setting<Duration> IDLE_TIMEOUT_SETTING = Setting.duration(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
            "with `workerMode=ondemand` only: how long a worker without a request runs before it is stopped");
    public static final Setting<Duration> REQUEST_TIMEOUT_SETTING = Setting.durationOrZero(REQUEST_TIMEOUT,
            Duration.ZERO, "a request still running on a worker after this long gets 504 (an aborted response once "
            + "started) and the worker is killed with its descendants, then replaced; `0`: no limit (PHP-FPM's "
            + "`request_terminate_timeout`)");
    public static final Setting<Duration> SLOW_LOG_SETTING = Setting.durationOrZero(SLOW_LOG, Duration.ZERO,
            "a request still running on a worker after this long is logged once, with what the worker and its "
            + "children are doing (state and wchan from `/proc`); `0`: never (PHP-FPM's `request_slowlog_timeout`)");
    public static final Setting<Duration> DOWN_TIME_SETTING = Setting.duration(DOWN_TIME, DEFAULT_DOWN_TIME,
            "a worker whose program failed 5 times in a row at start within 10s is marked down (requests get 503 "
            + "with `Retry-After`); after this long it is started once more, and marked down again at once if that "
            + "start fails too (PHP-FPM's `emergency_restart_threshold`, without restarting the others)");
    /** The managed-worker parameters, for every bridge with managed workers. */
    public static final List<Setting<?>> SETTINGS = List.of(COMMAND_SETTING, WORKERS_SETTING, WORKER_ENV_SETTING,
            WORKER_DIR_SETTING, MAX_REQUESTS_SETTING, MAX_AGE_SETTING, MAX_MEMORY_SETTING, MODE_SETTING,
            START_SETTING, MIN_SPARE_SETTING, MAX_SPARE_SETTING, IDLE_TIMEOUT_SETTING, REQUEST_TIMEOUT_SETTING,
            SLOW_LOG_SETTING, SPAWN_RATE_SETTING, DOWN_TIME_SETTING);

    /** The placeholder replaced with the worker's socket path, also inside an argument ({@code unix:{socket}}). */
    public static final String SOCKET = "{socket}";
    /**
     * Two workers by default: one request can be served while another worker restarts or runs a slow
     * request, without a machine's worth of PHP processes nobody asked for (PHP-FPM's example pools start 2).
     */
    public static final int DEFAULT_WORKERS = 2;
    /** PATH when the configured environment gives none (Apache's DEFAULT_PATH, as the CGI bridge's). */
    public static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public WorkerSettings {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        recycle = recycle == null ? Recycle.NEVER : recycle;
        mode = mode == null ? Mode.STATIC : mode;
        idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        requestTimeout = requestTimeout == null ? Duration.ZERO : requestTimeout;
        slowLog = slowLog == null ? Duration.ZERO : slowLog;
        downTime = downTime == null ? DEFAULT_DOWN_TIME : downTime;
        if (mode == Mode.DYNAMIC && spare == null) {
            spare = new Spare(1, 1, 1);
        }
        if (spawnRate < 1) {
            throw new IllegalArgumentException("spawn rate must be at least 1 per second: " + spawnRate);
        }
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1: " + workers);
        }
    }

    /** The program, its name as given (for messages). */
    public String program() {
        return command.get(0);
    }

    /** The argument vector for a worker listening on {@code socket}: every {@value #SOCKET} replaced. */
    public List<String> argv(Path socket) {
        return command.stream().map(a -> a.replace(SOCKET, socket.toString())).toList();
    }

    /**
     * The settings configured under {@code reader}'s prefix, or null when {@link #COMMAND} is absent (the
     * bridge then talks to backends it does not run).
     */
    public static WorkerSettings from(ConfigReader reader) {
        String text = reader.get(COMMAND_SETTING);
        if (text == null) {
            for (Setting<?> s : SETTINGS) {
                if (reader.isSet(s)) {
                    throw new IllegalArgumentException(reader.name(s) + " needs " + reader.name(COMMAND));
                }
            }
            return null;
        }
        int workers = reader.get(WORKERS_SETTING);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        for (Map.Entry<String, String> e : reader.get(WORKER_ENV_SETTING)) {
            checkVariable(reader.name(WORKER_ENV), e.getKey(), e.getValue());
            env.put(e.getKey(), e.getValue());
        }
        Path dir = reader.get(WORKER_DIR_SETTING);
        if (!dir.isAbsolute() || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(reader.name(WORKER_DIR) + " must be an existing absolute directory: "
                    + dir);
        }
        List<String> argv = new ArrayList<>(Arrays.asList(text.strip().split("\\s+")));
        if (argv.stream().noneMatch(a -> a.contains(SOCKET))) {
            throw new IllegalArgumentException(reader.name(COMMAND) + " needs a " + SOCKET
                    + " placeholder where the worker's socket path goes (e.g. php-cgi -b {socket}): " + text);
        }
        argv.set(0, resolve(reader.name(COMMAND), argv.get(0), env.get("PATH")));
        Mode mode = reader.get(MODE_SETTING);
        if (mode != Mode.ONDEMAND && reader.isSet(IDLE_TIMEOUT_SETTING)) {
            throw new IllegalArgumentException(reader.name(IDLE_TIMEOUT) + " needs " + reader.name(MODE)
                    + "=ondemand (static workers are never stopped for idleness)");
        }
        Duration idle = reader.get(IDLE_TIMEOUT_SETTING);
        return new WorkerSettings(argv, workers, env, dir, recycle(reader), mode, idle,
                reader.get(REQUEST_TIMEOUT_SETTING), reader.get(SLOW_LOG_SETTING), spare(reader, mode, workers),
                reader.get(SPAWN_RATE_SETTING), reader.get(DOWN_TIME_SETTING));
    }

    /**
     * Dynamic mode's numbers, defaulted and checked as PHP-FPM does (fpm_conf.c): {@code minSpare <= start <=
     * maxSpare <= workers}; null in another mode, where setting any of them is an error.
     */
    private static Spare spare(ConfigReader reader, Mode mode, int workers) {
        if (mode != Mode.DYNAMIC) {
            for (Setting<?> s : List.of(START_SETTING, MIN_SPARE_SETTING, MAX_SPARE_SETTING)) {
                if (reader.isSet(s)) {
                    throw new IllegalArgumentException(reader.name(s) + " needs " + reader.name(MODE) + "=dynamic");
                }
            }
            return null;
        }
        int min = reader.get(MIN_SPARE_SETTING);
        int max = reader.get(MAX_SPARE_SETTING, Math.max(min, Math.min(3, workers)));
        int start = reader.get(START_SETTING, min + (max - min) / 2);
        String values = " (" + reader.name(MIN_SPARE) + " " + min + ", " + reader.name(START) + " " + start + ", "
                + reader.name(MAX_SPARE) + " " + max + ", " + reader.name(WORKERS) + " " + workers + ")";
        if (max > workers) {
            throw new IllegalArgumentException(reader.name(MAX_SPARE) + " must not exceed " + reader.name(WORKERS)
                    + values);
        }
        if (min > max) {
            throw new IllegalArgumentException(reader.name(MIN_SPARE) + " must not exceed " + reader.name(MAX_SPARE)
                    + values);
        }
        if (start < min || start > max) {
            throw new IllegalArgumentException(reader.name(START) + " must be between " + reader.name(MIN_SPARE)
                    + " and " + reader.name(MAX_SPARE) + values);
        }
        return new Spare(start, min, max);
    }

    /** The recycling limits; each 0 or absent is "never". */
    private static Recycle recycle(ConfigReader reader) {
        return new Recycle(reader.get(MAX_REQUESTS_SETTING), reader.get(MAX_AGE_SETTING),
                reader.get(MAX_MEMORY_SETTING));
    }

    /** A variable of the workers' environment: a valid name, a value without control characters. */
    private static void checkVariable(String param, String name, String value) {
        if (!ENV_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(param + " has an invalid variable name: " + HeaderRules.quote(name));
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < 0x20 || value.charAt(i) == 0x7f) {
                throw new IllegalArgumentException(param + ": control character in " + name + ": "
                        + HeaderRules.quote(value));
            }
        }
    }

    /**
     * The program as an absolute path: as given when it has a slash, else looked up in the workers' PATH
     * (not the JVM's: the worker's environment is the one configured), as execvp would.
     */
    static String resolve(String param, String program, String path) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            if (!p.isAbsolute() || !Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new IllegalArgumentException(param + ": not an absolute path to an executable file: " + program);
            }
            return program;
        }
        for (String d : path.split(":")) {
            Path p = d.isEmpty() ? null : Path.of(d, program);
            if (p != null && p.isAbsolute() && Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalArgumentException(param + ": program " + program + " not found in the workers' PATH "
                + path);
    }

    /** For messages: the command as configured, with its placeholder. */
    @Override
    public String toString() {
        return String.join(" ", command);
    }

    /** Parses without a prefix (tests and the builder): {@code command} with the given extras. */
    static WorkerSettings of(String command, int workers, Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>(extra);
        config.put(COMMAND, command);
        config.put(WORKERS, Integer.toString(workers));
        return from(new ConfigReader(config, ""));
    }
}
