package dev.gatewaybridge.cgi;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;

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
    }

    // Percent-encoded '/', '\' and NUL in the raw URI: decoded they would either re-split the path after our
    // checks or cut a C string short (Apache's AllowEncodedSlashes Off, CVE-2007-0450 in Tomcat).
    private static final Pattern ENCODED_SEPARATOR = Pattern.compile("%(2[fF]|5[cC]|00)");

    private final CgiConfig config;
    private final Path realRoot;

    ScriptResolver(CgiConfig config) {
        this.config = config;
        try {
            this.realRoot = config.root() == null ? null : config.root().toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(CgiConfig.ROOT + " cannot be resolved: " + config.root(), e);
        }
    }

    /** The program for {@code mount} (SCRIPT_NAME so far), {@code pathInfo} and the raw request URI. */
    Script resolve(String mount, String pathInfo, String requestUri) {
        checkPath(pathInfo, requestUri);
        if (config.program() != null) {
            Path p = config.program();
            return new Script(p, mount, pathInfo, List.of(p.toString()), nph(p));
        }
        String[] segments = pathInfo.split("/", -1);
        Path dir = config.root();
        for (int i = 1; i < segments.length; i++) {
            String seg = segments[i];
            if (seg.isEmpty()) {
                throw new HttpStatusException(i == segments.length - 1 ? 403 : 404,
                        "CGI: no script in " + HeaderRules.quote(pathInfo) + " (directory or empty segment)");
            }
            Path p = dir.resolve(seg);
            BasicFileAttributes attrs = attributes(p, pathInfo);
            if (!caseExact(dir, seg)) {
                // CVE-2025-46701: on a case-insensitive file system "/cgi-bin/SCRIPT.SH" must not find script.sh
                // past rules written for the exact name.
                throw new HttpStatusException(404, "CGI: no script named exactly " + HeaderRules.quote(seg));
            }
            if (attrs.isDirectory()) {
                dir = p;
                continue;
            }
            if (!attrs.isRegularFile()) {
                throw new HttpStatusException(403, "CGI: not a regular file: " + HeaderRules.quote(p.toString()));
            }
            String walked = String.join("/", List.of(segments).subList(1, i + 1));
            String rest = i + 1 < segments.length
                    ? "/" + String.join("/", List.of(segments).subList(i + 1, segments.length)) : "";
            return script(p, mount + "/" + walked, rest);
        }
        throw new HttpStatusException(403, "CGI: " + HeaderRules.quote(pathInfo) + " is a directory, not a script");
    }

    /** Refuses NUL, backslashes, dot segments and encoded separators before touching the file system. */
    private static void checkPath(String pathInfo, String requestUri) {
        if (pathInfo.indexOf('\0') >= 0) {
            throw new HttpStatusException(400, "CGI: NUL byte in path " + HeaderRules.quote(pathInfo));
        }
        if (!pathInfo.isEmpty() && !pathInfo.startsWith("/")) {
            throw new HttpStatusException(400, "CGI: PATH_INFO does not start with '/': " + HeaderRules.quote(pathInfo));
        }
        for (String seg : pathInfo.split("/")) {
            if (seg.equals("..") || seg.equals(".") || seg.indexOf('\\') >= 0) {
                throw new HttpStatusException(403, "CGI: path traversal refused: " + HeaderRules.quote(pathInfo));
            }
        }
        if (requestUri != null) {
            int q = requestUri.indexOf('?');
            String rawPath = q < 0 ? requestUri : requestUri.substring(0, q);
            if (ENCODED_SEPARATOR.matcher(rawPath).find()) {
                throw new HttpStatusException(403, "CGI: encoded separator or NUL refused in "
                        + HeaderRules.quote(rawPath));
            }
        }
    }

    private static BasicFileAttributes attributes(Path p, String pathInfo) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new HttpStatusException(404, "CGI: no script for " + HeaderRules.quote(pathInfo));
        }
    }

    /** Whether {@code dir} holds an entry spelled exactly {@code name}. */
    private static boolean caseExact(Path dir, String name) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                if (e.getFileName().toString().equals(name)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The checks on the found file: inside the root once symlinks are resolved, allowed, executable. */
    private Script script(Path file, String scriptName, String pathInfo) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw new HttpStatusException(404, "CGI: cannot resolve " + HeaderRules.quote(file.toString()));
        }
        if (!real.startsWith(realRoot)) {
            // A symlink pointing out of the root would run any program on the machine.
            throw new HttpStatusException(403, "CGI: " + HeaderRules.quote(file.toString())
                    + " resolves outside " + CgiConfig.ROOT + " to " + HeaderRules.quote(real.toString()));
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot <= 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
        if (!config.extensions().isEmpty() && !config.extensions().contains(ext)) {
            throw new HttpStatusException(403, "CGI: extension not allowed: " + HeaderRules.quote(name));
        }
        List<String> command = new ArrayList<>();
        List<String> interpreter = config.interpreters().get(ext);
        if (interpreter != null) {
            command.addAll(interpreter);
        } else if (!Files.isExecutable(real) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new HttpStatusException(403, "CGI: not executable: " + HeaderRules.quote(file.toString()));
        } else {
            checkFormat(real);
        }
        command.add(file.toString());
        return new Script(file, scriptName, pathInfo, command, nph(file));
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
