package dev.gatewaybridge.paths;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;

/**
 * The rules by which a request path names a file under a root, shared by the CGI bridge and the files
 * application so both refuse the same paths the same way. Every refusal is an {@link HttpStatusException}
 * whose message starts with the caller's label and names the offending path.
 */
public final class PathRules {

    /**
     * Where a walk of the path's segments stopped: at the first entry that is not a directory, or at the
     * last segment.
     *
     * @param path       the entry reached (the root itself for an empty path)
     * @param attributes its attributes (links followed)
     * @param walked     the segments walked, with a leading '/' ("" for the root)
     * @param rest       the segments after {@code path}, with a leading '/' ("" if none)
     * @param slash      whether the path ended with '/' right after {@code path} (a directory addressed as one)
     */
    public record Walk(Path path, BasicFileAttributes attributes, String walked, String rest, boolean slash) {

        public boolean isDirectory() {
            return attributes.isDirectory();
        }
    }

    // Percent-encoded '/', '\' and NUL in the raw URI: decoded they would either re-split the path after our
    // checks or cut a C string short (Apache's AllowEncodedSlashes Off, CVE-2007-0450 in Tomcat).
    private static final Pattern ENCODED_SEPARATOR = Pattern.compile("%(2[fF]|5[cC]|00)");

    private PathRules() {
    }

    /**
     * Refuses NUL (400), a path not starting with '/' (400), dot segments and backslashes (403) in the decoded
     * path, and encoded separators or NUL in the raw {@code requestUri} (403), before touching the file system.
     */
    public static void check(String label, String path, String requestUri) {
        if (path.indexOf('\0') >= 0) {
            throw new HttpStatusException(400, label + ": NUL byte in path " + HeaderRules.quote(path));
        }
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw new HttpStatusException(400, label + ": PATH_INFO does not start with '/': " + HeaderRules.quote(path));
        }
        for (String seg : path.split("/")) {
            if (seg.equals("..") || seg.equals(".") || seg.indexOf('\\') >= 0) {
                throw new HttpStatusException(403, label + ": path traversal refused: " + HeaderRules.quote(path));
            }
        }
        if (requestUri != null) {
            int q = requestUri.indexOf('?');
            String rawPath = q < 0 ? requestUri : requestUri.substring(0, q);
            if (ENCODED_SEPARATOR.matcher(rawPath).find()) {
                throw new HttpStatusException(403, label + ": encoded separator or NUL refused in "
                        + HeaderRules.quote(rawPath));
            }
        }
    }

    /**
     * Walks {@code path} (checked by {@link #check}) from {@code root} segment by segment, each name matched
     * case-exactly, down to the first entry that is not a directory or to the end: 404 for a missing entry or
     * an empty segment before the last.
     */
    public static Walk walk(String label, Path root, String path) {
        String[] segments = path.split("/", -1);
        Path dir = root;
        BasicFileAttributes attrs = attributes(label, root, path);
        for (int i = 1; i < segments.length; i++) {
            String seg = segments[i];
            if (seg.isEmpty()) {
                if (i == segments.length - 1) {
                    return new Walk(dir, attrs, joined(segments, 1, i), "", true);
                }
                throw new HttpStatusException(404, label + ": empty segment in " + HeaderRules.quote(path));
            }
            Path p = dir.resolve(seg);
            attrs = attributes(label, p, path);
            if (!caseExact(dir, seg)) {
                // CVE-2025-46701: on a case-insensitive file system "/cgi-bin/SCRIPT.SH" must not find script.sh
                // past rules written for the exact name.
                throw new HttpStatusException(404, label + ": no file named exactly " + HeaderRules.quote(seg));
            }
            if (!attrs.isDirectory()) {
                return new Walk(p, attrs, joined(segments, 1, i + 1), joined(segments, i + 1, segments.length), false);
            }
            dir = p;
        }
        return new Walk(dir, attrs, joined(segments, 1, segments.length), "", false);
    }

    /** "/" + segments[from..to) joined by '/', or "" if the range is empty. */
    private static String joined(String[] segments, int from, int to) {
        return from >= to ? "" : "/" + String.join("/", List.of(segments).subList(from, to));
    }

    private static BasicFileAttributes attributes(String label, Path p, String path) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new HttpStatusException(404, label + ": no file for " + HeaderRules.quote(path));
        }
    }

    /** Whether {@code dir} holds an entry spelled exactly {@code name}. */
    public static boolean caseExact(Path dir, String name) {
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

    /**
     * The real path of {@code file}, which must stay inside {@code realRoot} once symlinks are resolved (403
     * naming both paths; 404 if it cannot be resolved): a link out of the root would reach any file.
     */
    public static Path realInside(String label, Path file, Path realRoot, String rootParam) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw new HttpStatusException(404, label + ": cannot resolve " + HeaderRules.quote(file.toString()));
        }
        if (!real.startsWith(realRoot)) {
            throw new HttpStatusException(403, label + ": " + HeaderRules.quote(file.toString())
                    + " resolves outside " + rootParam + " to " + HeaderRules.quote(real.toString()));
        }
        return real;
    }

    /** The real path of a configured root, or an {@link IllegalArgumentException} naming {@code param}. */
    public static Path realRoot(String param, Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(param + " cannot be resolved: " + root, e);
        }
    }
}
