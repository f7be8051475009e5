package dev.gatewaybridge.process;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One gateway-spawn process: started and waited ready, its request socket, its command channel, the thread
 * reading its events into its {@link ProgramTable}, and its stop. It is dead once its events end.
 */
final class SpawnDaemon {

    private static final System.Logger LOG = System.getLogger(NativeSpawner.class.getName());
    /** sun_path of struct sockaddr_un on Linux, with its terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final AtomicInteger DAEMONS = new AtomicInteger();

    final Process process;
    final UnixDomainSocketAddress address;
    final Path socket;
    final ProgramTable programs = new ProgramTable();
    private final OutputStream commands;
    private final Thread events;
    private final AtomicInteger tokens = new AtomicInteger();
    volatile boolean dead;
    private volatile boolean closing;

    private SpawnDaemon(Process process, Path socket, InputStream eventStream) {
        this.process = process;
        this.socket = socket;
        this.address = UnixDomainSocketAddress.of(socket);
        this.commands = process.getOutputStream();
        this.events = new Thread(() -> readEvents(eventStream), "cgi-spawn-events-" + process.pid());
        events.setDaemon(true);
    }

    /** Starts {@code exe} on a new socket beside it and waits for its ready line. */
    static SpawnDaemon start(Path exe) throws IOException {
        Path socket = exe.resolveSibling("spawn-" + ProcessHandle.current().pid() + "-"
                + DAEMONS.incrementAndGet() + ".sock");
        if (socket.toString().getBytes(SpawnWriter.NATIVE).length > MAX_SOCKET_PATH) {
            throw new IOException("socket path longer than " + MAX_SOCKET_PATH + " bytes: " + socket
                    + " (set java.io.tmpdir to a shorter directory)");
        }
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), socket.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        Process p = launch(pb);
        InputStream in = new BufferedInputStream(p.getInputStream(), 64 * 1024);
        byte[] ready = SpawnParser.readLine(in);
        if (!SpawnParser.isReady(ready)) {
            p.destroyForcibly();
            throw new IOException("gateway-spawn did not start: " + (ready == null
                    ? "exited with status " + exitStatus(p) : new String(ready, StandardCharsets.UTF_8)));
        }
        SpawnDaemon d = new SpawnDaemon(p, socket, in);
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
        return t != GatewaySpawn.NO_TOKEN ? t : tokens.incrementAndGet();
    }

    /** Asks the daemon to kill the process group of request {@code token}. */
    void kill(int token) {
        byte[] line = SpawnWriter.kill(token);
        synchronized (commands) {
            try {
                commands.write(line);
                commands.flush();
            } catch (IOException e) {
                // the daemon is gone, and its programs with it
            }
        }
    }

    /** The reader thread: every event to the programs; at the end the daemon is dead. */
    private void readEvents(InputStream in) {
        try (in) {
            byte[] line;
            while ((line = SpawnParser.readLine(in)) != null) {
                SpawnParser.parse(line, programs);
                if (programs.batching() && in.available() == 0) {
                    programs.handOver(); // no more events at hand: the stderr lines read so far go out together
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
            programs.daemonGone();
            deleteSocket(); // a daemon that was killed could not remove it
        }
    }

    private void deleteSocket() {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "CGI: cannot delete " + socket + ": " + e);
        }
    }

    /** Closes the daemon's stdin: it kills every program's process group and exits (killed if it does not). */
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
