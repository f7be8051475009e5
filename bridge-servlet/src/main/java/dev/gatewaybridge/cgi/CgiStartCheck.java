package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiConfig.INTERPRETERS;
import static dev.gatewaybridge.cgi.CgiConfig.PROGRAM;
import static dev.gatewaybridge.cgi.CgiConfig.ROOT;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a {@link CgiConfig} needs of the file system, checked when a {@link CgiApplication} starts rather than
 * when the configuration is read: the program is executable, the root is a directory, each interpreter exists
 * and is executable. Each failure is an {@link IllegalArgumentException} naming the param and the path.
 */
final class CgiStartCheck {

    private CgiStartCheck() {
    }

    /** {@code config}, once the files it names are as it needs them. */
    static CgiConfig check(CgiConfig config) {
        Path program = config.program();
        if (program != null && !Files.isExecutable(program)) {
            throw new IllegalArgumentException(PROGRAM + " is not an executable file: " + program);
        }
        Path root = config.root();
        if (root != null && !Files.isDirectory(root)) {
            throw new IllegalArgumentException(ROOT + " is not a directory: " + root);
        }
        config.interpreters().forEach((ext, argv) -> {
            Path interpreter = Path.of(argv.get(0));
            if (!Files.exists(interpreter)) {
                throw new IllegalArgumentException(INTERPRETERS + ": no such file: " + argv.get(0) + " (in "
                        + ext + "=" + String.join(" ", argv) + ")");
            }
            if (!Files.isExecutable(interpreter)) {
                throw new IllegalArgumentException(INTERPRETERS + " entry needs .ext=/path/to/executable: "
                        + ext + "=" + argv);
            }
        });
        return config;
    }
}
