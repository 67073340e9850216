package dev.oauthrelay.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 192.168.1.0/24}, {@code fd00::/8}). A bare
 * address means a single host. IPv4-mapped IPv6 client addresses ({@code ::ffff:10.0.0.1}) match
 * IPv4 networks, because a dual-stack listener reports IPv4 clients that way.
 */
public record Cidr(byte[] network, int prefixLength, String text) {

    /**
     * Dotted quad only. InetAddress also takes "10.1" (10.0.0.1) and "192.168.1" (192.168.0.1),
     * which would silently trust another network than the one meant; leading zeros are refused
     * because other tools read them as octal.
     */
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    /**
     * Hex digits and colons (dots for an embedded IPv4 tail), starting with a hex digit or a colon:
     * InetAddress then parses the text as a literal and never asks the resolver. It would look up
     * anything else ("g::1", "10.0.0.256") as a host name.
     */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
    private static final Pattern PREFIX = Pattern.compile("[0-9]{1,3}");

    public Cidr {
        network = network.clone();
    }

    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = addr.indexOf(':') >= 0 ? parseIpv6(addr) : parseIpv4(addr);
        int max = bytes.length * 8;
        int prefix;
        if (slash < 0) {
            prefix = max;
        } else if (PREFIX.matcher(s.substring(slash + 1)).matches()) {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } else {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix length must be 0.." + max + " in " + text);
        }
        return new Cidr(mask(bytes, prefix), prefix, s);
    }

    private static byte[] parseIpv4(String s) {
        if (!IPV4.matcher(s).matches()) {
            throw new IllegalArgumentException("not an IPv4 address: " + s);
        }
        String[] parts = s.split("\\.");
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(parts[i]);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + s);
            }
            out[i] = (byte) octet;
        }
        return out;
    }

    private static byte[] parseIpv6(String s) {
        if (!IPV6.matcher(s).matches()) {
            throw new IllegalArgumentException("not an IPv6 address: " + s);
        }
        try {
            return InetAddress.getByName(s).getAddress(); // a literal, see IPV6: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: " + s);
        }
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
        // A mapped client is an IPv4 client whichever network is asked: it never matches an IPv6 one.
        if (a.length == 16 && isV4Mapped(a)) {
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
