package dev.gatewaybridge.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts programs with {@link ProcessBuilder}: the JVM forks (by default through {@code posix_spawn} and the
 * JDK's {@code jspawnhelper}). A pump thread per program copies its stderr; the JDK reaps it.
 */
public final class JdkSpawner implements Spawner {

    /** Longest stderr line handed over in one piece. */
    static final int MAX_LINE = 8 * 1024;
    /** Most characters of lines handed over in one call. */
    static final int MAX_BATCH = 16 * 1024;
    /** How long after its stderr ended a program's exit status is waited for. */
    private static final long EXIT_WAIT_MS = 2000;

    private final ExecutorService pumps;

    JdkSpawner(ExecutorService pumps) {
        this.pumps = pumps;
    }

    @Override
    public Program start(List<String> command, Path dir, Map<String, String> env, Consumer<String> stderr)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> environment = pb.environment();
        environment.clear(); // nothing of the JVM's own environment leaks into the program
        environment.putAll(env);
        JdkProgram p = new JdkProgram(pb.start());
        pumps.execute(() -> p.pumpStderr(stderr));
        return p;
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public void close() {
        // nothing of its own: the programs are closed by their user, the pumps by whoever passed them
    }

    /** A {@link Process} as a {@link Spawner.Program}. */
    static final class JdkProgram implements Spawner.Program {
        private final Process process;
        private final CompletableFuture<Void> stderrDone = new CompletableFuture<>();
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();

        JdkProgram(Process process) {
            this.process = process;
        }

        /**
         * Copies stderr line by line, the lines already read handed over together; it always drains, so the
         * program never blocks on it.
         */
        void pumpStderr(Consumer<String> lines) {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8), 8192)) {
                StringBuilder batch = new StringBuilder();
                int lineStart = 0;
                int c;
                while ((c = r.read()) >= 0) {
                    if (c == '\n' || batch.length() - lineStart >= MAX_LINE) {
                        if (!r.ready() || batch.length() >= MAX_BATCH) { // nothing more at hand: hand it over
                            lines.accept(batch.toString());
                            batch.setLength(0);
                        } else {
                            batch.append('\n');
                        }
                        lineStart = batch.length();
                        if (c == '\n') {
                            continue;
                        }
                    }
                    if (c != '\r') {
                        batch.append((char) c);
                    }
                }
                if (lineStart > 0 && lineStart == batch.length()) {
                    batch.setLength(lineStart - 1); // the last line ended: no empty line after it
                }
                if (batch.length() > 0) {
                    lines.accept(batch.toString());
                }
                stderrDone.complete(null);
                // stderr ends with the program: its exit status is a moment away.
                if (process.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    exit.complete(process.exitValue());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                // the pipe was closed by abandonStderr(): nothing more to hand over
            } finally {
                stderrDone.complete(null);
            }
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public OutputStream stdin() {
            return process.getOutputStream();
        }

        /**
         * Snapshot the descendants first (after the parent dies they are re-parented and can no longer be
         * found), then kill the parent so it forks no more, then the snapshot.
         */
        @Override
        public void kill() {
            List<ProcessHandle> descendants = process.descendants().toList();
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public boolean waitFor(long millis) throws InterruptedException {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletableFuture<Void> stderrDone() {
            return stderrDone;
        }

        @Override
        public CompletableFuture<Integer> exit() {
            return exit;
        }

        /** ProcessBuilder.start() throws when the program cannot start: nothing to report later. */
        @Override
        public String startFailure(long millis) {
            return null;
        }

        @Override
        public void abandonStderr() {
            try {
                process.getErrorStream().close();
            } catch (IOException e) {
                // closing a pipe of a dead process
            }
        }
    }
}
