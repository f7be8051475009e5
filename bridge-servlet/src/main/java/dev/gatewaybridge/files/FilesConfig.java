package dev.gatewaybridge.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    private static final List<String> NAMES = List.of(ROOT, INDEX, MAX_AGE, DENY, DENY_STATUS, MIME_TYPES, MOUNT,
            FALLTHROUGH, PASS);

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

    /** Reads the {@code files.*} params; an unknown {@code files.*} name fails naming the known ones. */
    public static FilesConfig fromParams(Map<String, String> params) {
        Builder b = builder();
        for (var e : params.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String v = e.getValue() == null ? "" : e.getValue().trim();
            try {
                switch (name) {
                    case ROOT -> b.root(Path.of(v));
                    case INDEX -> b.index(v.isEmpty() ? null : v);
                    case MAX_AGE -> b.maxAge(Long.parseLong(v));
                    case DENY -> b.deny(Arrays.asList(v.split("[,\\s]+")));
                    case DENY_STATUS -> b.denyStatus(Integer.parseInt(v));
                    case MIME_TYPES -> {
                        for (String entry : v.split(",")) {
                            int eq = entry.indexOf('=');
                            if (entry.isBlank()) {
                                continue;
                            }
                            if (eq < 0 || !entry.trim().startsWith(".")) {
                                throw new IllegalArgumentException(MIME_TYPES + " entry needs .ext=type: " + entry.trim());
                            }
                            b.mimeType(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
                        }
                    }
                    case MOUNT, FALLTHROUGH, PASS -> { } // read by StaticFiles
                    default -> throw new IllegalArgumentException("unknown init-param " + name + " (known: "
                            + String.join(", ", NAMES) + ")");
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(name + " has an invalid value: " + v, ex);
            }
        }
        if (b.root == null) {
            throw new IllegalArgumentException("missing init-param " + ROOT);
        }
        return b.build();
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
