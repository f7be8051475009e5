package dev.gatewaybridge.cgi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.paths.MissingSlash;
import dev.gatewaybridge.paths.PathRules;

/**
 * Finds the program for a request: the fixed program, or the first regular file met walking PATH_INFO
 * segment by segment from the script root. Every refusal is an {@link HttpStatusException} naming the path.
 */
final class ScriptResolver {

    /**
     * A resolved program.
     *
     * @param file       the script as addressed (SCRIPT_FILENAME), inside the root
     * @param scriptName SCRIPT_NAME: the mount point and the walked segments
     * @param pathInfo   PATH_INFO: the segments after the script, "" if none
     * @param command    the argument vector: [interpreter...,] script
     * @param nph        whether the program's name starts with "nph-" (RFC 3875 §5) and nph is enabled
     */
    record Script(Path file, String scriptName, String pathInfo, List<String> command, boolean nph) {

        /** Whether this is a file to send as it is ({@link CgiConfig#STATIC}), not a program: no command. */
        boolean isStaticFile() {
            return command.isEmpty();
        }
    }

    private final CgiConfig config;
    private final Path realRoot;

    ScriptResolver(CgiConfig config) {
        this.config = config;
        this.realRoot = config.root() == null ? null : PathRules.realRoot(CgiConfig.ROOT, config.root());
    }

    /** The program for {@code mount} (SCRIPT_NAME so far), {@code pathInfo} and the raw request URI. */
    Script resolve(String mount, String pathInfo, String requestUri) {
        checkPath(pathInfo, requestUri);
        if (config.program() != null) {
            Path p = config.program();
            checkPathInfo(mount, pathInfo);
            return new Script(p, mount, pathInfo, List.of(p.toString()), nph(p));
        }
        PathRules.Walk walk = PathRules.walk("CGI", config.root(), pathInfo);
        if (walk.isDirectory()) {
            return directory(mount, pathInfo, walk);
        }
        if (!walk.attributes().isRegularFile()) {
            throw new HttpStatusException(403, "CGI: not a regular file: " + HeaderRules.quote(walk.path().toString()));
        }
        return script(walk.path(), mount + walk.walked(), walk.rest());
    }

    /**
     * A directory: its {@link CgiConfig#INDEX} file if set (Apache's DirectoryIndex), after a 301 to the path
     * with its trailing '/' ({@link MissingSlash}); 403 otherwise, as a directory is not a program.
     */
    private Script directory(String mount, String pathInfo, PathRules.Walk walk) {
        Path index = config.index() == null ? null : walk.path().resolve(config.index());
        if (index == null || !Files.isRegularFile(index)) {
            throw new HttpStatusException(403, "CGI: " + HeaderRules.quote(pathInfo) + " is a directory, not a script");
        }
        if (!walk.slash()) {
            throw new MissingSlash("CGI", pathInfo);
        }
        return script(index, mount + walk.walked() + "/" + config.index(), "");
    }

    /** Refuses NUL, backslashes, dot segments and encoded separators before touching the file system. */
    private static void checkPath(String pathInfo, String requestUri) {
        PathRules.check("CGI", pathInfo, requestUri);
    }

    /** {@link CgiConfig#ACCEPT_PATH_INFO} false: path info after the program is a 404 (Apache's AcceptPathInfo Off). */
    private void checkPathInfo(String scriptName, String pathInfo) {
        if (!config.acceptPathInfo() && !pathInfo.isEmpty()) {
            throw new HttpStatusException(404, "CGI: path info " + HeaderRules.quote(pathInfo) + " after "
                    + HeaderRules.quote(scriptName) + " refused (" + CgiConfig.ACCEPT_PATH_INFO + "=false)");
        }
    }

    /** The checks on the found file: inside the root once symlinks are resolved, allowed, executable. */
    private Script script(Path file, String scriptName, String pathInfo) {
        checkPathInfo(scriptName, pathInfo);
        // A symlink pointing out of the root would run any program on the machine.
        Path real = PathRules.realInside("CGI", file, realRoot, CgiConfig.ROOT);
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot <= 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
        if (!config.extensions().isEmpty() && !config.extensions().contains(ext)) {
            if (config.staticFiles() && pathInfo.isEmpty()) {
                return staticFile(file, scriptName);
            }
            throw new HttpStatusException(403, "CGI: extension not allowed: " + HeaderRules.quote(name));
        }
        List<String> command = new ArrayList<>();
        List<String> interpreter = config.interpreters().get(ext);
        if (interpreter != null) {
            command.addAll(interpreter);
        } else if (!Files.isExecutable(real) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            if (config.staticFiles() && pathInfo.isEmpty()) {
                return staticFile(file, scriptName);
            }
            throw new HttpStatusException(403, "CGI: not executable: " + HeaderRules.quote(file.toString()));
        } else {
            checkFormat(real);
        }
        command.add(file.toString());
        return new Script(file, scriptName, pathInfo, command, nph(file));
    }

    /** A file of the root that is not a program, served as a static file ({@link CgiConfig#STATIC}). */
    private static Script staticFile(Path file, String scriptName) {
        return new Script(file, scriptName, "", List.of(), false);
    }

    /**
     * A program must start with "#!" or be an ELF binary. Without this, the JDK (like execvp) would run any
     * other file through /bin/sh on ENOEXEC: a shell we did not choose (Apache answers 500 there too).
     */
    private static void checkFormat(Path program) {
        byte[] magic = new byte[4];
        int n;
        try (var in = Files.newInputStream(program)) {
            n = in.readNBytes(magic, 0, 4);
        } catch (IOException e) {
            throw new HttpStatusException(403, "CGI: cannot read " + HeaderRules.quote(program.toString()));
        }
        boolean shebang = n >= 2 && magic[0] == '#' && magic[1] == '!';
        boolean elf = n == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        if (!shebang && !elf) {
            throw new HttpStatusException(500, "CGI: cannot start " + HeaderRules.quote(program.toString())
                    + ": neither a #! script nor an ELF binary (map its extension in " + CgiConfig.INTERPRETERS + ")");
        }
    }

    private boolean nph(Path p) {
        return config.nph() && p.getFileName().toString().startsWith("nph-");
    }
}
