package dev.gatewaybridge.scgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import dev.gatewaybridge.api.HeaderRules;

/**
 * Reads an SCGI request header block and reports each variable to a {@link Listener}, leaving the stream at
 * the first body byte. Strict, as a server must be: a netstring length of at most {@code maxBytes} with no
 * leading zero, {@code CONTENT_LENGTH} first with decimal digits, {@code SCGI} = {@code 1}, no empty or
 * duplicate name, the block ending in NUL and then {@code ,}. Every fault is a {@link ScgiFormatException}.
 */
final class ScgiParser {

    /** What the parser found, in order. */
    interface Listener {
        /** One variable, bytes as ISO-8859-1 chars. */
        void variable(String name, String value);
    }

    /** 64 KiB: far above any real request (uWSGI's default buffer is 4 KiB). */
    static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private ScgiParser() {
    }

    /** Parses one header block; returns the CONTENT_LENGTH, the body length that follows. */
    static long parse(InputStream in, Listener listener, int maxBytes) throws IOException {
        byte[] block = readNetstring(in, maxBytes);
        Set<String> seen = new HashSet<>();
        long contentLength = -1;
        boolean scgi = false;
        int pos = 0;
        while (pos < block.length) {
            int nameEnd = nul(block, pos, "name");
            int valueEnd = nul(block, nameEnd + 1, "value");
            String name = latin1(block, pos, nameEnd);
            String value = latin1(block, nameEnd + 1, valueEnd);
            if (name.isEmpty()) {
                throw new ScgiFormatException("SCGI header has an empty name at byte " + pos);
            }
            if (!seen.add(name)) {
                throw new ScgiFormatException("SCGI header repeats " + HeaderRules.quote(name));
            }
            if (pos == 0) {
                contentLength = contentLength(name, value);
            } else if (name.equals(ScgiWriter.SCGI)) {
                if (!value.equals(ScgiWriter.SCGI_VERSION)) {
                    throw new ScgiFormatException("SCGI version must be 1: " + HeaderRules.quote(value));
                }
                scgi = true;
            }
            listener.variable(name, value);
            pos = valueEnd + 1;
        }
        if (contentLength < 0) {
            throw new ScgiFormatException("SCGI header block is empty: CONTENT_LENGTH must come first");
        }
        if (!scgi) {
            throw new ScgiFormatException("SCGI header block has no SCGI=1");
        }
        return contentLength;
    }

    /** The netstring's content: {@code <digits>:<content>,} (D. J. Bernstein's netstrings). */
    private static byte[] readNetstring(InputStream in, int maxBytes) throws IOException {
        long length = 0;
        int digits = 0;
        int b;
        while ((b = in.read()) != ':') {
            if (b < '0' || b > '9') {
                throw new ScgiFormatException(b < 0 ? "SCGI request ends in the netstring length"
                        : "SCGI netstring length has a non-digit: 0x" + Integer.toHexString(b));
            }
            if (digits++ > 0 && length == 0) {
                throw new ScgiFormatException("SCGI netstring length has a leading zero");
            }
            length = length * 10 + (b - '0');
            if (length > maxBytes) {
                throw new ScgiFormatException("SCGI header block is longer than " + maxBytes + " bytes");
            }
        }
        if (digits == 0) {
            throw new ScgiFormatException("SCGI netstring has no length before ':'");
        }
        byte[] block = in.readNBytes((int) length);
        if (block.length < length) {
            throw new ScgiFormatException("SCGI header block ends after " + block.length + " of " + length
                    + " bytes");
        }
        if ((b = in.read()) != ',') {
            throw new ScgiFormatException("SCGI netstring does not end with ',' but "
                    + (b < 0 ? "end of stream" : "0x" + Integer.toHexString(b)));
        }
        return block;
    }

    private static long contentLength(String name, String value) {
        if (!name.equals(ScgiWriter.CONTENT_LENGTH)) {
            throw new ScgiFormatException("SCGI header must start with CONTENT_LENGTH, not "
                    + HeaderRules.quote(name));
        }
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ScgiFormatException("SCGI CONTENT_LENGTH is not a decimal number: " + HeaderRules.quote(value));
        }
        return Long.parseLong(value);
    }

    private static int nul(byte[] block, int from, String what) {
        for (int i = from; i < block.length; i++) {
            if (block[i] == 0) {
                return i;
            }
        }
        throw new ScgiFormatException("SCGI header block ends inside a " + what + " (no NUL after byte " + from
                + ")");
    }

    private static String latin1(byte[] block, int from, int to) {
        return new String(block, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
