package dev.gatewaybridge.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Starts programs: through the JDK ({@link JdkSpawner}, ProcessBuilder) or through the native
 * {@code gateway-spawn} daemon ({@link NativeSpawner}, mod_cgid's design). Its user (the CGI bridge's
 * {@code CgiProcess}) drives either kind of {@link Program} the same way, and chooses the kind with a
 * parameter of its own ({@code cgi.spawner}).
 */
public sealed interface Spawner extends AutoCloseable permits JdkSpawner, NativeSpawner {

    /**
     * Starts {@code command} in {@code dir} with exactly {@code env}, no shell, the argument vector as it is.
     * The lines the program writes on stderr go to {@code stderr}: those read together in one call, joined by
     * '\n' without a final line end (they become one log record; see {@code upstream.StderrLog}).
     */
    Program start(List<String> command, Path dir, Map<String, String> env, Consumer<String> stderr)
            throws IOException;

    /** "native" or "jdk", for messages. */
    String name();

    /** Stops what the spawner runs (for the native one: its daemon and every program). */
    @Override
    void close();

    /**
     * The spawner {@code mode} asks for ("auto", "native" or "jdk", the value of the user's parameter {@code
     * param}): "native" fails if the daemon cannot run, "auto" falls back to the JDK; {@code pumps} run the
     * JDK spawner's stderr pumps. Either way one INFO line to {@code log} (the caller's, so that it sits in
     * its bridge's logger hierarchy) says which one runs the programs of {@code who} (e.g. "CGI /srv/cgi-bin")
     * and why (issue 14 §11: a build without a C compiler ships no gateway-spawn, and CGI is then much slower).
     */
    static Spawner of(String mode, String param, ExecutorService pumps, String who, System.Logger log) {
        if (mode.equals("jdk")) {
            return logged(new JdkSpawner(pumps), who, param + "=jdk", log);
        }
        try {
            return logged(NativeSpawner.start(), who, param + "=" + mode, log);
        } catch (IOException e) {
            if (mode.equals("native")) {
                throw new IllegalArgumentException(param + " is native, but " + e.getMessage(), e);
            }
            return logged(new JdkSpawner(pumps), who, param + "=auto and the native spawner is "
                    + "unavailable: " + e.getMessage(), log);
        }
    }

    private static Spawner logged(Spawner spawner, String who, String why, System.Logger log) {
        String how = spawner.name().equals("native") ? "the native spawner (gateway-spawn at "
                + NativeSpawner.extracted() + ", forking as mod_cgid does)"
                : "the JDK (ProcessBuilder, the JVM forks)";
        log.log(System.Logger.Level.INFO, who
                + ": programs start through " + how + ": " + why);
        return spawner;
    }

    /** A started program: its stdin and stdout, its stderr lines and exit, and a way to kill it. */
    sealed interface Program permits JdkSpawner.JdkProgram, NativeProgram {

        /** The program's stdout (for CGI: the response). */
        InputStream stdout();

        /** The program's stdin (for CGI: the request body); closing it is end of file for the program. */
        OutputStream stdin();

        /** Kills the program and its descendants. */
        void kill();

        /** Whether it has not exited yet. */
        boolean isAlive();

        /** Waits up to {@code millis} for the exit; whether it exited. */
        boolean waitFor(long millis) throws InterruptedException;

        /** Completes when stderr reached its end and every line was handed over. */
        CompletableFuture<Void> stderrDone();

        /**
         * The exit code once known (negative: the signal that killed it, where the spawner can tell);
         * may never complete for a program that outlives its stderr.
         */
        CompletableFuture<Integer> exit();

        /**
         * Why the program could not be started (e.g. execve's "Exec format error"), or null if it was. Asked
         * when the program sent nothing: the native spawner learns it after the connection ended, and waits
         * up to {@code millis} for that report.
         */
        String startFailure(long millis) throws InterruptedException;

        /** Stops reading stderr: the program is abandoned (killed). */
        void abandonStderr();
    }
}
