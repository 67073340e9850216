package dev.oauthrelay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.Permission;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    /** Literal only: InetAddress never resolves a syntactically valid IP literal. */
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** An IPv4-mapped IPv6 address as an Inet6Address (InetAddress.getByName would turn it into an Inet4Address). */
    private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        InetAddress address = Inet6Address.getByAddress(null, bytes, -1);
        assertThat(address).isInstanceOf(Inet6Address.class);
        return address;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "192.168.1.0/24,   192.168.1.0,  24",
        "10.0.0.0/8,       10.0.0.0,      8",
        "10.1.2.3,         10.1.2.3,     32",
        "0.0.0.0/0,        0.0.0.0,       0",
        "255.255.255.255,  255.255.255.255, 32",
        "' 10.0.0.0/8 ',   10.0.0.0,      8",
        "fd00::/8,         fd00::,        8",
        "fd00:1::/64,      fd00:1::,     64",
        "::1,              ::1,         128",
        "::/0,             ::,            0",
        "2001:DB8::1/128,  2001:db8::1, 128",
        "::ffff:0:1:2/96,  ::ffff:0:0:0, 96",
    })
    void parsesIpv4AndIpv6WithAndWithoutPrefix(String text, String network, int prefix) throws Exception {
        Cidr cidr = Cidr.parse(text);
        assertThat(cidr.network()).isEqualTo(ip(network).getAddress());
        assertThat(cidr.prefixLength()).isEqualTo(prefix);
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource({
        "10.1.2.3/16,      10.1.0.0/16",
        "10.255.255.255/8, 10.0.0.0/8",
        "192.168.1.77/24,  192.168.1.0/24",
        "10.1.2.3/31,      10.1.2.2/31",
        "1.2.3.4/0,        0.0.0.0/0",
        "fd00:1::5/64,     fd00:1::/64",
        "fdff:ffff::/8,    fd00::/8",
        "2001:db8::1/0,    ::/0",
    })
    void hostBitsBeyondThePrefixAreMasked(String unaligned, String aligned) {
        Cidr a = Cidr.parse(unaligned);
        Cidr b = Cidr.parse(aligned);
        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a.network()).isEqualTo(b.network());
    }

    @Test
    void differentPrefixOrFamilyIsNotEqual() {
        assertThat(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/9"));
        assertThat(Cidr.parse("0.0.0.0/0")).isNotEqualTo(Cidr.parse("::/0"));
    }

    @Test
    void networkBytesCannotBeChangedFromOutside() {
        Cidr cidr = Cidr.parse("10.0.0.0/8");
        byte[] bytes = cidr.network();
        bytes[0] = 11;
        // The record accessor hands out its array; the compact constructor copies what it is given.
        byte[] given = {10, 0, 0, 0};
        Cidr built = new Cidr(given, 8, "10.0.0.0/8");
        given[0] = 11;
        assertThat(built.network()[0]).isEqualTo((byte) 10);
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8,        10.0.0.0,         true",
        "10.0.0.0/8,        10.255.255.255,   true",
        "10.0.0.0/8,        11.0.0.0,         false",
        "10.0.0.0/8,        9.255.255.255,    false",
        "172.16.0.0/12,     172.31.255.255,   true",
        "172.16.0.0/12,     172.32.0.0,       false",
        "172.16.0.0/12,     172.15.255.255,   false",
        "192.168.1.0/24,    192.168.1.255,    true",
        "192.168.1.0/24,    192.168.2.0,      false",
        "10.1.2.2/31,       10.1.2.3,         true",
        "10.1.2.2/31,       10.1.2.4,         false",
        "10.1.2.3,          10.1.2.3,         true",
        "10.1.2.3,          10.1.2.4,         false",
        "10.1.2.3/32,       10.1.2.2,         false",
        "0.0.0.0/0,         0.0.0.0,          true",
        "0.0.0.0/0,         255.255.255.255,  true",
        "0.0.0.0/0,         203.0.113.9,      true",
        "::/0,              ::,               true",
        "::/0,              2001:db8::1,      true",
        "::/0,              ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, true",
        "fd00::/8,          fdff:ffff::1,     true",
        "fd00::/8,          fe00::,           false",
        "fd00::/8,          fc00::,           false",
        "fd00:1::/64,       fd00:1::ffff:ffff:ffff:ffff, true",
        "fd00:1::/64,       fd00:1:0:1::,     false",
        "::1,               ::1,              true",
        "::1,               ::2,              false",
        "0.0.0.0/0,         ::1,              false",
        "0.0.0.0/0,         2001:db8::1,      false",
        "10.0.0.0/8,        ::a00:1,          false",
        "::/0,              10.0.0.1,         false",
        "::/0,              0.0.0.0,          false",
        "fd00::/8,          253.0.0.1,        false",
    })
    void containsRespectsPrefixBoundariesAndAddressFamily(String cidr, String client, boolean expected) throws Exception {
        assertThat(Cidr.parse(cidr).contains(ip(client))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} contains ::ffff:10.1.2.3: {1}")
    @CsvSource({
        "10.0.0.0/8,     true",
        "10.1.2.3,       true",
        "10.1.2.3/32,    true",
        "0.0.0.0/0,      true",
        "10.1.2.4,       false",
        "11.0.0.0/8,     false",
        "::/0,           false",
        "::/64,          false",
        "fd00::/8,       false",
    })
    void ipv4MappedClientIsJudgedAsTheIpv4AddressItCarries(String cidr, boolean expected) throws Exception {
        assertThat(Cidr.parse(cidr).contains(mapped(10, 1, 2, 3))).isEqualTo(expected);
        // The same client reported as a plain IPv4 address gets the same answer.
        assertThat(Cidr.parse(cidr).contains(ip("10.1.2.3"))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "/", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/x", "10.0.0.0/-1", "10.0.0.0/-0", "10.0.0.0/+8",
        "10.0.0.0/ 8", "10.0.0.0 /8", "10.0.0.0/8/8", "10.0.0.0/8x", "10.0.0.0/0x8", "10.0.0.0/4294967304",
        "fd00::/129", "fd00::/-1", "::/x", "fd00::/",
        "hostname.example", "hostname.example/24", "localhost", "localhost/8", "example.com", "xn--bcher-kva.de",
        "10.0.0.256", "256.0.0.0/8", "10.0.0", "10.0", "10", "10/8", "192.168.1/24", "1.2.3.4.5", "10.0.0.0.",
        ".10.0.0.0", "..", ".", "10..0.0", "010.0.0.1", "10.0.0.01/32", "0x0a.0.0.0/8", "1e1.0.0.0",
        "fd00::1::2", "g::1", "x:y", ":", ":::", "fd00:::/8", "12345::/16", "[fd00::]/8", "fe80::1%eth0",
        "fe80::1%1", "::ffff:10.0.0.0/104", "10.0.0.0\t/8", "١٠.0.0.0/8"})
    void badInputIsRejectedWithIllegalArgumentException(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A trusted network must come from the configuration text alone: if a name or a malformed
     * literal reached the resolver, DNS (or /etc/hosts) could decide which clients may submit
     * without AUTH. {@link java.net.InetAddress} asks the security manager for permission
     * ({@code checkConnect(host, -1)}) before every name lookup and never for a literal, which
     * makes the lookup visible here; the spy refuses it, so no query leaves the machine.
     */
    @Test
    @SuppressWarnings("removal")
    void parsingNeverTriggersANameLookup() {
        List<String> lookups = new ArrayList<>();
        SecurityManager spy = new SecurityManager() {
            @Override
            public void checkPermission(Permission perm) {
            }

            @Override
            public void checkPermission(Permission perm, Object context) {
            }

            @Override
            public void checkConnect(String host, int port) {
                if (port == -1) {
                    lookups.add(host);
                    throw new SecurityException("name lookup of " + host);
                }
            }
        };
        SecurityManager previous = System.getSecurityManager();
        try {
            System.setSecurityManager(spy);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("this JVM does not allow a security manager, so name lookups cannot be observed");
        }
        List<String> outcomes = new ArrayList<>();
        try {
            for (String text : new String[] {"hostname.example", "localhost", "example.com/24", "10.0.0.256",
                "1.2.3.4.5", "10.0.0.0./8", "..", "999.1.1.1", "g::1", "x:y", "zz::/8", "[fd00::]/8", "fe80::1%eth0",
                "10.0.0.0/8", "192.168.1.0/24", "fd00::/8", "::ffff:10.1.2.3", "2001:db8::1"}) {
                try {
                    outcomes.add(text + " -> " + Cidr.parse(text));
                } catch (IllegalArgumentException e) {
                    outcomes.add(text + " -> rejected");
                } catch (SecurityException e) {
                    outcomes.add(text + " -> LOOKUP");
                }
            }
        } finally {
            System.setSecurityManager(previous);
        }
        assertThat(lookups).as("name lookups during Cidr.parse; outcomes %s", outcomes).isEmpty();
    }
}
