package dev.gatewaybridge.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * FastCGI name-value pairs (spec §3.4): each length in 1 byte if below 128, else in 4 bytes with the high
 * bit set; then the name bytes and the value bytes.
 */
final class NameValues {

    /** §3.4: the largest length a 4-byte length field can hold. */
    static final int MAX_LENGTH = 0x7fffffff;

    private NameValues() {
    }

    /** One pair, as bytes: names and values are opaque to FastCGI. */
    record Pair(byte[] name, byte[] value) {
        String name(Charset charset) {
            return new String(name, charset);
        }

        String value(Charset charset) {
            return new String(value, charset);
        }
    }

    /** Appends one encoded pair to {@code out}. */
    static void encode(ByteArrayOutputStream out, byte[] name, byte[] value) {
        writeLength(out, name.length);
        writeLength(out, value.length);
        out.writeBytes(name);
        out.writeBytes(value);
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else {
            out.write(0x80 | (length >>> 24));
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
    }

    /**
     * Decodes every pair in {@code b[off, off+len)}.
     *
     * @throws FastCgiProtocolException if a length runs past the end (a truncated or oversized pair)
     */
    static List<Pair> decode(byte[] b, int off, int len) {
        List<Pair> pairs = new ArrayList<>();
        int end = off + len;
        int[] pos = {off};
        while (pos[0] < end) {
            int nameLength = readLength(b, pos, end);
            int valueLength = readLength(b, pos, end);
            long left = end - pos[0];
            if ((long) nameLength + valueLength > left) {
                throw new FastCgiProtocolException("name-value pair of " + nameLength + "+" + valueLength
                        + " bytes is longer than the " + left + " bytes left");
            }
            byte[] name = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + nameLength);
            pos[0] += nameLength;
            byte[] value = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + valueLength);
            pos[0] += valueLength;
            pairs.add(new Pair(name, value));
        }
        return pairs;
    }

    private static int readLength(byte[] b, int[] pos, int end) {
        if (pos[0] >= end) {
            throw new FastCgiProtocolException("name-value pair truncated in its length fields");
        }
        int first = b[pos[0]] & 0xff;
        if (first < 0x80) {
            pos[0]++;
            return first;
        }
        if (end - pos[0] < 4) {
            throw new FastCgiProtocolException("name-value pair truncated in a 4-byte length field");
        }
        int length = ((first & 0x7f) << 24) | ((b[pos[0] + 1] & 0xff) << 16) | ((b[pos[0] + 2] & 0xff) << 8)
                | (b[pos[0] + 3] & 0xff);
        pos[0] += 4;
        return length;
    }
}
