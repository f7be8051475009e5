package dev.gatewaybridge.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * Finding the real peers (Debian packages) tests talk to. In CI ({@code CI=true}) a missing peer fails the
 * test; on a developer machine it skips, saying which peer and how to install it.
 */
public final class Peers {

    private Peers() {
    }

    /** Whether we run in CI, where no test may skip for a missing peer. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * The executable {@code name} from PATH, or from the given candidate paths (Debian puts some peers under
     * /usr/sbin or versioned names such as /usr/sbin/php-fpm8.2); fails in CI, skips elsewhere.
     */
    public static Path require(String name, String... candidates) {
        Optional<Path> found = find(name, candidates);
        if (found.isPresent()) {
            return found.get();
        }
        String why = "peer '" + name + "' is not installed; run scripts/install-peers.sh";
        if (inCi()) {
            throw new AssertionError(why + " (CI=true: a missing peer is a failure)");
        }
        Assumptions.abort(why);
        throw new AssertionError("unreachable");
    }

    /** The executable, looked up without failing or skipping. */
    public static Optional<Path> find(String name, String... candidates) {
        for (String c : candidates) {
            for (Path p : glob(c)) {
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A free loopback TCP port (for peers that cannot report the port they bound). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.util.List<Path> glob(String pattern) {
        Path p = Path.of(pattern);
        Path dir = p.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        var matcher = dir.getFileSystem().getPathMatcher("glob:" + p.getFileName());
        try (var files = Files.list(dir)) {
            return files.filter(f -> matcher.matches(f.getFileName())).sorted().toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }
}
