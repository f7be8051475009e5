package dev.gatewaybridge.cgi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Counts processes, threads and file descriptors through /proc, for leak checks. */
public final class ProcessCensus {

    private ProcessCensus() {
    }

    /** Live (non-zombie) processes with {@code argument} in their command line, after a short settle. */
    public static long withArgument(String argument) throws InterruptedException {
        long n = 0;
        for (int i = 0; i < 50; i++) {
            n = count(argument, false);
            if (n == 0) {
                return 0;
            }
            Thread.sleep(20);
        }
        return n;
    }

    /**
     * Waits up to 5 s for a live process with {@code argument} in its command line; how many there are. A CGI
     * program's headers can arrive before it execs the process the test looks for.
     */
    public static long awaitRunning(String argument) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long n;
        while ((n = count(argument, false)) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return n;
    }

    /** Processes whose command line contains {@code needle}; zombies too if {@code zombies}. */
    public static long count(String needle, boolean zombies) {
        long n = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    String stat = Files.readString(p.resolve("stat"));
                    boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
                    if (cmd.contains(needle) && (!zombie || zombies)) {
                        n++;
                    }
                } catch (IOException e) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return n;
    }

    /** Zombie children of this JVM. */
    public static long zombieChildren() {
        long self = ProcessHandle.current().pid();
        long n = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[0].equals("Z") && Long.parseLong(f[1]) == self) {
                        n++;
                    }
                } catch (IOException e) {
                    // gone
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return n;
    }

    /** Open file descriptors of this JVM. */
    public static int openFds() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Live threads of this JVM whose name starts with {@code prefix}. */
    public static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
