package dev.gatewaybridge.files;

import java.util.Locale;
import java.util.Map;

/**
 * Content-Type by file name: the configured types, then a built-in table of the types web applications
 * ship (the same answer on every container, unlike {@code Files.probeContentType} or the containers' own
 * tables), then the container's table when the request came through a servlet, then
 * {@code application/octet-stream} (RFC 9110 §8.3: a sender that does not know the type may omit it; we
 * name the generic one so no client sniffs). Text types carry {@code charset=utf-8}.
 */
final class MimeTypes {

    static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry(".html", "text/html; charset=utf-8"),
            Map.entry(".htm", "text/html; charset=utf-8"),
            Map.entry(".css", "text/css; charset=utf-8"),
            Map.entry(".js", "text/javascript; charset=utf-8"), // RFC 9239
            Map.entry(".mjs", "text/javascript; charset=utf-8"),
            Map.entry(".json", "application/json"),
            Map.entry(".map", "application/json"),
            Map.entry(".xml", "application/xml"),
            Map.entry(".txt", "text/plain; charset=utf-8"),
            Map.entry(".csv", "text/csv; charset=utf-8"),
            Map.entry(".md", "text/markdown; charset=utf-8"),
            Map.entry(".svg", "image/svg+xml"),
            Map.entry(".png", "image/png"),
            Map.entry(".jpg", "image/jpeg"),
            Map.entry(".jpeg", "image/jpeg"),
            Map.entry(".gif", "image/gif"),
            Map.entry(".webp", "image/webp"),
            Map.entry(".avif", "image/avif"),
            Map.entry(".ico", "image/vnd.microsoft.icon"),
            Map.entry(".bmp", "image/bmp"),
            Map.entry(".woff", "font/woff"),
            Map.entry(".woff2", "font/woff2"),
            Map.entry(".ttf", "font/ttf"),
            Map.entry(".otf", "font/otf"),
            Map.entry(".eot", "application/vnd.ms-fontobject"),
            Map.entry(".pdf", "application/pdf"),
            Map.entry(".zip", "application/zip"),
            Map.entry(".gz", "application/gzip"),
            Map.entry(".tar", "application/x-tar"),
            Map.entry(".wasm", "application/wasm"),
            Map.entry(".mp4", "video/mp4"),
            Map.entry(".webm", "video/webm"),
            Map.entry(".mp3", "audio/mpeg"),
            Map.entry(".ogg", "audio/ogg"),
            Map.entry(".wav", "audio/wav"),
            Map.entry(".rss", "application/rss+xml"),
            Map.entry(".atom", "application/atom+xml"),
            Map.entry(".xsl", "application/xslt+xml"));

    private final Map<String, String> configured;

    MimeTypes(Map<String, String> configured) {
        this.configured = configured;
    }

    /** The type of {@code fileName}; {@code servletRequest} (may be null) reaches the container's table. */
    String typeOf(String fileName, Object servletRequest) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot <= 0 ? "" : fileName.substring(dot).toLowerCase(Locale.ROOT);
        String type = configured.get(ext);
        if (type == null) {
            type = BUILT_IN.get(ext);
        }
        if (type == null && servletRequest != null && !ext.isEmpty()) {
            type = ContainerMimeTypes.typeOf(servletRequest, fileName);
        }
        return type != null ? type : DEFAULT;
    }
}
