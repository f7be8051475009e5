package dev.gatewaybridge.process;

import java.io.IOException;

/** Keeps one spawner's daemon running: starts it, restarts it when it died, stops it for good. */
final class DaemonKeeper {

    private static final System.Logger LOG = System.getLogger(NativeSpawner.class.getName());

    private volatile SpawnDaemon daemon;
    private volatile boolean closed;

    private DaemonKeeper(SpawnDaemon daemon) {
        this.daemon = daemon;
    }

    /** Starts a daemon; IOException says why it cannot run here (no binary, no Linux, start failed). */
    static DaemonKeeper start() throws IOException {
        return new DaemonKeeper(SpawnDaemon.start(SpawnBinary.path()));
    }

    /** The running daemon, restarted if it died; IOException once stopped, or if it cannot restart. */
    SpawnDaemon running() throws IOException {
        SpawnDaemon d = daemon;
        if (!d.dead) {
            return d;
        }
        synchronized (this) {
            if (closed) {
                throw new IOException("the CGI application is closed");
            }
            if (daemon.dead) {
                LOG.log(System.Logger.Level.WARNING, "CGI: gateway-spawn daemon died, restarting it");
                daemon = SpawnDaemon.start(SpawnBinary.path());
            }
            return daemon;
        }
    }

    /** The daemon now, dead or alive (for tests). */
    SpawnDaemon current() {
        return daemon;
    }

    /** Stops the daemon (and so every program of it); no restart after this. */
    synchronized void stop() {
        closed = true;
        daemon.close();
    }
}
