package dev.gatewaybridge.scgi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.upstream.Param;

/**
 * Writes the SCGI request header block (SCGI protocol spec, Neil Schemenauer 2006): a netstring
 * {@code <length>:<headers>,} whose headers are {@code name NUL value NUL} pairs, {@code CONTENT_LENGTH}
 * first and {@code SCGI} {@code 1} among them. The body follows it, exactly CONTENT_LENGTH bytes.
 */
final class ScgiWriter {

    static final String CONTENT_LENGTH = "CONTENT_LENGTH";
    static final String SCGI = "SCGI";
    static final String SCGI_VERSION = "1";

    private ScgiWriter() {
    }

    /**
     * The header block for {@code params} and a body of {@code contentLength} bytes: CONTENT_LENGTH first
     * (the spec requires it), SCGI=1 second, then the params in order, minus any CONTENT_LENGTH or SCGI of
     * their own (the body length is what we send, whatever the request claimed).
     */
    static byte[] request(List<Param> params, long contentLength) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>(params.size() + 2);
        pairs.add(Map.entry(CONTENT_LENGTH, Long.toString(contentLength)));
        pairs.add(Map.entry(SCGI, SCGI_VERSION));
        for (Param p : params) {
            if (!p.name().equals(CONTENT_LENGTH) && !p.name().equals(SCGI)) {
                pairs.add(Map.entry(latin1(p.nameBytes()), latin1(p.valueBytes())));
            }
        }
        return headerBlock(pairs);
    }

    /**
     * The netstring of {@code pairs} as they are, each string one byte per char (ISO-8859-1).
     *
     * @throws IllegalArgumentException for an empty name or a NUL in a name or value: it would end the
     *                                  pair early and let a value inject variables
     */
    static byte[] headerBlock(List<Map.Entry<String, String>> pairs) {
        ByteArrayOutputStream headers = new ByteArrayOutputStream(1024);
        for (Map.Entry<String, String> pair : pairs) {
            String name = pair.getKey();
            String value = pair.getValue();
            if (name.isEmpty() || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("SCGI cannot carry an empty name or a NUL: "
                        + HeaderRules.quote(name) + "=" + HeaderRules.quote(value));
            }
            headers.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
            headers.write(0);
            headers.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
            headers.write(0);
        }
        byte[] length = Integer.toString(headers.size()).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(length.length + headers.size() + 2);
        out.writeBytes(length);
        out.write(':');
        out.write(headers.toByteArray(), 0, headers.size());
        out.write(',');
        return out.toByteArray();
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
