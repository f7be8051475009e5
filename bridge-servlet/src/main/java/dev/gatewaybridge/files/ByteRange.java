package dev.gatewaybridge.files;

import java.util.Locale;

/**
 * A {@code Range} header (RFC 9110 §14.2) evaluated against a representation of known length: what to send.
 * Only the {@code bytes} unit is understood. A header that is absent, malformed, of another unit or asks for
 * more than one satisfiable range is {@link Full}: the whole representation with 200, which §14.2 allows
 * ("a server MAY ignore the Range header field"); multipart/byteranges is never produced.
 */
sealed interface ByteRange {

    /** The whole representation, 200. */
    record Full() implements ByteRange {
    }

    /** One range, 206 with {@code Content-Range: bytes first-last/length} (§14.4). */
    record Part(long first, long last) implements ByteRange {

        long length() {
            return last - first + 1;
        }
    }

    /** No range satisfiable, 416 with {@code Content-Range: bytes *}{@code /length} (§15.5.17). */
    record Unsatisfiable() implements ByteRange {
    }

    ByteRange FULL = new Full();

    /** What {@code header} (null if absent) asks of a representation of {@code length} bytes. */
    static ByteRange of(String header, long length) {
        if (header == null) {
            return FULL;
        }
        int eq = header.indexOf('=');
        if (eq < 0 || !header.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return FULL;
        }
        Part found = null;
        boolean any = false;
        for (String spec : header.substring(eq + 1).split(",", -1)) {
            spec = spec.trim();
            if (spec.isEmpty()) {
                continue; // §5.6.1: empty list elements are allowed and ignored
            }
            ByteRange r = one(spec, length);
            if (r == null) {
                return FULL; // §14.1.1: an invalid range-set makes the whole header invalid: ignored
            }
            any = true;
            if (r instanceof Part p) {
                if (found != null) {
                    return FULL; // two satisfiable ranges: answered whole, see above
                }
                found = p;
            }
        }
        if (!any) {
            return FULL;
        }
        return found != null ? found : new Unsatisfiable();
    }

    /** One {@code int-range} or {@code suffix-range} (§14.1.2): a Part, Unsatisfiable, or null if invalid. */
    private static ByteRange one(String spec, long length) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (a.isEmpty()) {
            long suffix = number(b);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || length == 0) {
                return new Unsatisfiable();
            }
            return new Part(Math.max(0, length - suffix), length - 1);
        }
        long first = number(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : number(b);
        if (first < 0 || last < 0 || last < first) {
            return null;
        }
        if (first >= length) {
            return new Unsatisfiable();
        }
        return new Part(first, Math.min(last, length - 1));
    }

    /** 1*DIGIT as a long (Long.MAX_VALUE past its range), or -1 if not digits. */
    private static long number(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (n > (Long.MAX_VALUE - 9) / 10) {
                n = Long.MAX_VALUE; // more digits than a long holds: past any file's end
            } else {
                n = n * 10 + (c - '0');
            }
        }
        return n;
    }
}
