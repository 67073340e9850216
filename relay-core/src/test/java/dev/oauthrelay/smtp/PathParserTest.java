package dev.oauthrelay.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathParserTest {

    private static final EnhancedStatus SYNTAX = EnhancedStatus.of(5, 5, 4);
    private static final EnhancedStatus BAD_SENDER = EnhancedStatus.of(5, 1, 7);
    private static final EnhancedStatus BAD_RECIPIENT = EnhancedStatus.of(5, 1, 3);

    private static void assertRejected(ThrowingCallable call, int code, EnhancedStatus status) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SmtpSyntaxException.class, e -> {
            assertThat(e.reply().code()).as("reply %s", e.reply()).isEqualTo(code);
            assertThat(e.reply().status()).as("reply %s", e.reply()).isEqualTo(status);
        });
    }

    // ---- forms legacy devices send ------------------------------------------------------------

    @ParameterizedTest(name = "MAIL {0}")
    @CsvSource(delimiter = '|', value = {
        "FROM:<a@b.c>                       | a@b.c",
        "FROM: <a@b.c>                      | a@b.c",
        "FROM:   <a@b.c>                    | a@b.c",
        "from:<a@b.c>                       | a@b.c",
        "From:<a@b.c>                       | a@b.c",
        "FROM:a@b.c                         | a@b.c",
        "FROM: a@b.c                        | a@b.c",
        "FROM:<A.B+tag@Sub.Example.COM>     | A.B+tag@Sub.Example.COM",
        "FROM:<@x.y,@z:a@b.c>               | a@b.c",
        "FROM:<@relay.example:a@b.c>        | a@b.c",
        "FROM:<\"john doe\"@b.c>             | \"john doe\"@b.c",
        "FROM:<\"a>b\"@c.d>                  | \"a>b\"@c.d",
        "FROM:<\"a@b\"@c.d>                  | \"a@b\"@c.d",
        "FROM:<\"a\\\"b\"@c.d>               | \"a\\\"b\"@c.d",
        "FROM:<a@[192.0.2.1]>               | a@[192.0.2.1]",
        "FROM:a@[192.0.2.1]                 | a@[192.0.2.1]",
        "FROM:<a@[IPv6:2001:db8::1]>        | a@[IPv6:2001:db8::1]",
        "FROM:<jörg@bücher.de>              | jörg@bücher.de",
        "FROM:<用户@例子.广告>                | 用户@例子.广告",
    })
    void mailAcceptsFormsLegacyDevicesSend(String argument, String address) throws Exception {
        PathArgument p = PathParser.parseMail(argument);
        assertThat(p.address()).isEqualTo(address);
        assertThat(p.parameters()).isEmpty();
        assertThat(p.isNullPath()).isFalse();
    }

    @ParameterizedTest(name = "RCPT {0}")
    @CsvSource(delimiter = '|', value = {
        "TO:<a@b.c>                 | a@b.c",
        "TO: <a@b.c>                | a@b.c",
        "to:<a@b.c>                 | a@b.c",
        "TO:a@b.c                   | a@b.c",
        "TO:<@x.y,@z:a@b.c>         | a@b.c",
        "TO:<postmaster>            | postmaster",
        "TO:<Postmaster>            | Postmaster",
        "TO:<POSTMASTER>            | POSTMASTER",
        "TO:postmaster              | postmaster",
        "TO:<用户@例子.广告>          | 用户@例子.广告",
        "TO:<a@[192.0.2.1]>         | a@[192.0.2.1]",
    })
    void rcptAcceptsFormsLegacyDevicesSend(String argument, String address) throws Exception {
        PathArgument p = PathParser.parseRcpt(argument);
        assertThat(p.address()).isEqualTo(address);
        assertThat(p.parameters()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FROM:<>", "from:<>", "FROM: <>", "FROM:<> SIZE=10"})
    void mailAcceptsTheNullReversePath(String argument) throws Exception {
        PathArgument p = PathParser.parseMail(argument);
        assertThat(p.address()).isEmpty();
        assertThat(p.isNullPath()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TO:<>", "to:<>", "TO: <>", "TO:<> NOTIFY=NEVER"})
    void rcptRefusesTheNullPathWith553(String argument) {
        assertRejected(() -> PathParser.parseRcpt(argument), 553, BAD_RECIPIENT);
    }

    /** A source route followed by nothing is not the null path (RFC 5321 section 4.1.2: Path needs a Mailbox). */
    @ParameterizedTest
    @ValueSource(strings = {"<@x.y:>", "<@x.y,@z:>", "@x.y:"})
    void sourceRouteWithoutMailboxIsNotAnAddress(String path) {
        assertRejected(() -> PathParser.parseRcpt("TO:" + path), 553, BAD_RECIPIENT);
        assertRejected(() -> PathParser.parseMail("FROM:" + path), 553, BAD_SENDER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FROM:<postmaster>", "FROM:postmaster"})
    void postmasterWithoutDomainIsOnlyARecipient(String argument) {
        assertRejected(() -> PathParser.parseMail(argument), 553, BAD_SENDER);
    }

    // ---- parameters ---------------------------------------------------------------------------

    @Test
    void parametersAreParsedWithUpperCasedKeysInOrder() throws Exception {
        PathArgument p = PathParser.parseMail("FROM:<a@b.c> size=1000 Body=8BITMIME SMTPUTF8 ret=HDRS envid=AbC+2Bx");
        assertThat(p.parameters()).containsExactly(
                entry("SIZE", "1000"), entry("BODY", "8BITMIME"), entry("SMTPUTF8", ""),
                entry("RET", "HDRS"), entry("ENVID", "AbC+2Bx"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "FROM:a@b.c SIZE=10 SMTPUTF8",
        "FROM:<a@b.c> SIZE=10 SMTPUTF8",
        "FROM:<a@b.c>  SIZE=10\t\tSMTPUTF8",
        "FROM:<a@b.c>\tSIZE=10 SMTPUTF8 ",
        "FROM:a@b.c\tSIZE=10\tsmtputf8"})
    void parametersAfterBracketedOrUnbracketedAddressAreSeparatedByAnyWhitespace(String argument) throws Exception {
        PathArgument p = PathParser.parseMail(argument);
        assertThat(p.address()).isEqualTo("a@b.c");
        assertThat(p.parameters()).containsExactly(entry("SIZE", "10"), entry("SMTPUTF8", ""));
    }

    @Test
    void everyAtextCharacterIsAcceptedInTheLocalPart() throws Exception {
        String address = "!#$%&'*+-/=?^_`{|}~@b.c";
        assertThat(PathParser.parseMail("FROM:<" + address + ">").address()).isEqualTo(address);
    }

    @Test
    void parametersCannotBeModified() throws Exception {
        PathArgument p = PathParser.parseMail("FROM:<a@b.c> SIZE=1");
        assertThatThrownBy(() -> p.parameters().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SIZE=",           // keyword = with no value
        "=x",              // no keyword
        "=",
        "A=B=C",           // '=' inside the value
        "SIZE=1 SIZE=2",   // duplicate
        "SIZE=1 size=2",   // duplicate, different case
        "SMTPUTF8 SMTPUTF8",
        "-X=1",            // keyword must start with a letter or digit
        "SI_ZE=1",
        "SI.ZE=1",
        "ſize=10",         // U+017F upper-cases to 'S' but is not an esmtp-keyword character
        "ı=1",
        "SIZE=1 \"x\"",
    })
    void malformedParametersAreRefusedWith501(String params) {
        assertRejected(() -> PathParser.parseMail("FROM:<a@b.c> " + params), 501, SYNTAX);
        assertRejected(() -> PathParser.parseRcpt("TO:<a@b.c> " + params), 501, SYNTAX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<a@b.c>SIZE=1", "<a@b.c>x", "<a@b.c><d@e.f>", "<a@b.c>=", "<>SIZE=1"})
    void textGluedToTheClosingBracketIsRefusedWith501(String path) {
        assertRejected(() -> PathParser.parseMail("FROM:" + path), 501, SYNTAX);
    }

    @Test
    void textGluedToTheClosingBracketOfARecipientIsRefusedWith501() {
        assertRejected(() -> PathParser.parseRcpt("TO:<a@b.c>NOTIFY=NEVER"), 501, SYNTAX);
    }

    // ---- keyword errors -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "<a@b.c>", "FROM<a@b.c>", "FROM <a@b.c>", "FROM", "TO:<a@b.c>", "FRM:<a@b.c>",
        "FROMX:<a@b.c>", ":<a@b.c>", "F ROM:<a@b.c>", "SENDER:<a@b.c>", "FROM <@x:a@b.c>"})
    void mailWithoutFromColonIsRefusedWith501(String argument) {
        assertRejected(() -> PathParser.parseMail(argument), 501, SYNTAX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "<a@b.c>", "TO<a@b.c>", "TO <a@b.c>", "TO", "FROM:<a@b.c>", "T O:<a@b.c>", "TOO:<a@b.c>",
        ":<a@b.c>"})
    void rcptWithoutToColonIsRefusedWith501(String argument) {
        assertRejected(() -> PathParser.parseRcpt(argument), 501, SYNTAX);
    }

    // ---- bracket errors -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"<a@b.c", "<a@b.c SIZE=10", "<", "<\"a>b@c.d", "<\"a\\\">b\"@c.d"})
    void missingClosingBracketIs553WithTheSenderOrRecipientStatus(String path) {
        assertRejected(() -> PathParser.parseMail("FROM:" + path), 553, BAD_SENDER);
        assertRejected(() -> PathParser.parseRcpt("TO:" + path), 553, BAD_RECIPIENT);
    }

    // ---- invalid addresses --------------------------------------------------------------------

    static Stream<String> invalidAddresses() {
        return Stream.of(
                "a@", "@b", "@", "a", "a b@c", "a..b@c", ".a@b", "a.@b", "a@-b.c", "a@b-.c", "a@b..c", "a@.b",
                "a@b.c.", "a@b_c.d", "a@b c", "a@b@c", "a(comment)@b.c", "a\"b@c.d", "\"a\"b@c.d",
                "a@[]", "a@[1.2.3.4", "a@1.2.3.4]", "a@[a[b]", "a,b@c.d", "a;b@c.d", "a@b,c.d",
                "a@" + "x".repeat(64) + ".com",                                 // label of 64 characters
                "x".repeat(65) + "@b.c",                                         // local part of 65 characters
                "ü".repeat(33) + "@b.c",                                         // local part of 66 octets
                "a@" + String.join(".", "x".repeat(63), "x".repeat(63), "x".repeat(63), "x".repeat(63), "x")); // domain 257
    }

    @ParameterizedTest
    @MethodSource("invalidAddresses")
    void invalidAddressesAreRefusedWith553(String address) {
        assertRejected(() -> PathParser.parseMail("FROM:<" + address + ">"), 553, BAD_SENDER);
        assertRejected(() -> PathParser.parseRcpt("TO:<" + address + ">"), 553, BAD_RECIPIENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@", "@b", "a..b@c", ".a@b", "a@-b.c", "a@b..c"})
    void invalidUnbracketedAddressesAreRefusedWith553(String address) {
        assertRejected(() -> PathParser.parseMail("FROM:" + address), 553, BAD_SENDER);
        assertRejected(() -> PathParser.parseRcpt("TO:" + address), 553, BAD_RECIPIENT);
    }

    @Test
    void addressesAtTheLengthLimitsAreAccepted() throws Exception {
        String local64 = "l".repeat(64);
        String label63 = "d".repeat(63);
        assertThat(PathParser.parseRcpt("TO:<" + local64 + "@" + label63 + ".com>").address())
                .isEqualTo(local64 + "@" + label63 + ".com");
        String utf8Local64Octets = "ü".repeat(32);
        assertThat(PathParser.parseRcpt("TO:<" + utf8Local64Octets + "@b.c>").address())
                .isEqualTo(utf8Local64Octets + "@b.c");
    }

    /** RFC 5321 section 4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
    @Test
    void pathOf256OctetsIsAcceptedAnd257Refused() throws Exception {
        String local = "l".repeat(64);
        String domain189 = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(61);
        String path256 = "<" + local + "@" + domain189 + ">";
        assertThat(path256).hasSize(256);
        assertThat(PathParser.parseRcpt("TO:" + path256).address()).isEqualTo(local + "@" + domain189);

        String path257 = "<" + local + "@" + domain189 + "c>";
        assertRejected(() -> PathParser.parseRcpt("TO:" + path257), 553, BAD_RECIPIENT);
        assertRejected(() -> PathParser.parseMail("FROM:" + path257), 553, BAD_SENDER);
        assertRejected(() -> PathParser.parseMail("FROM:" + path257.substring(1, 256)), 553, BAD_SENDER);
    }

    @Test
    void pathLengthLimitCountsUtf8Octets() {
        // 32 x "ü" is 64 octets; the whole path is 226 characters but 258 octets.
        String address = "ü".repeat(32) + "@" + "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63);
        assertThat(("<" + address + ">").getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(258);
        assertRejected(() -> PathParser.parseRcpt("TO:<" + address + ">"), 553, BAD_RECIPIENT);
    }

    @Test
    void overlongPathWithSourceRouteIsRefusedBeforeTheRouteIsStripped() {
        String route = "@" + "r".repeat(250) + ":";
        assertRejected(() -> PathParser.parseMail("FROM:<" + route + "a@b.c>"), 553, BAD_SENDER);
    }

    @Test
    void addressIsAsciiUnlessItHasUtf8() throws Exception {
        assertThat(PathParser.parseMail("FROM:<a@b.c>").isAscii()).isTrue();
        assertThat(PathParser.parseMail("FROM:<jörg@b.c>").isAscii()).isFalse();
        assertThat(PathParser.parseMail("FROM:<a@bücher.de>").isAscii()).isFalse();
    }
}
