package dev.gatewaybridge.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.gatewaybridge.config.ConfigReader;
import dev.gatewaybridge.config.Grammar;
import dev.gatewaybridge.config.Namespace;
import dev.gatewaybridge.config.Setting;
import dev.gatewaybridge.paths.PathPatterns;

/**
 * The configuration of a {@link FileApplication}, read once and immutable: from init-params
 * ({@link #fromParams}; names are the {@code files.*} constants, documented in docs/files.md) or
 * {@link #builder()}. A wrong value fails with an {@link IllegalArgumentException} naming the param.
 *
 * @param root       the directory served
 * @param index      the file sent for a directory ("index.html"), or null for none
 * @param maxAge     seconds of {@code Cache-Control: max-age}, or -1 to send no Cache-Control
 * @param deny       paths (relative to the root) answered {@code denyStatus} whether they exist or not
 * @param denyStatus 404 (default: the client learns nothing) or 403
 * @param mimeTypes  extension (".svg", lower case) → Content-Type, before the built-in table
 */
public record FilesConfig(Path root, String index, long maxAge, PathPatterns deny, int denyStatus,
        Map<String, String> mimeTypes) {

    /** Prefix of every param of the files application. */
    public static final String PREFIX = "files.";
    /** The directory served (required). */
    public static final String ROOT = "files.root";
    /** File name sent for a request addressing a directory with a trailing '/'; default {@code index.html}, empty for none. */
    public static final String INDEX = "files.index";
    /** Seconds of {@code Cache-Control: max-age=N}; default none (no Cache-Control). */
    public static final String MAX_AGE = "files.maxAge";
    /** Path patterns (see {@link PathPatterns}) refused with {@link #DENY_STATUS}; default none. */
    public static final String DENY = "files.deny";
    /** Status for a denied path: {@code 404} (default) or {@code 403}. */
    public static final String DENY_STATUS = "files.denyStatus";
    /** Comma-separated {@code .ext=type}, e.g. {@code .wasm=application/wasm}; they win over the built-in table. */
    public static final String MIME_TYPES = "files.mimeTypes";
    /** {@link StaticFiles} only: the URL path prefix served from the root, e.g. {@code /static}. */
    public static final String MOUNT = "files.prefix";

    /**
     * {@link StaticFiles} only: {@code true} passes a request under the prefix that names no file to
     * {@code next} (nginx {@code try_files $uri $uri/ @app}, WhiteNoise); default false (404).
     */
    public static final String FALLTHROUGH = "files.fallthrough";
    /** {@link StaticFiles} only: path patterns always passed to {@code next}, e.g. {@code *.php}; default none. */
    public static final String PASS = "files.pass";

    // The declarations (docs/parameters.md), read by the shared grammar.
    static final Setting<Path> ROOT_SETTING = Setting.of(name(ROOT), "path", Path::of, null, "required",
            "the directory served");
    static final Setting<String> INDEX_SETTING = Setting.string(name(INDEX), "index.html",
            "file sent for a directory addressed with a trailing `/`; empty for none");
    static final Setting<Long> MAX_AGE_SETTING = Setting.count(name(MAX_AGE), -1, -1,
            "seconds of `Cache-Control: max-age`; unset (or `-1`), no Cache-Control").withDefault(-1L, "none");
    static final Setting<List<String>> DENY_SETTING = Setting.list(name(DENY), List.of(), "none",
            "path patterns answered `files.denyStatus` whether they exist or not (`*.php`, `/conf/**`)");
    static final Setting<Integer> DENY_STATUS_SETTING = Setting.integer(name(DENY_STATUS), 404, 0,
            "status of a denied path: `404` (the client learns nothing) or `403`");
    static final Setting<List<Map.Entry<String, String>>> MIME_TYPES_SETTING = Setting.of(name(MIME_TYPES),
            "list of .ext=type", Grammar::extensions, List.of(), "none",
            "`.ext=type`, comma separated (`.wasm=application/wasm`); they win over the built-in table");
    static final Setting<String> MOUNT_SETTING = Setting.string(name(MOUNT), "/",
            "`StaticFiles` only: the URL path prefix served from the root (`/static`)");
    static final Setting<Boolean> FALLTHROUGH_SETTING = Setting.bool(name(FALLTHROUGH), false,
            "`StaticFiles` only: `true` passes a request naming no file to the application (nginx `try_files`)");
    static final Setting<List<String>> PASS_SETTING = Setting.list(name(PASS), List.of(), "none",
            "`StaticFiles` only: path patterns always passed to the application (`*.php`)");

    /** Every {@code files.*} parameter. */
    public static final Namespace PARAMETERS = new Namespace(PREFIX, "static files (FileApplication, StaticFiles)",
            List.of(ROOT_SETTING, INDEX_SETTING, MAX_AGE_SETTING, DENY_SETTING, DENY_STATUS_SETTING,
                    MIME_TYPES_SETTING, MOUNT_SETTING, FALLTHROUGH_SETTING, PASS_SETTING));

    public FilesConfig {
        if (root == null || !Files.isDirectory(root)) {
            throw new IllegalArgumentException(ROOT + " is not a directory: " + root);
        }
        if (index != null && (index.isEmpty() || index.contains("/") || index.equals("..") || index.equals("."))) {
            throw new IllegalArgumentException(INDEX + " must be a file name: " + index);
        }
        if (maxAge < -1) {
            throw new IllegalArgumentException(MAX_AGE + " must be >= 0: " + maxAge);
        }
        if (denyStatus != 403 && denyStatus != 404) {
            throw new IllegalArgumentException(DENY_STATUS + " must be 403 or 404: " + denyStatus);
        }
        mimeTypes = Map.copyOf(mimeTypes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the {@code files.*} params; an unknown {@code files.*} name fails naming the closest known one. */
    public static FilesConfig fromParams(Map<String, String> params) {
        ConfigReader r = new ConfigReader(params, PARAMETERS);
        r.rejectUnknown();
        Builder b = builder().root(r.required(ROOT_SETTING));
        // files.index given but empty: no index (blank is "absent" for every other parameter).
        String index = params.get(INDEX);
        b.index(index != null && index.isBlank() ? null : r.get(INDEX_SETTING));
        b.maxAge(r.get(MAX_AGE_SETTING)).deny(r.get(DENY_SETTING)).denyStatus(r.get(DENY_STATUS_SETTING));
        r.get(MIME_TYPES_SETTING).forEach(e -> b.mimeType(e.getKey(), e.getValue()));
        return b.build();
    }

    /** {@code maxAge} for {@code files.maxAge}: the name under the prefix. */
    private static String name(String full) {
        return full.substring(PREFIX.length());
    }

    /** A {@link FilesConfig} under construction, with every default set. */
    public static final class Builder {
        private Path root;
        private String index = "index.html";
        private long maxAge = -1;
        private final List<String> deny = new ArrayList<>();
        private int denyStatus = 404;
        private final Map<String, String> mimeTypes = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder root(Path p) {
            root = p.toAbsolutePath().normalize();
            return this;
        }

        /** The index file name, or null for none. */
        public Builder index(String name) {
            index = name;
            return this;
        }

        public Builder maxAge(long seconds) {
            maxAge = seconds;
            return this;
        }

        public Builder deny(List<String> patterns) {
            deny.addAll(patterns);
            return this;
        }

        public Builder denyStatus(int status) {
            denyStatus = status;
            return this;
        }

        public Builder mimeType(String extension, String type) {
            mimeTypes.put(extension.toLowerCase(Locale.ROOT), type);
            return this;
        }

        public FilesConfig build() {
            return new FilesConfig(root, index, maxAge, PathPatterns.of(DENY, deny), denyStatus, mimeTypes);
        }

        public FileApplication application() {
            return new FileApplication(build());
        }
    }
}
