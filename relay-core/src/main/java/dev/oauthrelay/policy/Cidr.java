package dev.oauthrelay.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 192.168.1.0/24}, {@code fd00::/8}). A bare
 * address means a single host. IPv4-mapped IPv6 client addresses ({@code ::ffff:10.0.0.1}) match
 * IPv4 networks, because a dual-stack listener reports IPv4 clients that way.
 */
public record Cidr(byte[] network, int prefixLength, String text) {

    public Cidr {
        network = network.clone();
    }

    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (!looksLikeIpLiteral(addr)) {
            throw new IllegalArgumentException("not an IP address: " + addr);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // literal only: no DNS lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + addr);
        }
        int max = bytes.length * 8;
        int prefix;
        if (slash < 0) {
            prefix = max;
        } else {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix length must be 0.." + max + " in " + text);
        }
        return new Cidr(mask(bytes, prefix), prefix, s);
    }

    private static boolean looksLikeIpLiteral(String s) {
        return !s.isEmpty() && (s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - bits)));
        }
        return out;
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(a, prefixLength), network);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
