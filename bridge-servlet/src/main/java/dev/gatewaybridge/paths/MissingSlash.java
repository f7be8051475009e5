package dev.gatewaybridge.paths;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;

/**
 * A directory addressed without its trailing '/' where an index file would answer: the client is sent to
 * the same URL with the slash (Apache mod_dir's DirectorySlash, nginx's 301 for a directory), so that the
 * index page's relative links resolve inside the directory.
 */
public final class MissingSlash extends HttpStatusException {

    private static final long serialVersionUID = 1L;

    public MissingSlash(String label, String path) {
        super(301, label + ": directory without trailing slash: " + dev.gatewaybridge.api.HeaderRules.quote(path));
    }

    /**
     * The 301 to the request's own raw path plus '/', query kept (RFC 9110 §15.4.2; a relative reference is a
     * valid Location, §10.2.2). The raw REQUEST_URI is used so the percent-encoding stays as the client sent it.
     */
    public static Iterable<byte[]> answer(Map<String, Object> environ, StartResponse startResponse) {
        String uri = Environ.get(environ, Environ.REQUEST_URI, null);
        String path;
        String query;
        if (uri != null) {
            int q = uri.indexOf('?');
            path = q < 0 ? uri : uri.substring(0, q);
            query = q < 0 ? "" : uri.substring(q + 1);
        } else {
            path = Environ.get(environ, Environ.SCRIPT_NAME, "") + Environ.get(environ, Environ.PATH_INFO, "");
            query = Environ.get(environ, Environ.QUERY_STRING, "");
        }
        String location = path + "/" + (query.isEmpty() ? "" : "?" + query);
        byte[] body = ("Moved to " + location + "\n").getBytes(StandardCharsets.UTF_8);
        startResponse.start("301 Moved Permanently", List.of(new Header("Location", location),
                new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))), null);
        return List.of(body);
    }
}
