package dev.gatewaybridge.middleware;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address or CIDR range, parsed from literals only — never through DNS, which a request
 * header must not be able to trigger. IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) count as IPv4.
 */
final class AddressRange {

    private final byte[] network;
    private final int bits;

    private AddressRange(byte[] network, int bits) {
        this.network = network;
        this.bits = bits;
    }

    /** {@code 10.0.0.0/8}, {@code 192.0.2.1}, {@code 2001:db8::/32} or {@code ::1}; fails naming {@code param}. */
    static AddressRange parse(String param, String text) {
        String[] parts = text.split("/", 2);
        byte[] address = literal(parts[0]);
        int max = address == null ? 0 : address.length * 8;
        int bits = max;
        if (parts.length == 2) {
            bits = parts[1].matches("[0-9]{1,3}") ? Integer.parseInt(parts[1]) : -1;
        }
        if (address == null || bits < 0 || bits > max) {
            throw MiddlewareParams.bad(param, text, "IP addresses or CIDR ranges (10.0.0.0/8, 2001:db8::/32)");
        }
        return new AddressRange(mask(address, bits), bits);
    }

    /** Whether {@code address} (from {@link #literal}) is in this range. */
    boolean contains(byte[] address) {
        return address != null && address.length == network.length && Arrays.equals(mask(address, bits), network);
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    /** The bytes of an IP literal (brackets allowed around IPv6), or null if {@code text} is not one. */
    static byte[] literal(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        byte[] v6 = ipv6(text);
        if (v6 != null && isV4Mapped(v6)) {
            return Arrays.copyOfRange(v6, 12, 16);
        }
        return v6;
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                return null;
            }
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap >= 0 ? text.substring(0, gap) : text;
        String tail = gap >= 0 ? text.substring(gap + 2) : "";
        int[] left = groups(head);
        int[] right = groups(tail);
        if (left == null || right == null) {
            return null;
        }
        int total = left.length + right.length;
        if (gap < 0 ? total != 8 : total > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < left.length; i++) {
            put(out, i, left[i]);
        }
        for (int i = 0; i < right.length; i++) {
            put(out, 8 - right.length + i, right[i]);
        }
        return out;
    }

    /** The 16-bit groups of one side of "::"; a trailing dotted IPv4 counts as two groups. */
    private static int[] groups(String side) {
        if (side.isEmpty()) {
            return new int[0];
        }
        String[] parts = side.split(":", -1);
        int[] out = new int[parts.length + 1];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = ipv4(p);
                if (v4 == null) {
                    return null;
                }
                out[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                out[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
            } else if (p.matches("[0-9A-Fa-f]{1,4}")) {
                out[n++] = Integer.parseInt(p, 16);
            } else {
                return null;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static void put(byte[] out, int group, int value) {
        out[group * 2] = (byte) (value >> 8);
        out[group * 2 + 1] = (byte) value;
    }

    private static boolean isV4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    }
}
