package dev.gatewaybridge.managed;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs and supervises a bridge's own workers in PHP-FPM's {@code static} mode: {@link WorkerSettings#workers()}
 * copies of one program, each listening on its own Unix domain socket in a private (0700) directory under
 * {@code java.io.tmpdir}, its path handed over through the {@value WorkerSettings#SOCKET} placeholder
 * ({@code php-cgi -b {socket}}, {@code fcgiwrap -s unix:{socket}}). The bridge connects to {@link #sockets()}.
 *
 * <p>Supervision: a worker that exits is started again. One that exits quickly (it never created its socket,
 * or failed within {@link #MIN_UPTIME_MS} of starting) is backed off exponentially; {@link #MAX_QUICK_EXITS}
 * of those in a row within {@link #QUICK_WINDOW_MS} mark its slot down, with one log line naming the program
 * and its exit status, and it is not started again (a crash loop is never a fork loop). Any slot is started at
 * most once per {@link #MIN_RESTART_INTERVAL_MS} (and the pool within {@link SpawnRate}). Every start
 * and exit is logged once with its pid and exit status; what a worker writes on stdout or stderr is logged
 * line by line. {@link #close()} stops every worker (SIGTERM, SIGKILL after {@link #STOP_GRACE_MS}), reaps
 * them, ends its threads and removes the directory.
 *
 * <p>Recycling ({@link WorkerSettings.Recycle}): the bridge counts each worker's requests between
 * {@link #enter} and {@link #leave}; a worker due (its request count, its age, or its resident memory, the last
 * two checked every {@link #UPKEEP_MS} at most) takes no new request, and once its requests have left it gets
 * SIGTERM, then a fresh worker takes its socket. A request meanwhile waits in {@link #enter} for the fresh one
 * (or goes to another worker): recycling never fails a request.
 *
 * <p>Request timeout ({@link WorkerSettings#requestTimeout()}, PHP-FPM's request_terminate_timeout): the bridge
 * reports each request from taking its worker's connection to the end of its response ({@link #running},
 * {@link Running#done}); one still running past the timeout at an upkeep (every quarter of it, at most
 * {@link #UPKEEP_MS}) is marked {@link Running#timedOut()} (the bridge answers 504) and its worker is killed
 * with its descendants (SIGKILL), with one WARNING line, then replaced as after a crash (its exit never counts
 * as a failure at start). Slow log ({@link WorkerSettings#slowLog()}, PHP-FPM's request_slowlog_timeout): one
 * still running past it is logged once, at WARNING, with what its worker and the worker's descendants are doing
 * (state and wchan, read from /proc: no ptrace).
 *
 * <p>In {@link WorkerSettings.Mode#ONDEMAND} mode no worker runs at first: {@link #enter} starts the one a
 * request was sent to (the bridge's least-busy choice prefers running idle workers, {@link #isCold}), and the
 * upkeep stops one that had no request for {@link WorkerSettings#idleTimeout()}. In
 * {@link WorkerSettings.Mode#DYNAMIC} mode {@link WorkerSettings.Spare#start()} run at first; every upkeep
 * (each {@link #UPKEEP_MS}) starts more when fewer than {@link WorkerSettings.Spare#minSpare()} are idle, up to
 * {@link WorkerSettings#workers()}, and stops the extra idle ones beyond {@link WorkerSettings.Spare#maxSpare()}
 * (SIGTERM, as a recycle), one INFO line per decision; a request that finds every running worker busy starts
 * one more at once, as in ondemand mode.
 *
 * <p>Every start, in every mode, goes through the pool's {@link SpawnRate} ({@link WorkerSettings#spawnRate()}
 * per second, PHP-FPM's max_spawn_rate): a start beyond it is delayed, and its requests wait for it as for any
 * starting worker.
 *
 * <p>Processes are started with {@link ProcessBuilder} (no shell, the environment cleared first): the socket
 * path, not a listening socket on fd 0 (FastCGI 1.0 §2.2's FCGI_LISTENSOCK_FILENO needs the native spawner).
 */
public final class WorkerPool implements AutoCloseable {

    /** A worker that fails sooner than this after starting counts as failing at start. */
    static final long MIN_UPTIME_MS = 1000;
    /** Quick exits in a row, within {@link #QUICK_WINDOW_MS}, that mark a slot down. */
    static final int MAX_QUICK_EXITS = 5;
    /** The window the quick exits are counted in. */
    static final long QUICK_WINDOW_MS = 10_000;
    /** The back-off after the first quick exit; it doubles with each, up to {@link #MAX_BACKOFF_MS}. */
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5000;
    /** One slot is started at most once per this (the pool-wide limit is {@link SpawnRate}). */
    static final long MIN_RESTART_INTERVAL_MS = 100;
    /** Longest wait for a started worker's socket; then it is killed and counts as failing at start. */
    static final long START_TIMEOUT_MS = 10_000;
    /** Between SIGTERM and SIGKILL when stopping (PHP-FPM's process_control_timeout). */
    static final long STOP_GRACE_MS = 3000;
    /** sun_path of struct sockaddr_un on Linux, without its terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    /** Longest output line logged in one piece. */
    private static final int MAX_LINE = 8 * 1024;
    private static final long POLL_MS = 5;
    /** Longest wait for the exit of a worker that reset a connection, to tell a recycle from a crash. */
    static final long CLEAN_EXIT_WAIT_MS = 1000;
    /** Longest interval between the checks of age and resident memory (shorter for a short maximum age). */
    static final long UPKEEP_MS = 1000;

    private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());

    private final WorkerSettings settings;
    private final String label;
    private final Path dir;
    private final List<Slot> slots = new ArrayList<>();
    private final ScheduledThreadPoolExecutor supervisor;
    private final SpawnRate spawnRate;
    private final List<Thread> pumps = new ArrayList<>();
    /** Kills the workers if the JVM exits without {@link #close()} (a container stopped without destroy()). */
    private final Thread shutdownHook = new Thread(this::killAll, "managed-workers-exit");
    private volatile boolean closed;
    /** Told the socket of a worker about to be recycled, before its SIGTERM (the bridge drops idle connections). */
    private volatile java.util.function.Consumer<Path> onRecycle = socket -> { };
    /** Whether close() was interrupted (or called interrupted): the interrupt is set again at its end. */
    private boolean interruptedWhileClosing;

    private WorkerPool(WorkerSettings settings, String label, Path dir) {
        this.settings = settings;
        this.label = label;
        this.dir = dir;
        this.spawnRate = new SpawnRate(settings.spawnRate());
        this.supervisor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "managed-workers " + settings.program());
            t.setDaemon(true);
            return t;
        });
        supervisor.setRemoveOnCancelPolicy(true);
        for (int i = 1; i <= settings.workers(); i++) {
            slots.add(new Slot(i, dir.resolve("worker-" + i + ".sock"), ondemand() || dynamic(),
                    settings.downTime().toNanos()));
        }
    }

    /**
     * Starts every worker and waits (up to {@link #START_TIMEOUT_MS}) until each has created its socket or
     * was marked down; {@code label} names the bridge in log lines ("FastCGI").
     *
     * @throws IllegalArgumentException if the socket directory cannot be made or its paths are too long
     */
    public static WorkerPool start(WorkerSettings settings, String label) {
        Path dir = socketDirectory();
        WorkerPool pool = new WorkerPool(settings, label, dir);
        Runtime.getRuntime().addShutdownHook(pool.shutdownHook);
        try {
            if (!pool.ondemand()) {
                List<Slot> first = pool.dynamic() ? pool.slots.subList(0, settings.spare().start()) : pool.slots;
                first.forEach(Slot::unpark);
                first.forEach(s -> pool.supervisor.execute(() -> pool.spawn(s, "")));
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
                for (Slot s : first) {
                    s.awaitStarted(deadline);
                }
            }
            if (settings.recycle().watched() || pool.ondemand() || pool.dynamic() || pool.watchesRequests()) {
                long every = UPKEEP_MS;
                if (!settings.requestTimeout().isZero()) {
                    every = Math.min(every, settings.requestTimeout().toMillis() / 4);
                }
                if (!settings.slowLog().isZero()) {
                    every = Math.min(every, settings.slowLog().toMillis() / 4);
                }
                if (!settings.recycle().maxAge().isZero()) {
                    every = Math.min(every, settings.recycle().maxAge().toMillis() / 4);
                }
                if (pool.ondemand()) {
                    every = Math.min(every, settings.idleTimeout().toMillis() / 4);
                }
                every = Math.max(50, every);
                pool.supervisor.scheduleWithFixedDelay(pool::upkeep, every, every, TimeUnit.MILLISECONDS);
            }
            return pool;
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.close();
            throw new IllegalStateException("interrupted while starting " + settings, e);
        }
    }

    /** A new private directory for the sockets: 0700, so no other user can connect to a worker. */
    private static Path socketDirectory() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path dir;
        try {
            dir = Files.createTempDirectory(tmp, "gateway-workers-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("cannot create a private socket directory under java.io.tmpdir "
                    + tmp + ": " + e.getMessage(), e);
        }
        if (dir.resolve("worker-1000.sock").toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            deleteQuietly(dir);
            throw new IllegalArgumentException("java.io.tmpdir " + tmp + " is too long for Unix socket paths ("
                    + MAX_SOCKET_PATH + " bytes at most): set it to a shorter directory");
        }
        return dir;
    }

    private boolean ondemand() {
        return settings.mode() == WorkerSettings.Mode.ONDEMAND;
    }

    private boolean dynamic() {
        return settings.mode() == WorkerSettings.Mode.DYNAMIC;
    }

    /** The workers' sockets, one per worker, in worker order. */
    public List<Path> sockets() {
        return slots.stream().map(s -> s.socket).toList();
    }

    /** The private directory the sockets are in. */
    public Path directory() {
        return dir;
    }

    /** The pids of the workers running now (tests). */
    public List<Long> pids() {
        List<Long> out = new ArrayList<>();
        for (Slot s : slots) {
            Process p = s.process();
            if (p != null && p.isAlive()) {
                out.add(p.pid());
            }
        }
        return out;
    }

    /**
     * After a failed connect to {@code socket}: waits until its worker runs with its socket created again
     * (it may have just exited and be restarting), at least one poll interval, at most until
     * {@code deadlineNanos}. Whether it is worth connecting again.
     *
     * @throws IOException saying why, if the worker is marked down (the caller fails over or answers 502)
     */
    public boolean awaitReady(Path socket, long deadlineNanos) throws IOException {
        Slot slot = slots.stream().filter(s -> s.socket.equals(socket)).findFirst().orElse(null);
        if (slot == null) {
            return false;
        }
        try {
            return slot.awaitReady(deadlineNanos);
        } catch (IOException e) {
            throw new IOException(name(slot) + " (" + settings.program() + ") is marked down: it kept failing at "
                    + "start (see the log)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + name(slot) + " to restart");
        }
    }

    /** Whether every worker is marked down (its program kept failing at start): requests then get 503. */
    public boolean allDown() {
        return slots.stream().allMatch(Slot::isDown);
    }

    /** Whether the worker on {@code socket} is marked down. */
    public boolean isDown(Path socket) {
        Slot slot = slot(socket);
        return slot != null && slot.isDown();
    }

    /** The Retry-After of that 503: seconds until the first marked-down worker is started again, at least 1. */
    public int retryAfterSeconds() {
        long now = System.nanoTime();
        long soonest = slots.stream().mapToLong(Slot::downUntil).map(t -> t - now).min().orElse(0);
        return (int) Math.max(1, (TimeUnit.NANOSECONDS.toMillis(soonest) + 999) / 1000);
    }

    /** Sets what is told the socket of a worker about to be recycled (before its SIGTERM). */
    public void onRecycle(java.util.function.Consumer<Path> listener) {
        onRecycle = listener;
    }

    /**
     * A request goes to the worker on {@code socket}: waits while that worker is being recycled or restarted
     * (until {@code deadlineNanos}), then counts the request; a worker it makes due for recycling takes no other.
     * Each return is paired with one {@link #leave}. Nothing for a socket that is not one of ours.
     *
     * @throws java.net.SocketTimeoutException if no worker was ready on it by the deadline
     * @throws IOException                     if the worker is marked down
     */
    public void enter(Path socket, long deadlineNanos) throws IOException {
        Slot slot = slot(socket);
        if (slot == null) {
            return;
        }
        try {
            slot.enter(deadlineNanos, settings.recycle().maxRequests(), () -> {
                try {
                    supervisor.execute(() -> spawn(slot, " on demand"));
                } catch (RejectedExecutionException e) {
                    // closing
                }
            });
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(name(slot) + " (" + settings.program() + ") is marked down: it kept failing at "
                    + "start (see the log)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + name(slot));
        }
    }

    /** A request {@link #enter}ed on {@code socket} is done; the last one out of a worker due for recycling ends it. */
    public void leave(Path socket) {
        Slot slot = slot(socket);
        Process due = slot == null ? null : slot.leave();
        if (due != null) {
            recycleLater(slot, due);
        }
    }

    /**
     * Whether the worker on {@code socket} has no process ready for a request now (stopped in ondemand mode,
     * starting, restarting or due for recycling): the bridge chooses it only when every other is busy.
     */
    public boolean isCold(Path socket) {
        Slot slot = slot(socket);
        return slot != null && slot.isCold();
    }

    /** Whether requests are timed (a request timeout or a slow log is set). */
    private boolean watchesRequests() {
        return !settings.requestTimeout().isZero() || !settings.slowLog().isZero();
    }

    /**
     * A request begins running on the worker on {@code socket} (its connection taken): timed for the request
     * timeout and the slow log until {@link Running#done}. Null (nothing to do) when neither is set or the
     * socket is not ours. {@code script} names it in log lines (SCRIPT_FILENAME).
     */
    public Running running(Path socket, String script) {
        Slot slot = watchesRequests() ? slot(socket) : null;
        return slot == null ? null : slot.running(script);
    }

    /** One request running on a worker, timed by the upkeep ({@link #running}). */
    public static final class Running {
        private final Slot slot;
        private final Process process;
        private final String script;
        private final long startNanos = System.nanoTime();
        /** Set by the upkeep before it kills the worker, read by the request's thread when its read fails. */
        private volatile String killedWhy;
        /** Whether the slow log has told about it (guarded by its slot). */
        private boolean slowLogged;

        private Running(Slot slot, Process process, String script) {
            this.slot = slot;
            this.process = process;
            this.script = script;
        }

        /** Whether the pool killed its worker for the request timeout: the bridge answers 504 (or aborts). */
        public boolean timedOut() {
            return killedWhy != null;
        }

        /** Why its worker was killed, for the 504's message; null if it was not. */
        public String killedWhy() {
            return killedWhy;
        }

        /** The request ended (its response finished or failed): no longer timed. Idempotent. */
        public void done() {
            slot.done(this);
        }

        long runningMs(long now) {
            return TimeUnit.NANOSECONDS.toMillis(now - startNanos);
        }
    }

    /** Requests served by the worker on {@code socket} now (tests). */
    long served(Path socket) {
        return slot(socket).served();
    }

    private Slot slot(Path socket) {
        return slots.stream().filter(s -> s.socket.equals(socket)).findFirst().orElse(null);
    }

    /** The age and memory checks: a worker past a limit is made due for recycling (on the supervisor thread). */
    private void upkeep() {
        if (dynamic()) {
            scale();
        }
        WorkerSettings.Recycle limits = settings.recycle();
        for (Slot slot : slots) {
            if (watchesRequests()) {
                long now = System.nanoTime();
                for (Running slow : slot.slow(now, settings.slowLog().toNanos())) {
                    logSlow(slot, slow, now);
                }
                Running overdue = slot.overdue(now, settings.requestTimeout().toNanos());
                if (overdue != null) {
                    terminate(slot, overdue);
                    continue;
                }
            }
            Process p = slot.process();
            if (p == null || !p.isAlive() || !slot.isReady()) {
                continue;
            }
            if (ondemand()) {
                Process idle = slot.idle(p, settings.idleTimeout().toNanos());
                if (idle != null) {
                    stop(slot, idle, "stopped after " + settings.idleTimeout().toMillis() + " ms without a request "
                            + "(workerIdleTimeout)");
                    continue;
                }
            }
            String why = null;
            long ageMs = slot.uptimeMs();
            if (!limits.maxAge().isZero() && ageMs >= limits.maxAge().toMillis()) {
                why = "at " + ageMs + " ms of age (workerMaxAge " + limits.maxAge().toMillis() + " ms)";
            } else if (limits.maxMemory() > 0) {
                long rss = residentBytes(p);
                if (rss > limits.maxMemory()) {
                    why = "at resident memory " + mib(rss) + " (VmRSS of pid " + p.pid() + " and its descendants), "
                            + "past workerMaxMemory " + mib(limits.maxMemory());
                }
            }
            if (why != null) {
                Process due = slot.due(p, why);
                if (due != null) {
                    recycle(slot, due);
                }
            }
        }
    }

    /**
     * Dynamic mode's decision (on the supervisor thread), one INFO line when it acts: fewer than min spare idle
     * (a starting worker counts as idle: it will be) starts stopped slots, up to {@code workers} running; more
     * than max spare idle stops the extra ones gracefully, those idle longest first.
     */
    private void scale() {
        WorkerSettings.Spare spare = settings.spare();
        List<Slot> idle = new ArrayList<>();
        List<Slot> parked = new ArrayList<>();
        int starting = 0;
        int running = 0;
        for (Slot s : slots) {
            Slot.State state = s.state();
            switch (state) {
                case IDLE -> idle.add(s);
                case STARTING -> starting++;
                case PARKED -> parked.add(s);
                case BUSY, DOWN -> { }
            }
            running += state == Slot.State.PARKED || state == Slot.State.DOWN ? 0 : 1;
        }
        String counts = label + " workers of " + settings.program() + ": " + idle.size() + " idle"
                + (starting > 0 ? " and " + starting + " starting" : "") + " of " + running + " running";
        if (idle.size() + starting < spare.minSpare() && !parked.isEmpty()) {
            List<Slot> more = parked.subList(0, Math.min(spare.minSpare() - idle.size() - starting, parked.size()));
            LOG.log(System.Logger.Level.INFO, counts + ", below " + WorkerSettings.MIN_SPARE + " "
                    + spare.minSpare() + ": starting " + more.size() + " (" + (running + more.size()) + " of "
                    + settings.workers() + " at most)");
            for (Slot s : more) {
                if (s.unpark()) {
                    spawn(s, " (" + WorkerSettings.MIN_SPARE + ")");
                }
            }
        } else if (idle.size() > spare.maxSpare()) {
            idle.sort(java.util.Comparator.comparingLong(Slot::lastUsedNanos));
            List<Long> pids = new ArrayList<>();
            List<Runnable> stops = new ArrayList<>();
            for (Slot s : idle.subList(0, idle.size() - spare.maxSpare())) {
                Process p = s.process();
                if (p != null && s.idle(p, 0) == p) {
                    pids.add(p.pid());
                    stops.add(() -> stop(s, p, null));
                }
            }
            if (!pids.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, counts + ", above " + WorkerSettings.MAX_SPARE + " "
                        + spare.maxSpare() + ": stopping " + pids.size() + " (SIGTERM to pids " + pids + ")");
                stops.forEach(Runnable::run);
            }
        }
    }

    /**
     * Kills the worker running {@code r}, past the request timeout, with its descendants (SIGKILL; its idle
     * connections closed first): one WARNING line with the script, the pid and the timeout. Its exit starts
     * the fresh worker; {@code r}'s own read fails, and the bridge answers 504 for it.
     */
    private void terminate(Slot slot, Running r) {
        Process p = r.process;
        LOG.log(System.Logger.Level.WARNING, name(slot) + " (pid " + p.pid() + ") killed with its descendants "
                + "(SIGKILL): " + r.script + " " + r.killedWhy + "; a fresh worker takes its socket");
        try {
            onRecycle.accept(slot.socket);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the connections to " + name(slot) + ": " + e);
        }
        kill(p);
    }

    /**
     * The slow log of {@code r}, once: one WARNING line with the script, the pid, how long it has run, and what
     * its worker and each descendant do ({@link #doing}).
     */
    private void logSlow(Slot slot, Running r, long now) {
        Process p = r.process;
        StringBuilder line = new StringBuilder(name(slot)).append(" (pid ").append(p.pid()).append(") slow: ")
                .append(r.script).append(" running for ").append(r.runningMs(now)).append(" ms (")
                .append(WorkerSettings.SLOW_LOG).append(' ').append(settings.slowLog().toMillis()).append(" ms); ")
                .append(doing(p.pid()));
        p.descendants().forEach(d -> line.append(", ").append(doing(d.pid())));
        LOG.log(System.Logger.Level.WARNING, line.toString());
    }

    /**
     * What process {@code pid} does, from /proc (proc(5)): {@code pid 42 (sleep) state S wchan do_nanosleep};
     * the state from /proc/PID/stat, the kernel function it sleeps in from /proc/PID/wchan ({@code -} where the
     * kernel does not say: running, or hidden), or {@code gone} once it ended.
     */
    static String doing(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat")); // "42 (comm) S 1 ...": comm may hold spaces
            String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 2)[0];
            String wchan;
            try {
                wchan = Files.readString(proc.resolve("wchan")).strip();
            } catch (IOException e) {
                wchan = "";
            }
            return "pid " + pid + " (" + comm + ") state " + state + " wchan "
                    + (wchan.isEmpty() || wchan.equals("0") ? "-" : wchan);
        } catch (IOException | RuntimeException e) {
            return "pid " + pid + " gone";
        }
    }

    /** VmRSS of {@code p} and its descendants, from /proc/PID/status (Linux); 0 where it cannot be read. */
    static long residentBytes(Process p) {
        long total = residentBytes(p.pid());
        for (ProcessHandle d : p.descendants().toList()) {
            total += residentBytes(d.pid());
        }
        return total;
    }

    private static long residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) { // "VmRSS:	   12345 kB" (proc(5))
                    return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile, or no /proc
        }
        return 0;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private void recycleLater(Slot slot, Process p) {
        try {
            supervisor.execute(() -> recycle(slot, p));
        } catch (RejectedExecutionException e) {
            // closing: close() stops it
        }
    }

    /**
     * Ends a worker due for recycling whose requests have all left (on the supervisor thread): one log line
     * with its pid and why, idle connections to it dropped, SIGTERM (SIGKILL after {@link #STOP_GRACE_MS});
     * its exit starts the fresh one.
     */
    private void recycle(Slot slot, Process p) {
        if (closed || slot.process() != p) {
            return;
        }
        stop(slot, p, "recycled " + slot.dueWhy() + ": SIGTERM, a fresh worker takes its socket");
    }

    /**
     * Ends a worker that has no request (recycled, or idle in ondemand mode): one log line with its pid and
     * {@code why}, idle connections to it dropped, SIGTERM, SIGKILL after {@link #STOP_GRACE_MS}.
     */
    private void stop(Slot slot, Process p, String why) {
        if (why != null) { // null: the caller logged it (dynamic mode's one line per decision)
            LOG.log(System.Logger.Level.INFO, name(slot) + " (pid " + p.pid() + ") " + why);
        }
        try {
            onRecycle.accept(slot.socket);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the connections to " + name(slot) + ": " + e);
        }
        List<ProcessHandle> descendants = p.descendants().toList();
        p.destroy();
        descendants.forEach(ProcessHandle::destroy);
        supervisor.schedule(() -> {
            if (p.isAlive()) {
                LOG.log(System.Logger.Level.WARNING, name(slot) + " (pid " + p.pid() + ") did not exit within "
                        + STOP_GRACE_MS + " ms of SIGTERM: killed");
                kill(p);
            }
        }, STOP_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the worker on {@code socket} ended itself with status 0 at or after {@code sinceNanos}, waiting
     * up to {@link #CLEAN_EXIT_WAIT_MS} for its exit to be seen: a connection it reset after that instant
     * carried a request it closed unread (php-cgi at PHP_FCGI_MAX_REQUESTS).
     */
    public boolean exitedCleanly(Path socket, long sinceNanos) throws IOException {
        Slot slot = slots.stream().filter(s -> s.socket.equals(socket)).findFirst().orElse(null);
        try {
            return slot != null && slot.awaitCleanExit(sinceNanos,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLEAN_EXIT_WAIT_MS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + name(slot) + " to exit");
        }
    }

    /**
     * Starts {@code slot}'s worker (on the supervisor thread) now, or later if the spawn rate limit says so;
     * a failure to start counts as a quick exit.
     */
    private void spawn(Slot slot, String why) {
        if (closed) {
            return;
        }
        long delay = spawnRate.reserve(System.nanoTime());
        if (delay > 0) {
            String delayed = why + " (delayed " + TimeUnit.NANOSECONDS.toMillis(delay) + " ms by "
                    + WorkerSettings.SPAWN_RATE + " " + settings.spawnRate() + "/s)";
            try {
                supervisor.schedule(() -> launch(slot, delayed), delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
            return;
        }
        launch(slot, why);
    }

    /** Starts {@code slot}'s worker at once (on the supervisor thread). */
    private void launch(Slot slot, String why) {
        if (closed) {
            return;
        }
        List<String> argv = settings.argv(slot.socket);
        Process p;
        try {
            Files.deleteIfExists(slot.socket); // left by a worker that was killed: its existence means "ready"
            ProcessBuilder pb = new ProcessBuilder(argv).directory(settings.dir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true);
            pb.environment().clear(); // nothing of the JVM's own environment leaks into a worker
            pb.environment().putAll(settings.env());
            p = pb.start();
        } catch (IOException e) {
            slot.started(null);
            LOG.log(System.Logger.Level.WARNING, name(slot) + " could not be started: " + e.getMessage());
            exited(slot, null, "could not be started (" + e.getMessage() + ")", 0);
            return;
        }
        slot.started(p);
        LOG.log(System.Logger.Level.INFO, name(slot) + " started" + why + ", pid " + p.pid() + ": " + String.join(" ", argv));
        pump(slot, p);
        p.onExit().thenRun(() -> {
            try {
                supervisor.execute(() -> exited(slot, p, null, p.exitValue()));
            } catch (RejectedExecutionException e) {
                // closing: close() reaps it
            }
        });
        supervisor.schedule(() -> watchSocket(slot, p, System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS)), POLL_MS, TimeUnit.MILLISECONDS);
    }

    /** Polls for the socket of a started worker: it is ready once the file exists (bind, then listen). */
    private void watchSocket(Slot slot, Process p, long deadline) {
        if (closed || slot.process() != p || !p.isAlive()) {
            return; // an exit is handled by exited()
        }
        if (Files.exists(slot.socket)) {
            slot.ready(p);
            return;
        }
        if (System.nanoTime() - deadline > 0) {
            LOG.log(System.Logger.Level.WARNING, name(slot) + " (pid " + p.pid() + ") created no socket at "
                    + slot.socket + " within " + START_TIMEOUT_MS + " ms: killed (does its command use "
                    + WorkerSettings.SOCKET + " where the program takes its socket path?)");
            kill(p);
            return;
        }
        supervisor.schedule(() -> watchSocket(slot, p, deadline), POLL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * A worker ended (on the supervisor thread): logged, then started again at once, after a back-off, or not
     * at all (marked down). {@code failure} says why it never ran, else {@code status} is its exit status
     * (128 + the signal's number when a signal killed it, as the JDK reports it).
     */
    private void exited(Slot slot, Process p, String failure, int status) {
        if (closed) {
            return;
        }
        Slot.Exit exit = slot.exited(p, status != 0 || failure != null, p != null && failure == null && status == 0);
        if (exit == null) {
            return; // not the slot's current process
        }
        String what = failure != null ? failure : "exited with status " + status + " after " + exit.uptimeMs() + " ms"
                + (exit.recycled() && !exit.idle() ? ", recycled" : "")
                + (exit.killed() ? ", killed past " + WorkerSettings.REQUEST_TIMEOUT : "");
        if (exit.idle()) {
            LOG.log(System.Logger.Level.INFO, name(slot) + " (pid " + p.pid() + ") " + what + ", stopped idle; "
                    + "started again by the next request it gets");
            return;
        }
        if (exit.down()) {
            long downMs = settings.downTime().toMillis();
            LOG.log(System.Logger.Level.WARNING, name(slot) + " marked down: " + settings.program() + " failed "
                    + (exit.again() ? "again at start" : MAX_QUICK_EXITS + " times in a row at start within "
                    + QUICK_WINDOW_MS + " ms") + ", last " + what + "; requests get 503, started once more in "
                    + downMs + " ms (" + WorkerSettings.DOWN_TIME + ")");
            slot.wakeWaiters(); // after the line: whoever waited on this start sees it logged
            try {
                supervisor.schedule(() -> retry(slot), downMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
            return;
        }
        if (p != null) {
            // A worker killed for its request's timeout was reported at WARNING once, by terminate().
            LOG.log(status == 0 || exit.recycled() || exit.killed() ? System.Logger.Level.INFO
                    : System.Logger.Level.WARNING, name(slot) + " (pid "
                    + p.pid() + ") " + what + "; starting again in " + exit.delayMs() + " ms");
        }
        supervisor.schedule(() -> spawn(slot, ""), exit.delayMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * A marked-down worker's {@code workerDownTime} is over: one start, that marks it down again at once if it
     * fails at start too, so a broken program costs one fork per {@code workerDownTime}, never a loop.
     */
    private void retry(Slot slot) {
        if (closed) {
            return;
        }
        slot.retry();
        LOG.log(System.Logger.Level.INFO, name(slot) + " marked down " + settings.downTime().toMillis()
                + " ms ago (" + WorkerSettings.DOWN_TIME + "): starting " + settings.program() + " once more");
        spawn(slot, " after " + WorkerSettings.DOWN_TIME);
    }

    /** Logs what the worker writes (stdout and stderr together), line by line, until it closes them. */
    private void pump(Slot slot, Process p) {
        String prefix = name(slot) + " (pid " + p.pid() + "): ";
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                StringBuilder line = new StringBuilder();
                for (int c; (c = r.read()) >= 0; ) {
                    if (c == '\n' || line.length() >= MAX_LINE) {
                        LOG.log(System.Logger.Level.WARNING, prefix + line);
                        line.setLength(0);
                        if (c == '\n') {
                            continue;
                        }
                    }
                    if (c != '\r') {
                        line.append((char) c);
                    }
                }
                if (line.length() > 0) {
                    LOG.log(System.Logger.Level.WARNING, prefix + line);
                }
            } catch (IOException e) {
                // the pipe closed under us (close())
            }
        }, "managed-worker-output " + p.pid());
        t.setDaemon(true);
        synchronized (pumps) {
            pumps.removeIf(x -> !x.isAlive());
            pumps.add(t);
        }
        t.start();
    }

    private String name(Slot slot) {
        return label + " worker " + slot.index + "/" + slots.size();
    }

    /** Kills {@code p} and its descendants at once (snapshot first: once it dies they are re-parented). */
    private static void kill(Process p) {
        List<ProcessHandle> descendants = p.descendants().toList();
        p.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Stops every worker: SIGTERM to each and its descendants, SIGKILL to what is left after
     * {@link #STOP_GRACE_MS}, reaped; then the threads end and the socket directory is removed. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs (or ran) killAll
        }
        // The waits below must not be cut short by an interrupt: a worker not waited for would be left running.
        interruptedWhileClosing = Thread.interrupted();
        supervisor.shutdownNow();
        await(() -> supervisor.awaitTermination(STOP_GRACE_MS, TimeUnit.MILLISECONDS)); // a start in progress
        List<Long> killed = stopWorkers();
        List<Thread> threads;
        synchronized (pumps) {
            threads = List.copyOf(pumps);
        }
        for (Thread t : threads) {
            await(() -> {
                t.join(1000); // their pipes closed with the workers
                return true;
            });
        }
        deleteQuietly(dir);
        LOG.log(System.Logger.Level.INFO, label + " workers of " + settings.program() + " stopped"
                + (killed.isEmpty() ? "" : "; killed after " + STOP_GRACE_MS + " ms without exiting on SIGTERM: "
                + "pids " + killed));
        if (interruptedWhileClosing) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM to every worker and its descendants, SIGKILL to those still there after {@link #STOP_GRACE_MS},
     * then each worker reaped (no zombie). The pids that needed SIGKILL.
     */
    private List<Long> stopWorkers() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Slot s : slots) {
            Process p = s.process();
            if (p != null) {
                all.addAll(p.descendants().toList()); // before the parent dies and they are re-parented
                all.add(p.toHandle());
            }
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MS);
        List<Long> killed = new ArrayList<>();
        for (ProcessHandle h : all) {
            boolean exited = await(() -> {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return true;
            });
            if (!exited && h.isAlive()) {
                killed.add(h.pid());
                h.destroyForcibly();
            }
        }
        for (Slot s : slots) {
            Process p = s.process();
            if (p != null) {
                await(() -> p.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS));
            }
        }
        return killed;
    }

    /**
     * A bounded wait of {@link #close()}; false if it timed out, failed or was interrupted. An interrupt does
     * not cut the next waits short: it is set again when close() ends.
     */
    private boolean await(Wait wait) {
        try {
            return wait.done();
        } catch (InterruptedException e) {
            interruptedWhileClosing = true;
            return false;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** One bounded wait of {@link #close()}. */
    @FunctionalInterface
    private interface Wait {
        boolean done() throws InterruptedException, java.util.concurrent.TimeoutException,
                java.util.concurrent.ExecutionException;
    }

    /** At JVM exit without close(): SIGKILL to every worker and its descendants, no waiting. */
    private void killAll() {
        closed = true;
        for (Slot s : slots) {
            Process p = s.process();
            if (p != null) {
                kill(p);
            }
        }
        deleteQuietly(dir);
    }

    /** Removes the socket directory and what is in it (sockets only). */
    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove socket directory " + dir + ": " + e.getMessage());
        }
    }

    /** One worker's place: its socket, its current process and its start history. Guarded by itself. */
    private static final class Slot {
        final int index;
        final Path socket;
        private Process process;
        private long startedNanos;
        private boolean ready;
        private boolean everReady;
        private boolean down;
        private final long downTimeNanos;
        /** When a marked-down slot is started again (System.nanoTime), while down. */
        private long downUntilNanos;
        /** Started again after being marked down, and not yet up for long: one quick exit marks it down. */
        private boolean retrying;
        private int quickExits;
        private long firstQuickNanos;
        /** When a worker of this slot last ended itself with status 0 after creating its socket; 0: never. */
        private long cleanExitNanos;
        /** The current worker's requests: served (entered) and in flight (entered, not left). */
        private long served;
        private int inFlight;
        /** Why the current worker is due for recycling (it takes no new request), or null. */
        private String dueWhy;
        /** Whether it was told to end (SIGTERM): its exit is a recycle, not a failure. */
        private boolean recycling;
        /** Ondemand: no worker runs (or the one running was stopped idle); the next request starts one. */
        private boolean parked;
        /** When the last request left the current worker, or it started. */
        private long lastUsedNanos;
        /** The requests running on it, timed ({@link WorkerPool#running}). */
        private final List<Running> running = new ArrayList<>();
        /** Whether the current worker was killed for a request's timeout: its exit is no failure at start. */
        private boolean killed;
        /** Requests waiting in {@link #enter} for this worker to be ready: it is not idle. */
        private int waiting;

        /** What a slot is to dynamic mode's upkeep. */
        enum State { PARKED, DOWN, BUSY, IDLE, STARTING }

        synchronized State state() {
            if (down) {
                return State.DOWN;
            }
            if (parked) {
                return State.PARKED;
            }
            if (inFlight > 0 || waiting > 0 || dueWhy != null || recycling) {
                return State.BUSY;
            }
            return ready && process != null && process.isAlive() ? State.IDLE : State.STARTING;
        }

        /** Takes a parked slot out of parking (its caller starts it); whether it was parked and not down. */
        synchronized boolean unpark() {
            if (!parked || down) {
                return false;
            }
            parked = false;
            ready = false;
            return true;
        }

        synchronized long lastUsedNanos() {
            return lastUsedNanos;
        }

        Slot(int index, Path socket, boolean parked, long downTimeNanos) {
            this.index = index;
            this.socket = socket;
            this.parked = parked;
            this.downTimeNanos = downTimeNanos;
        }

        /**
         * What to do after an exit: how long to wait before the next start, or nothing (down; {@code again}: at
         * the one start after {@code workerDownTime}).
         */
        record Exit(long uptimeMs, long delayMs, boolean down, boolean recycled, boolean idle, boolean killed,
                    boolean again) {
        }

        /** See {@link WorkerPool#running}; null when no worker runs (the request fails on its own). */
        synchronized Running running(String script) {
            if (process == null) {
                return null;
            }
            Running r = new Running(this, process, script);
            running.add(r);
            return r;
        }

        synchronized void done(Running r) {
            running.remove(r);
        }

        /** The requests running for {@code slowNanos} (not 0) or more, not told yet: each is returned once. */
        synchronized List<Running> slow(long now, long slowNanos) {
            if (slowNanos == 0 || running.isEmpty()) {
                return List.of();
            }
            List<Running> out = new ArrayList<>();
            for (Running r : running) {
                if (!r.slowLogged && now - r.startNanos >= slowNanos && r.process.isAlive()) {
                    r.slowLogged = true;
                    out.add(r);
                }
            }
            return out;
        }

        /**
         * The request on the current worker running for {@code timeoutNanos} (not 0) or more, marked timed out, or
         * null: at most one per worker (killing it ends the others on it), and none once it is being killed.
         */
        synchronized Running overdue(long now, long timeoutNanos) {
            if (timeoutNanos == 0 || killed || process == null || !process.isAlive()) {
                return null;
            }
            for (Running r : running) {
                if (r.process == process && now - r.startNanos >= timeoutNanos) {
                    killed = true;
                    r.killedWhy = "ran past " + WorkerSettings.REQUEST_TIMEOUT + " "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (running " + r.runningMs(now) + " ms)";
                    return r;
                }
            }
            return null;
        }

        synchronized boolean isCold() {
            return parked || !ready || dueWhy != null || process == null || !process.isAlive();
        }

        /**
         * Parks {@code p} if it is ready and had no request for {@code idleNanos}: it takes no new request (the
         * next one starts a fresh worker) and its exit is not restarted. The worker to stop, or null.
         */
        synchronized Process idle(Process p, long idleNanos) {
            if (process != p || parked || !ready || inFlight > 0 || waiting > 0 || dueWhy != null || recycling
                    || System.nanoTime() - lastUsedNanos < idleNanos) {
                return null;
            }
            parked = true;
            ready = false;
            recycling = true;
            return p;
        }

        synchronized boolean isReady() {
            return ready;
        }

        synchronized long uptimeMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        }

        synchronized long served() {
            return served;
        }

        synchronized String dueWhy() {
            return dueWhy;
        }

        /** See {@link WorkerPool#enter}; {@code maxRequests} 0 is no limit. */
        synchronized void enter(long deadline, long maxRequests, Runnable start) throws IOException,
                InterruptedException {
            if (unpark()) { // ondemand or dynamic: this request starts the worker (the stopped one is ignored now)
                start.run();
            }
            waiting++;
            try {
                while (dueWhy != null || !ready || process == null || !process.isAlive()) {
                    if (down) {
                        throw new IOException("worker " + index + " is marked down (it kept failing at start)");
                    }
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new java.net.SocketTimeoutException("worker " + index + " was not ready (restarting "
                                + "or recycled) within the connect timeout");
                    }
                    wait(Math.min(left, POLL_MS));
                }
            } finally {
                waiting--;
            }
            served++;
            inFlight++;
            if (maxRequests > 0 && served >= maxRequests) {
                dueWhy = "after " + served + " requests (workerMaxRequests " + maxRequests + ")";
            }
        }

        /** One request left; the worker to end now if it is due and this was its last request, else null. */
        synchronized Process leave() {
            if (inFlight > 0) {
                inFlight--;
            }
            lastUsedNanos = System.nanoTime();
            return dueProcess();
        }

        /** Makes {@code p} due for recycling (unless it already is); the worker to end now, or null. */
        synchronized Process due(Process p, String why) {
            if (process != p || dueWhy != null) {
                return null;
            }
            dueWhy = why;
            return dueProcess();
        }

        private Process dueProcess() {
            if (dueWhy == null || inFlight > 0 || recycling || process == null) {
                return null;
            }
            recycling = true;
            return process;
        }

        synchronized Process process() {
            return process;
        }

        synchronized void started(Process p) {
            process = p;
            startedNanos = System.nanoTime();
            ready = false;
            everReady = false;
            served = 0;
            dueWhy = null;
            recycling = false;
            killed = false;
            lastUsedNanos = startedNanos;
            notifyAll();
        }

        synchronized void ready(Process p) {
            if (process == p) {
                ready = true;
                everReady = true;
                notifyAll();
            }
        }

        /**
         * Records the exit of {@code p} (null: it never started); null if {@code p} is no longer this slot's.
         * A quick exit: it never created its socket, or {@code failed} within {@link #MIN_UPTIME_MS}.
         */
        synchronized boolean isDown() {
            return down;
        }

        /** When it is started again, if down; else Long.MAX_VALUE. */
        synchronized long downUntil() {
            return down ? downUntilNanos : Long.MAX_VALUE;
        }

        /** Not down any more: the one start after {@code workerDownTime}. */
        synchronized void retry() {
            down = false;
            retrying = true;
        }

        /** Wakes the threads waiting on this slot's start (awaitReady), e.g. to see that it is marked down. */
        synchronized void wakeWaiters() {
            notifyAll();
        }

        synchronized Exit exited(Process p, boolean failed, boolean clean) {
            if (process != p) {
                return null;
            }
            long now = System.nanoTime();
            if (clean && everReady) {
                cleanExitNanos = now == 0 ? 1 : now;
            }
            long uptimeMs = TimeUnit.NANOSECONDS.toMillis(now - startedNanos);
            ready = false;
            if (parked) {
                notifyAll();
                return new Exit(uptimeMs, 0, false, true, true, false, false);
            }
            boolean recycled = recycling;
            boolean quick = !recycled && !killed && (!everReady || failed && uptimeMs < MIN_UPTIME_MS);
            long delay;
            if (quick) {
                if (quickExits == 0 || now - firstQuickNanos > TimeUnit.MILLISECONDS.toNanos(QUICK_WINDOW_MS)) {
                    quickExits = 0;
                    firstQuickNanos = now;
                }
                quickExits++;
                if (quickExits >= MAX_QUICK_EXITS || retrying) {
                    boolean again = retrying;
                    down = true; // waiters are woken by wakeWaiters(), once the line saying so is logged
                    downUntilNanos = now + downTimeNanos;
                    retrying = false;
                    quickExits = 0;
                    return new Exit(uptimeMs, 0, true, false, false, false, again);
                }
                delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << (quickExits - 1));
            } else {
                quickExits = 0;
                retrying = false;
                delay = 0;
            }
            delay = Math.max(delay, MIN_RESTART_INTERVAL_MS - uptimeMs); // the spawn rate limit
            notifyAll();
            return new Exit(uptimeMs, delay, false, recycled, false, killed, false);
        }

        /** Waits until the worker is ready or down, or until {@code deadline}. */
        synchronized void awaitStarted(long deadline) throws InterruptedException {
            while (!ready && !down) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                wait(left);
            }
        }

        /** See {@link WorkerPool#exitedCleanly}. */
        synchronized boolean awaitCleanExit(long since, long deadline) throws InterruptedException {
            while (true) {
                if (cleanExitNanos != 0 && cleanExitNanos - since >= 0) {
                    return true;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || down) {
                    return false;
                }
                wait(Math.min(left, POLL_MS));
            }
        }

        /** See {@link WorkerPool#awaitReady}. */
        synchronized boolean awaitReady(long deadline) throws InterruptedException, IOException {
            wait(POLL_MS); // the worker the caller could not reach may not be reaped yet
            while (true) {
                if (down) {
                    throw new IOException("worker " + index + " is marked down (it kept failing at start)");
                }
                if (ready && process != null && process.isAlive()) {
                    return true;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                wait(Math.min(left, POLL_MS));
            }
        }
    }
}
