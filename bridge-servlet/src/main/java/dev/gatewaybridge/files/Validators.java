package dev.gatewaybridge.files;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The validators of a file (RFC 9110 §8.8) and the conditional headers that compare against them
 * (§13.1): a strong ETag from modification time and size, Last-Modified to the second, and HTTP-date parsing.
 *
 * @param etag         the entity tag as sent, quotes included
 * @param lastModified the modification time, truncated to seconds (HTTP-date's precision)
 */
record Validators(String etag, Instant lastModified) {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    // §5.6.7: recipients MUST accept the two obsolete formats too.
    // RFC 850 after its weekday (a two-digit year cannot be checked against it): "06-Nov-94 08:49:37 GMT".
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder().appendPattern("dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

    /**
     * For a file of {@code size} bytes modified at {@code modified}: a strong tag, as nginx's
     * {@code "mtime-size"} in hex but with the time in milliseconds, so a same-size rewrite within a second
     * changes it.
     */
    static Validators of(Instant modified, long size) {
        String etag = "\"" + Long.toHexString(modified.toEpochMilli()) + "-" + Long.toHexString(size) + "\"";
        return new Validators(etag, modified.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Last-Modified as an IMF-fixdate (§5.6.7). */
    String lastModifiedText() {
        return IMF_FIXDATE.format(lastModified);
    }

    /** An HTTP-date in any of its three formats, or null if {@code text} is none (the header is then ignored). */
    static Instant parseDate(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        for (DateTimeFormatter f : List.of(IMF_FIXDATE, RFC_850, ASCTIME)) {
            try {
                int comma = t.indexOf(", ");
                Instant i = f.parse(f == RFC_850 && comma > 0 ? t.substring(comma + 2) : t, Instant::from);
                if (f == RFC_850 && i.isAfter(Instant.now().plus(50 * 365, ChronoUnit.DAYS))) {
                    i = i.atZone(ZoneOffset.UTC).minusYears(100).toInstant(); // §5.6.7: 50 years rule
                }
                return i;
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return null;
    }

    /**
     * Whether the {@code If-Match}/{@code If-None-Match} list {@code header} names this tag: {@code *} matches
     * any; {@code strong} is §8.8.3.2's strong comparison (a weak tag never matches), otherwise the weak one.
     */
    boolean matches(String header, boolean strong) {
        if (header.trim().equals("*")) {
            return true;
        }
        for (String tag : entityTags(header)) {
            boolean weak = tag.startsWith("W/");
            if (strong && weak) {
                continue;
            }
            if ((weak ? tag.substring(2) : tag).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** The entity-tags of a §8.8.3 list; parsing stops at the first malformed element. */
    static List<String> entityTags(String header) {
        List<String> tags = new ArrayList<>();
        int i = 0;
        int n = header.length();
        while (i < n) {
            char c = header.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            int start = i;
            if (header.startsWith("W/", i)) {
                i += 2;
            }
            if (i >= n || header.charAt(i) != '"') {
                break;
            }
            int close = header.indexOf('"', i + 1); // etagc excludes '"', so the next quote closes the tag
            if (close < 0) {
                break;
            }
            tags.add(header.substring(start, close + 1));
            i = close + 1;
        }
        return tags;
    }
}
