package dev.oauthrelay.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "a@b", "a@b.c", "a.b.c@d.e", "a+tag@b.c", "A@B.C", "0@1.2", "a-b@c-d.e", "!#$%&'*+-/=?^_`{|}~@b.c",
        "\"john doe\"@b.c", "\"a>b\"@c.d", "\"a@b\"@c.d", "\"a\\\"b\"@c.d", "\"a\\\\b\"@c.d", "\"\"@b.c",
        "a@[192.0.2.1]", "a@[IPv6:2001:db8::1]",
        "jörg@bücher.de", "用户@例子.广告", "😀@example.com", "δοκιμή@παράδειγμα.δοκιμή"})
    void validMailboxes(String address) {
        assertThat(Addresses.isValid(address)).isTrue();
    }

    static Stream<String> invalidMailboxes() {
        return Stream.of("", "a", "@", "a@", "@b", "a b@c", "a..b@c", ".a@b", "a.@b", "a@-b.c", "a@b-.c", "a@b..c",
                "a@.b", "a@b.", "a@b_c", "a@b@c", "a\"@b.c", "\"a@b.c", "\"a\\\"@b.c", "a@[]", "a@[a b]", "a@[a\\b]",
                "a@[1.2.3.4", "<a@b.c>", "a@b.c>", "a\u0000@b.c",
                "a@" + "x".repeat(64),
                "x".repeat(65) + "@b.c",
                "ü".repeat(33) + "@b.c",
                "a@" + String.join(".", "x".repeat(63), "x".repeat(63), "x".repeat(63), "x".repeat(63), "x")); // domain 257
    }

    @ParameterizedTest
    @MethodSource("invalidMailboxes")
    void invalidMailboxes(String address) {
        assertThat(Addresses.isValid(address)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("limitMailboxes")
    void mailboxesAtTheLengthLimitsAreValid(String address) {
        assertThat(Addresses.isValid(address)).isTrue();
    }

    static Stream<String> limitMailboxes() {
        return Stream.of(
                "x".repeat(64) + "@b.c",
                "ü".repeat(32) + "@b.c",
                "a@" + "x".repeat(63) + ".c",
                "a@" + String.join(".", "x".repeat(63), "x".repeat(63), "x".repeat(63), "x".repeat(63)));
    }
}
