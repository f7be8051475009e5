package dev.gatewaybridge.process;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.gatewaybridge.upstream.BlockInputStream;

/**
 * Starts programs through {@code gateway-spawn} (src/main/c/gateway-spawn.c, which documents the protocol),
 * a small native daemon forking on our behalf as Apache's mod_cgid does: the JVM connects to its Unix
 * socket and sends the program, directory and environment; the connection becomes the program's stdin and
 * stdout. The daemon reports each program's start, stderr lines, exit and stderr end on one channel, read by
 * one thread here; it kills a program's process group on request and all of them when its stdin closes.
 * A daemon that dies is restarted on the next request.
 */
public final class NativeSpawner implements Spawner {

    private static final System.Logger LOG = System.getLogger(NativeSpawner.class.getName());
    /** Where the build puts the binary: one per OS and architecture, named as Java names them. */
    public static final String RESOURCE = "native/linux-" + System.getProperty("os.arch") + "/gateway-spawn";
    /** sun_path of struct sockaddr_un on Linux, with its terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    /** Strings are encoded as ProcessBuilder encodes them, so both spawners pass the same bytes. */
    private static final Charset NATIVE = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    private static final AtomicInteger DAEMONS = new AtomicInteger();
    private static Path binary;

    private volatile Daemon daemon;
    private volatile boolean closed;

    private NativeSpawner(Daemon daemon) {
        this.daemon = daemon;
    }

    /** Starts a daemon; IOException says why it cannot run here (no binary, no Linux, start failed). */
    static NativeSpawner start() throws IOException {
        return new NativeSpawner(Daemon.start(binary()));
    }

    /** Where the binary was extracted, for the start-up line (null before the first daemon starts). */
    public static synchronized Path extracted() {
        return binary;
    }

    /** Whether this build has the binary for this machine. */
    public static boolean available() {
        return System.getProperty("os.name", "").startsWith("Linux")
                && NativeSpawner.class.getResource(RESOURCE) != null;
    }

    /**
     * The binary, extracted once per JVM into a private (0700) temporary directory that also holds the
     * daemons' sockets; both are deleted when the JVM exits.
     */
    private static synchronized Path binary() throws IOException {
        if (binary != null) {
            return binary;
        }
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            throw new IOException("gateway-spawn is built for Linux only, not " + System.getProperty("os.name"));
        }
        try (InputStream in = NativeSpawner.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("this build has no " + RESOURCE + " (no C compiler when it was built?)");
            }
            Path dir = Files.createTempDirectory("gateway-spawn-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            dir.toFile().deleteOnExit();
            Path exe = dir.resolve("gateway-spawn");
            Files.copy(in, exe);
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
            exe.toFile().deleteOnExit(); // deleted before its directory: deleteOnExit runs in reverse order
            binary = exe;
            return exe;
        }
    }

    @Override
    public Program start(List<String> command, Path dir, Map<String, String> env, Consumer<String> stderr)
            throws IOException {
        Daemon d = daemon();
        int token = d.nextToken();
        byte[] frame = Frame.encode(token, dir, command, env);
        SocketChannel channel = SocketChannel.open(d.address);
        NativeProgram p = new NativeProgram(d, token, channel, stderr);
        d.programs.put(token, p); // before the frame: the daemon's report of the start may come at once
        try {
            ByteBuffer b = ByteBuffer.wrap(frame);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            d.programs.remove(token);
            channel.close();
            throw new IOException("gateway-spawn did not take the request: " + e.getMessage(), e);
        }
        return p;
    }

    /** The running daemon, restarted if it died. */
    private Daemon daemon() throws IOException {
        Daemon d = daemon;
        if (!d.dead) {
            return d;
        }
        synchronized (this) {
            if (closed) {
                throw new IOException("the CGI application is closed");
            }
            if (daemon.dead) {
                LOG.log(System.Logger.Level.WARNING, "CGI: gateway-spawn daemon died, restarting it");
                daemon = Daemon.start(binary());
            }
            return daemon;
        }
    }

    @Override
    public String name() {
        return "native";
    }

    /** The daemon's socket, for tests. */
    public Path socket() {
        return daemon.socket;
    }

    /** The daemon's process, for tests. */
    public ProcessHandle daemonProcess() {
        return daemon.process.toHandle();
    }

    /** Closes the daemon's stdin: it kills every program's process group and exits. */
    @Override
    public synchronized void close() {
        closed = true;
        daemon.close();
    }

    /** One gateway-spawn process, its socket, and the thread reading its events. */
    static final class Daemon {
        final Process process;
        final UnixDomainSocketAddress address;
        final Map<Integer, NativeProgram> programs = new java.util.concurrent.ConcurrentHashMap<>();
        private final Path socket;
        private final OutputStream commands;
        private final Thread events;
        private final AtomicInteger tokens = new AtomicInteger();
        volatile boolean dead;
        private volatile boolean closing;

        private Daemon(Process process, Path socket, InputStream eventStream) {
            this.process = process;
            this.socket = socket;
            this.address = UnixDomainSocketAddress.of(socket);
            this.commands = process.getOutputStream();
            this.events = new Thread(() -> readEvents(eventStream), "cgi-spawn-events-" + process.pid());
            events.setDaemon(true);
        }

        static Daemon start(Path exe) throws IOException {
            Path socket = exe.resolveSibling("spawn-" + ProcessHandle.current().pid() + "-"
                    + DAEMONS.incrementAndGet() + ".sock");
            if (socket.toString().getBytes(NATIVE).length > MAX_SOCKET_PATH) {
                throw new IOException("socket path longer than " + MAX_SOCKET_PATH + " bytes: " + socket
                        + " (set java.io.tmpdir to a shorter directory)");
            }
            ProcessBuilder pb = new ProcessBuilder(exe.toString(), socket.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().clear();
            Process p = launch(pb);
            InputStream in = new BufferedInputStream(p.getInputStream(), 64 * 1024);
            byte[] ready = readLine(in);
            if (ready == null || ready.length < 2 || ready[0] != 'R') {
                p.destroyForcibly();
                throw new IOException("gateway-spawn did not start: " + (ready == null
                        ? "exited with status " + exitStatus(p) : new String(ready, StandardCharsets.UTF_8)));
            }
            Daemon d = new Daemon(p, socket, in);
            d.events.start();
            return d;
        }

        /**
         * Starts the binary; "Text file busy" is retried: another thread forking while the binary was being
         * written holds a copy of its write descriptor until that child execs.
         */
        private static Process launch(ProcessBuilder pb) throws IOException {
            for (int attempt = 1;; attempt++) {
                try {
                    return pb.start();
                } catch (IOException e) {
                    if (attempt == 10 || e.getMessage() == null || !e.getMessage().contains("Text file busy")) {
                        throw e;
                    }
                    try {
                        Thread.sleep(10L * attempt);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        private static String exitStatus(Process p) {
            try {
                return p.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "(still running)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "(interrupted)";
            }
        }

        /** Tokens name requests on both channels; 0 is never used (the daemon's "no token"). */
        int nextToken() {
            int t = tokens.incrementAndGet();
            return t != 0 ? t : tokens.incrementAndGet();
        }

        /** Asks the daemon to kill the process group of request {@code token}. */
        void kill(int token) {
            byte[] line = ("K " + Integer.toUnsignedString(token) + "\n").getBytes(StandardCharsets.US_ASCII);
            synchronized (commands) {
                try {
                    commands.write(line);
                    commands.flush();
                } catch (IOException e) {
                    // the daemon is gone, and its programs with it
                }
            }
        }

        private void readEvents(InputStream in) {
            try (in) {
                byte[] line;
                while ((line = readLine(in)) != null) {
                    dispatch(line);
                    if (!batching.isEmpty() && in.available() == 0) {
                        handOver(); // no more events at hand: the stderr lines read so far go out together
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "CGI: reading gateway-spawn's events failed", e);
            } finally {
                dead = true;
                if (!closing) {
                    LOG.log(System.Logger.Level.WARNING, "CGI: gateway-spawn exited unexpectedly, status "
                            + exitStatus(process));
                }
                handOver();
                programs.values().forEach(NativeProgram::daemonGone);
                programs.clear();
                deleteSocket(); // a daemon that was killed could not remove it
            }
        }

        /** Programs with stderr lines read but not yet handed over (this reader thread's own). */
        private final java.util.Set<NativeProgram> batching = new java.util.LinkedHashSet<>();

        private void handOver() {
            batching.forEach(NativeProgram::handOver);
            batching.clear();
        }

        private void deleteSocket() {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "CGI: cannot delete " + socket + ": " + e);
            }
        }

        /** One event line: "T token rest" (the format is documented in gateway-spawn.c). */
        private void dispatch(byte[] line) {
            if (line.length < 3 || line[1] != ' ') {
                LOG.log(System.Logger.Level.WARNING, "CGI: gateway-spawn: bad event "
                        + new String(line, StandardCharsets.UTF_8));
                return;
            }
            if (line[0] == 'L' || line[0] == 'R') {
                LOG.log(System.Logger.Level.WARNING, "CGI: gateway-spawn: " + text(line, 2));
                return;
            }
            int sp = 2;
            while (sp < line.length && line[sp] != ' ') {
                sp++;
            }
            int token = Integer.parseUnsignedInt(new String(line, 2, sp - 2, StandardCharsets.US_ASCII));
            String rest = sp < line.length ? text(line, sp + 1) : "";
            NativeProgram p = programs.get(token);
            if (p == null) {
                return; // a request that gave up before the daemon read it
            }
            switch (line[0]) {
                case 'F' -> p.failed(rest.substring(rest.indexOf(' ') + 1)); // "errno text": keep the text
                case 'E' -> {
                    if (p.line(rest)) {
                        batching.add(p);
                    } else {
                        batching.remove(p);
                    }
                }
                case 'X' -> p.exited(Integer.parseInt(rest));
                case 'D' -> {
                    batching.remove(p);
                    p.stderrEnded();
                }
                default -> LOG.log(System.Logger.Level.WARNING, "CGI: gateway-spawn: unknown event "
                        + text(line, 0));
            }
            if (p.over()) {
                programs.remove(token);
            }
        }

        private static String text(byte[] line, int from) {
            return new String(line, from, line.length - from, StandardCharsets.UTF_8).replace("\r", "");
        }

        /** A line without its '\n', or null at end of stream. */
        private static byte[] readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.write(c);
            }
            return c < 0 && line.size() == 0 ? null : line.toByteArray();
        }

        void close() {
            closing = true;
            try {
                commands.close();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                }
                events.join(2000);
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                deleteSocket(); // the daemon removes it; not if it was killed
            }
        }
    }

    /** A program started by the daemon: the connection is its stdin and stdout. */
    static final class NativeProgram implements Spawner.Program {
        private final Daemon daemon;
        private final int token;
        private final SocketChannel channel;
        private final Consumer<String> stderr;
        private final InputStream stdout;
        private final OutputStream stdin;
        private final CompletableFuture<Void> stderrDone = new CompletableFuture<>();
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private volatile String failure;
        private volatile boolean abandoned;

        NativeProgram(Daemon daemon, int token, SocketChannel channel, Consumer<String> stderr) {
            this.daemon = daemon;
            this.token = token;
            this.channel = channel;
            this.stderr = stderr;
            this.stdout = new ChannelInput(channel);
            this.stdin = new ChannelOutput(channel);
        }

        void failed(String why) {
            failure = why; // X 127 and D follow
        }

        /** Stderr lines read by the event thread and not yet handed over, joined by '\n'. */
        private final StringBuilder batch = new StringBuilder();
        private boolean batched;

        /** One E line into the batch; whether it waits there (false: handed over, it was full). */
        boolean line(String line) {
            if (batched) {
                batch.append('\n');
            }
            batch.append(line);
            batched = true;
            if (batch.length() >= JdkSpawner.MAX_BATCH) {
                handOver();
                return false;
            }
            return true;
        }

        /** The batch to the consumer (unless the program was abandoned). */
        void handOver() {
            if (batched) {
                String lines = batch.toString();
                batch.setLength(0);
                batched = false;
                if (!abandoned) {
                    stderr.accept(lines);
                }
            }
        }

        void exited(int code) {
            exit.complete(code);
        }

        /** D: the program exited (X came first) and every stderr line was handed over. */
        void stderrEnded() {
            handOver();
            stderrDone.complete(null);
        }

        /** Whether no event can come any more. */
        boolean over() {
            return stderrDone.isDone();
        }

        void daemonGone() {
            exit.completeExceptionally(new IOException("gateway-spawn exited: exit status unknown"));
            stderrDone.complete(null);
        }

        @Override
        public InputStream stdout() {
            return stdout;
        }

        @Override
        public OutputStream stdin() {
            return stdin;
        }

        /** The frame was written whole before this can be called: the daemon finds it (gateway-spawn.c, K). */
        @Override
        public void kill() {
            daemon.kill(token);
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public boolean waitFor(long millis) throws InterruptedException {
            try {
                exit.get(millis, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException | ExecutionException e) {
                return exit.isDone();
            }
        }

        @Override
        public CompletableFuture<Void> stderrDone() {
            return stderrDone;
        }

        @Override
        public CompletableFuture<Integer> exit() {
            return exit;
        }

        @Override
        public String startFailure(long millis) throws InterruptedException {
            waitFor(millis); // the daemon reports a failed exec before the exit
            return failure;
        }

        @Override
        public void abandonStderr() {
            abandoned = true;
        }

        @Override
        public String toString() {
            return "gateway-spawn program of request " + Integer.toUnsignedString(token);
        }
    }

    /**
     * The connection as the program's stdout. Not Channels.newInputStream: its reads and writes lock the
     * same object, so a read waiting for output would block the body being written to the same socket.
     */
    private static final class ChannelInput extends BlockInputStream {
        private final SocketChannel channel;

        ChannelInput(SocketChannel channel) {
            this.channel = channel;
        }

        /**
         * ECONNRESET is end of file: on a Unix socket it only means the program exited without reading all of
         * its stdin (Linux af_unix sets it on the peer when unread data is discarded), and everything it wrote
         * was already delivered; a CGI program need not read the body (RFC 3875 §4.2).
         */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            try {
                return channel.read(ByteBuffer.wrap(b, off, len));
            } catch (SocketException e) {
                if ("Connection reset".equals(e.getMessage())) {
                    return -1;
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The connection as the program's stdin; close() is end of file for the program (shutdown(SHUT_WR)). */
    private static final class ChannelOutput extends OutputStream {
        private final SocketChannel channel;

        ChannelOutput(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        @Override
        public void close() throws IOException {
            if (channel.isOpen()) {
                try {
                    channel.shutdownOutput();
                } catch (IOException e) {
                    // the program is gone: it has its end of file
                }
            }
        }
    }

    /** The request frame: "GBS1", token, argc, envc, length, then dir, argv and envp, each NUL-terminated. */
    public static final class Frame {
        private Frame() {
        }

        public static byte[] encode(int token, Path dir, List<String> command, Map<String, String> env)
                throws IOException {
            if (!command.get(0).startsWith("/")) {
                throw new IOException("gateway-spawn runs programs by absolute path only: " + command.get(0));
            }
            ByteArrayOutputStream payload = new ByteArrayOutputStream(2048);
            string(payload, dir.toAbsolutePath().toString());
            for (String arg : command) {
                string(payload, arg);
            }
            for (var e : env.entrySet()) {
                string(payload, e.getKey() + "=" + e.getValue());
            }
            ByteBuffer frame = ByteBuffer.allocate(20 + payload.size());
            frame.put("GBS1".getBytes(StandardCharsets.US_ASCII)).putInt(token).putInt(command.size())
                    .putInt(env.size()).putInt(payload.size()).put(payload.toByteArray());
            return frame.array();
        }

        private static void string(ByteArrayOutputStream out, String s) throws IOException {
            if (s.indexOf('\0') >= 0) {
                throw new IOException("NUL byte in a program argument or environment entry: "
                        + s.replace('\0', '?'));
            }
            out.write(s.getBytes(NATIVE));
            out.write(0);
        }
    }
}
