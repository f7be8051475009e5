package dev.gatewaybridge.bridge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.BadGatewayException;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.Reasons;

/**
 * Reads the header section of a CGI response (RFC 3875 §6) from a stream and leaves the stream at the first
 * byte of the body. Shared by the CGI, FastCGI and SCGI bridges.
 *
 * <p>Strict where leniency would let a backend smuggle or split headers: LF or CRLF line ends only (a bare
 * CR is refused), no obs-fold (RFC 9112 §5.2), token names with no space before the colon (RFC 9112 §5.1),
 * no control bytes in values, at most one {@code Status} and one {@code Location}, and limits on the header
 * count and section size. Every fault is a {@link BadGatewayException} naming the offending value.
 *
 * <p>It reads one byte at a time and never past the blank line, so give it a buffered stream.
 */
public final class CgiResponseParser {

    /**
     * Limits on a header section.
     *
     * @param maxHeaders the most header fields accepted
     * @param maxBytes   the most bytes of the section, line ends and the blank line included
     */
    public record Limits(int maxHeaders, int maxBytes) {
        /** 100 fields (Apache's LimitRequestFields default) and 64 KiB. */
        public static final Limits DEFAULT = new Limits(100, 64 * 1024);

        public Limits {
            if (maxHeaders < 1 || maxBytes < 2) {
                throw new IllegalArgumentException("limits must be positive: " + maxHeaders + ", " + maxBytes);
            }
        }
    }

    // RFC 3875 §6.3.3: Status = "Status:" status-code SP reason-phrase; scripts often omit the reason.
    private static final Pattern STATUS = Pattern.compile("([0-9]{3})(?:[ \t]+(.*))?");
    // An nph- program's first line is an HTTP/1.x status line (RFC 3875 §5, RFC 9112 §4).
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([0-9]{3})(?: (.*))?");
    // RFC 9110 §5.6.2 token.
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    // RFC 3875 §6.2.2 local-pathquery = abs-path [ "?" query-string ]; "//" would be a network-path reference.
    private static final Pattern LOCAL_PATH = Pattern.compile("/(?!/)[^\\s#]*");

    private final InputStream in;
    private final Limits limits;
    private int bytesRead;

    private CgiResponseParser(InputStream in, Limits limits) {
        this.in = in;
        this.limits = limits;
    }

    /** Parses a CGI response header section with the {@link Limits#DEFAULT default limits}. */
    public static CgiResponse parse(InputStream in) throws IOException {
        return parse(in, Limits.DEFAULT);
    }

    /** Parses a CGI response header section (RFC 3875 §6); the stream is left at the body's first byte. */
    public static CgiResponse parse(InputStream in, Limits limits) throws IOException {
        CgiResponseParser p = new CgiResponseParser(in, limits);
        String first = p.readLine();
        if (first == null) {
            throw new BadGatewayException("CGI response is empty: no header section");
        }
        return p.document(p.fields(first));
    }

    /**
     * Parses the head of a non-parsed-header ("nph-") program's output (RFC 3875 §5): an HTTP/1.x status
     * line and header fields. {@code Status} and {@code Location} are ordinary headers here.
     */
    public static CgiResponse parseNph(InputStream in, Limits limits) throws IOException {
        CgiResponseParser p = new CgiResponseParser(in, limits);
        String first = p.readLine();
        if (first == null) {
            throw new BadGatewayException("nph- response is empty: no status line");
        }
        Matcher m = STATUS_LINE.matcher(first);
        if (!m.matches()) {
            throw new BadGatewayException("nph- response does not start with an HTTP/1.x status line: "
                    + HeaderRules.quote(first));
        }
        int code = checkCode(m.group(1), first);
        List<Header> fields = p.fields(p.readLine());
        String reason = m.group(2) == null || m.group(2).isEmpty() ? Reasons.of(code) : m.group(2);
        return new CgiResponse(code, reason, fields, CgiResponse.Location.NONE);
    }

    /** Reads header fields from {@code line} up to the blank line. */
    private List<Header> fields(String line) throws IOException {
        List<Header> fields = new ArrayList<>();
        while (true) {
            if (line == null) {
                throw new BadGatewayException("CGI response header section ends without a blank line after "
                        + fields.size() + " field(s)");
            }
            if (line.isEmpty()) {
                return fields;
            }
            if (fields.size() == limits.maxHeaders()) {
                throw new BadGatewayException("CGI response has more than " + limits.maxHeaders()
                        + " header fields, at " + HeaderRules.quote(line));
            }
            fields.add(field(line));
            line = readLine();
        }
    }

    /** One {@code name: value} line, checked. */
    private static Header field(String line) {
        char c0 = line.charAt(0);
        if (c0 == ' ' || c0 == '\t') {
            // RFC 9112 §5.2: obs-fold is deprecated; a continuation line could hide a header from checks.
            throw new BadGatewayException("CGI response header uses obs-fold (line starts with whitespace): "
                    + HeaderRules.quote(line));
        }
        int colon = line.indexOf(':');
        if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
            // RFC 9112 §5.1: no whitespace between name and colon.
            throw new BadGatewayException("CGI response header line is not \"name: value\": "
                    + HeaderRules.quote(line));
        }
        String name = line.substring(0, colon);
        String value = trimOws(line.substring(colon + 1));
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new BadGatewayException("CGI response header " + name + " has a control byte (0x"
                        + Integer.toHexString(c) + ") in its value: " + HeaderRules.quote(value));
            }
        }
        return new Header(name, value);
    }

    /** RFC 3875 §6.2/§6.3: Status and Location decide the response kind; Status is not a header. */
    private CgiResponse document(List<Header> fields) {
        String status = single(fields, "Status");
        String location = single(fields, "Location");
        String length = contentLength(fields);
        List<Header> headers = new ArrayList<>(fields.size());
        for (Header h : fields) {
            if (h.is("Content-Length")) {
                if (length != null) {
                    headers.add(Header.of("Content-Length", length)); // repeats of the same value are one
                    length = null;
                }
            } else if (!h.is("Status")) {
                headers.add(h);
            }
        }
        int code = 200;
        String reason = null;
        if (status != null) {
            Matcher m = STATUS.matcher(status);
            if (!m.matches()) {
                throw new BadGatewayException("CGI Status is not \"NNN reason\": " + HeaderRules.quote(status));
            }
            code = checkCode(m.group(1), status);
            reason = m.group(2) == null || m.group(2).isBlank() ? null : trimOws(m.group(2));
        }
        CgiResponse.Location kind = CgiResponse.Location.NONE;
        if (location != null) {
            if (location.isEmpty()) {
                throw new BadGatewayException("CGI Location is empty");
            }
            // Apache mod_cgi: a local path with no Status (or 200) is a local redirect, anything else goes
            // to the client, as 302 unless the script chose a status.
            boolean local = LOCAL_PATH.matcher(location).matches();
            kind = local && code == 200 ? CgiResponse.Location.LOCAL : CgiResponse.Location.CLIENT;
            if (kind == CgiResponse.Location.CLIENT && code == 200) {
                code = 302;
                reason = null;
            }
        }
        return new CgiResponse(code, reason == null ? Reasons.of(code) : reason, headers, kind);
    }

    /**
     * The Content-Length, null if absent. RFC 9112 §6.3: a value that is not one decimal number, or two fields
     * that differ, make the message's length unknowable: the backend is at fault (502), not the client's
     * response to cut; the same value repeated is one field.
     */
    private static String contentLength(List<Header> fields) {
        String found = null;
        for (Header h : fields) {
            if (h.is("Content-Length")) {
                String value = trimOws(h.value());
                if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new BadGatewayException("CGI response Content-Length is not a non-negative integer: "
                            + HeaderRules.quote(h.value()));
                }
                if (found != null && !found.equals(value)) {
                    throw new BadGatewayException("CGI response has two different Content-Length: "
                            + HeaderRules.quote(found) + " and " + HeaderRules.quote(value));
                }
                found = value;
            }
        }
        return found;
    }

    /** The value of the one field {@code name}, null if absent; two are ambiguous (response splitting). */
    private static String single(List<Header> fields, String name) {
        String found = null;
        for (Header h : fields) {
            if (h.is(name)) {
                if (found != null) {
                    throw new BadGatewayException("CGI response has more than one " + name + ": "
                            + HeaderRules.quote(found) + " and " + HeaderRules.quote(h.value()));
                }
                found = h.value();
            }
        }
        return found;
    }

    /** A final status code, 200–599: 1xx are interim and the container's business (RFC 9110 §15.2). */
    private static int checkCode(String digits, String in) {
        int code = Integer.parseInt(digits);
        if (code < 200 || code > 599) {
            throw new BadGatewayException("CGI status code out of range 200-599: " + HeaderRules.quote(in));
        }
        return code;
    }

    /**
     * One line without its LF or CRLF, as Latin-1 (RFC 9110 §5.5: obs-text is opaque bytes); null at end of
     * stream before any byte. A CR anywhere but before the LF is refused: some clients take it for a line
     * end, and that is how headers get smuggled.
     */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        boolean cr = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0 && !cr) {
                    return null;
                }
                throw new BadGatewayException("CGI response header section ends without a blank line, in "
                        + HeaderRules.quote(line.toString(StandardCharsets.ISO_8859_1)));
            }
            if (++bytesRead > limits.maxBytes()) {
                throw new BadGatewayException("CGI response header section is larger than "
                        + limits.maxBytes() + " bytes, at " + HeaderRules.quote(line.toString(StandardCharsets.ISO_8859_1)));
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.ISO_8859_1);
            }
            if (cr) {
                line.write('\r');
                line.write(b);
                throw new BadGatewayException("CGI response header has a bare CR: " + HeaderRules.quote(restOf(line)));
            }
            if (b == '\r') {
                cr = true;
            } else {
                line.write(b);
            }
        }
    }

    /** {@code line} and the rest of it up to LF, end of stream or the size limit, for an error message. */
    private String restOf(ByteArrayOutputStream line) throws IOException {
        int b;
        while (bytesRead++ < limits.maxBytes() && (b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }
}
