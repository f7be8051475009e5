package dev.gatewaybridge.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.FileBody;
import dev.gatewaybridge.api.FileWrapper;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.paths.MissingSlash;
import dev.gatewaybridge.paths.PathRules;

/**
 * Serves the files of one directory by PATH_INFO, as nginx's {@code root} or Werkzeug's
 * SharedDataMiddleware: GET and HEAD, {@code ETag} and {@code Last-Modified} with 304 and 412 (RFC 9110 §13),
 * one byte range per request (206, 416; §14), a Content-Type from a fixed table ({@link MimeTypes}), the
 * index file for a directory, and the body as a {@link FileBody} so the servlet sends it from off-heap
 * buffers. Paths are resolved by {@link PathRules}, the CGI bridge's rules: no dot segments, encoded
 * separators or NUL, names matched case-exactly, no symlink out of the root. Thread-safe.
 */
public final class FileApplication implements GatewayApplication {

    private static final String LABEL = "files";

    private final FilesConfig config;
    private final Path realRoot;
    private final MimeTypes types;

    /** From web.xml: the {@code files.*} init-params. */
    public FileApplication(Map<String, String> params) {
        this(FilesConfig.fromParams(params));
    }

    public FileApplication(FilesConfig config) {
        this.config = config;
        this.realRoot = PathRules.realRoot(FilesConfig.ROOT, config.root());
        this.types = new MimeTypes(config.mimeTypes());
    }

    public static FilesConfig.Builder builder() {
        return FilesConfig.builder();
    }

    public FilesConfig config() {
        return config;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws IOException {
        String method = Environ.get(environ, Environ.REQUEST_METHOD, "GET");
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return notAllowed(method, startResponse);
        }
        String path = Environ.get(environ, Environ.PATH_INFO, "");
        PathRules.check(LABEL, path, (String) environ.get(Environ.REQUEST_URI));
        deny(path);
        PathRules.Walk walk = PathRules.walk(LABEL, config.root(), path);
        Path file = walk.path();
        if (walk.isDirectory()) {
            if (!walk.slash()) {
                return MissingSlash.answer(environ, startResponse); // nginx and Apache do the same
            }
            if (config.index() == null || !Files.isRegularFile(file.resolve(config.index()))) {
                throw new HttpStatusException(403, "files: directory without " + FilesConfig.INDEX + ": "
                        + HeaderRules.quote(path));
            }
            deny(path + config.index());
            file = file.resolve(config.index());
        } else if (!walk.rest().isEmpty()) {
            throw new HttpStatusException(404, "files: no file for " + HeaderRules.quote(path)
                    + " (path continues past a file)");
        }
        PathRules.realInside(LABEL, file, realRoot, FilesConfig.ROOT);
        return serveFile(environ, startResponse, file);
    }

    /**
     * Whether this application has an answer of its own for {@code path} other than "not found": a file, a
     * directory with its index or without its slash, a denied path. A path refused by {@link PathRules#check}
     * throws. {@link StaticFiles} with {@code files.fallthrough} passes the other requests on.
     */
    boolean answers(String path, String requestUri) {
        PathRules.check(LABEL, path, requestUri);
        if (config.deny().match(path) != null) {
            return true;
        }
        PathRules.Walk walk;
        try {
            walk = PathRules.walk(LABEL, config.root(), path);
        } catch (HttpStatusException missing) {
            return false;
        }
        if (walk.isDirectory()) {
            return !walk.slash() || (config.index() != null && Files.isRegularFile(walk.path().resolve(config.index())));
        }
        return walk.rest().isEmpty() && walk.attributes().isRegularFile();
    }

    /** 404 (or {@link FilesConfig#DENY_STATUS}) for a path matching {@link FilesConfig#DENY}, existing or not. */
    private void deny(String path) {
        String pattern = config.deny().match(path);
        if (pattern != null) {
            throw new HttpStatusException(config.denyStatus(), "files: " + HeaderRules.quote(path)
                    + " refused by " + FilesConfig.DENY + " pattern " + HeaderRules.quote(pattern));
        }
    }

    /**
     * Sends {@code file}, already resolved and checked by the caller (the CGI bridge uses this for
     * {@code cgi.static}): GET and HEAD only (else 405), preconditions, range, headers, then the body from
     * the file's channel.
     */
    public Iterable<byte[]> serveFile(Map<String, Object> environ, StartResponse startResponse, Path file)
            throws IOException {
        String method = Environ.get(environ, Environ.REQUEST_METHOD, "GET");
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return notAllowed(method, startResponse);
        }
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attrs.isRegularFile()) {
            throw new HttpStatusException(403, "files: not a regular file: " + HeaderRules.quote(file.toString()));
        }
        long size = attrs.size();
        Validators validators = Validators.of(attrs.lastModifiedTime().toInstant(), size);
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("ETag", validators.etag()));
        headers.add(new Header("Last-Modified", validators.lastModifiedText()));
        if (config.maxAge() >= 0) {
            headers.add(new Header("Cache-Control", "max-age=" + config.maxAge()));
        }
        switch (Preconditions.evaluate(environ, validators)) {
            case NOT_MODIFIED -> {
                // §15.4.5: the 304 carries the validators and Cache-Control a 200 would have, no content
                startResponse.start("304 Not Modified", headers, null);
                return List.of();
            }
            case FAILED -> {
                return error(startResponse, "412 Precondition Failed", headers);
            }
            case PROCEED -> {
            }
        }
        headers.add(new Header("Accept-Ranges", "bytes"));
        headers.add(new Header("Content-Type", types.typeOf(file.getFileName().toString(),
                environ.get(Environ.SERVLET_REQUEST))));
        boolean head = method.equals("HEAD");
        // §14.2: Range applies to GET only; If-Range may turn it off
        ByteRange range = head || !Preconditions.rangeAllowed(environ, validators) ? ByteRange.FULL
                : ByteRange.of(Environ.get(environ, Environ.httpKey("Range"), null), size);
        if (range instanceof ByteRange.Unsatisfiable) {
            headers.removeIf(h -> h.is("Content-Type"));
            headers.add(new Header("Content-Range", "bytes */" + size));
            return error(startResponse, "416 Range Not Satisfiable", headers);
        }
        if (range instanceof ByteRange.Part p) {
            headers.add(new Header("Content-Range", "bytes " + p.first() + "-" + p.last() + "/" + size));
            headers.add(new Header("Content-Length", Long.toString(p.length())));
            startResponse.start("206 Partial Content", headers, null);
            return body(environ, file, p.first(), p.length());
        }
        headers.add(new Header("Content-Length", Long.toString(size)));
        startResponse.start("200 OK", headers, null);
        return head ? List.of() : body(environ, file, 0, size);
    }

    /**
     * The file's bytes [{@code first}, first + length) as a {@link FileBody} (PEP 3333's file_wrapper when
     * the server gave one), so the servlet sends them from the channel without copying through the heap.
     */
    private static Iterable<byte[]> body(Map<String, Object> environ, Path file, long first, long length)
            throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            channel.position(first);
            if (first == 0 && length == channel.size() && environ.get(Environ.WSGI_FILE_WRAPPER) instanceof FileWrapper w) {
                return w.wrap(channel, 0);
            }
            return new FileBody(channel, 0, length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Iterable<byte[]> error(StartResponse startResponse, String status, List<Header> headers) {
        byte[] body = (status + "\n").getBytes(StandardCharsets.UTF_8);
        List<Header> all = new ArrayList<>(headers);
        all.add(new Header("Content-Type", "text/plain; charset=utf-8"));
        all.add(new Header("Content-Length", Integer.toString(body.length)));
        startResponse.start(status, all, null);
        return List.of(body);
    }

    private static Iterable<byte[]> notAllowed(String method, StartResponse startResponse) {
        byte[] body = ("405 Method Not Allowed: " + method + "\n").getBytes(StandardCharsets.UTF_8);
        startResponse.start("405 Method Not Allowed", List.of(new Header("Allow", "GET, HEAD"),
                new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))), null);
        return List.of(body);
    }
}
