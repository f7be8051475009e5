package dev.gatewaybridge.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/**
 * The project's README at {@code /README.md}, and each {@code docs/NAME.md} it links at {@code /docs/NAME.md},
 * packaged into the WAR by the build, as plain text (a browser shows it, not saves it). The docs' links back,
 * {@code ../README.md}, resolve to the same servlet.
 */
public final class ReadmeApp implements GatewayApplication {

    /** A link from the README to a page of docs/: {@code ](docs/cgi.md)} or {@code ](docs/cgi.md#anchor)}. */
    private static final Pattern DOCS_LINK = Pattern.compile("\\]\\(docs/([\\w-]+\\.md)[)#]");

    private final byte[] readme;
    /** The docs pages by their PATH_INFO below the {@code /docs/*} mapping, e.g. {@code /cgi.md}. */
    private final Map<String, byte[]> docs;

    public ReadmeApp() {
        this(name -> ReadmeApp.class.getResourceAsStream("/sample/" + name));
    }

    /** Reads {@code README.md} and the {@code docs/NAME.md} it links from resources (null for a missing one). */
    ReadmeApp(Function<String, InputStream> resources) {
        readme = read(resources, "README.md").orElseThrow(() -> new IllegalStateException(
                "sample/README.md is not on the class path: build the WAR with Maven"));
        Map<String, byte[]> pages = new TreeMap<>();
        Matcher link = DOCS_LINK.matcher(new String(readme, StandardCharsets.UTF_8));
        while (link.find()) {
            String name = link.group(1);
            read(resources, "docs/" + name).ifPresent(page -> pages.put("/" + name, page));
        }
        docs = Map.copyOf(pages);
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        String pathInfo = Environ.get(environ, Environ.PATH_INFO, "");
        byte[] page = Environ.get(environ, Environ.SCRIPT_NAME, "").endsWith("/README.md") && pathInfo.isEmpty()
                ? readme : docs.get(pathInfo);
        if (page == null) {
            page = ("no such page: docs" + pathInfo + "\n").getBytes(StandardCharsets.UTF_8);
            return answer("404 Not Found", page, startResponse);
        }
        return answer("200 OK", page, startResponse);
    }

    private static Iterable<byte[]> answer(String status, byte[] page, StartResponse startResponse) {
        startResponse.start(status, List.of(
                Header.of("Content-Type", "text/plain; charset=utf-8"),
                Header.of("Content-Length", Integer.toString(page.length))));
        return List.of(page);
    }

    private static Optional<byte[]> read(Function<String, InputStream> resources, String name) {
        try (InputStream in = resources.apply(name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
