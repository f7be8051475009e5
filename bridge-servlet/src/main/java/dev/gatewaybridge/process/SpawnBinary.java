package dev.gatewaybridge.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The gateway-spawn binary this build ships, extracted once per JVM. */
final class SpawnBinary {

    /** Where the build puts the binary: one per OS and architecture, named as Java names them. */
    static final String RESOURCE = "native/linux-" + System.getProperty("os.arch") + "/gateway-spawn";
    private static Path binary;

    private SpawnBinary() {
    }

    /** Whether this build has the binary for this machine. */
    static boolean available() {
        return isLinux() && SpawnBinary.class.getResource(RESOURCE) != null;
    }

    /** Where the binary was extracted, for the start-up line (null before the first daemon starts). */
    static synchronized Path extracted() {
        return binary;
    }

    /**
     * The binary, extracted once per JVM into a private (0700) temporary directory that also holds the
     * daemons' sockets; both are deleted when the JVM exits. IOException says why it cannot run here.
     */
    static synchronized Path path() throws IOException {
        if (binary != null) {
            return binary;
        }
        if (!isLinux()) {
            throw new IOException("gateway-spawn is built for Linux only, not " + System.getProperty("os.name"));
        }
        try (InputStream in = SpawnBinary.class.getResourceAsStream(RESOURCE)) {
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

    private static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }
}
