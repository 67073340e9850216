package dev.oauthrelay.smtp;

import static dev.oauthrelay.smtp.EnhancedStatus.of;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpReplyTest {

    static Stream<Arguments> encodings() {
        return Stream.of(
                Arguments.of(SmtpReply.of(250, of(2, 1, 0), "Sender OK"), "250 2.1.0 Sender OK\r\n"),
                Arguments.of(SmtpReply.of(220, "relay.example ESMTP"), "220 relay.example ESMTP\r\n"),
                Arguments.of(SmtpReply.of(334, "VXNlcm5hbWU6"), "334 VXNlcm5hbWU6\r\n"),
                Arguments.of(new SmtpReply(250, null, List.of("relay.example", "PIPELINING", "8BITMIME"), false),
                        "250-relay.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
                Arguments.of(new SmtpReply(550, of(5, 7, 1), List.of("first", "second", "third"), false),
                        "550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 third\r\n"),
                Arguments.of(new SmtpReply(421, of(4, 7, 0), List.of("only"), true), "421 4.7.0 only\r\n"),
                Arguments.of(Replies.UNRECOGNIZED, "500 5.5.2 Command unrecognized\r\n"),
                Arguments.of(Replies.START_DATA, "354 End data with <CR><LF>.<CR><LF>\r\n"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("encodings")
    void encodeUsesDashOnAllButTheLastLineAndRepeatsTheEnhancedStatus(SmtpReply reply, String wire) {
        assertThat(reply.encode()).isEqualTo(wire);
        assertThat(reply.encodeBytes()).isEqualTo(wire.getBytes(UTF_8));
    }

    @Test
    void encodeBytesIsUtf8() {
        SmtpReply reply = SmtpReply.of(250, of(2, 1, 0), "Sender OK, will be sent as <jörg@bücher.de>");
        assertThat(reply.encodeBytes()).isEqualTo("250 2.1.0 Sender OK, will be sent as <jörg@bücher.de>\r\n".getBytes(UTF_8));
    }

    @ParameterizedTest(name = "{0} {1}.{2}.{3}")
    @CsvSource({
        "250, 5, 0, 0",
        "250, 4, 0, 0",
        "550, 2, 0, 0",
        "550, 4, 7, 1",
        "421, 5, 7, 0",
        "421, 2, 0, 0",
        "354, 2, 0, 0",
        "334, 5, 5, 2",
    })
    void enhancedStatusClassMustMatchTheCodeClass(int code, int cls, int subject, int detail) {
        assertThatThrownBy(() -> SmtpReply.of(code, of(cls, subject, detail), "text"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} {1}.{2}.{3}")
    @CsvSource({"250, 2, 0, 0", "221, 2, 0, 0", "421, 4, 7, 0", "452, 4, 5, 3", "500, 5, 5, 2", "553, 5, 1, 7"})
    void matchingStatusClassIsAccepted(int code, int cls, int subject, int detail) {
        SmtpReply reply = SmtpReply.of(code, of(cls, subject, detail), "text");
        assertThat(reply.status()).isEqualTo(of(cls, subject, detail));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 199, 600, 999, -250})
    void codeOutsideTwoHundredToFiveNinetyNineIsRejected(int code) {
        assertThatThrownBy(() -> SmtpReply.of(code, "text")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 6, 0})
    void enhancedStatusClassMustBeTwoFourOrFive(int cls) {
        assertThatThrownBy(() -> of(cls, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replyNeedsAtLeastOneLine() {
        assertThatThrownBy(() -> new SmtpReply(250, null, List.of(), false)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\r\nb", "OK\r\n", "\r", "\n", "OK\r\n250 injected"})
    void crOrLfInTextIsRejected(String text) {
        assertThatThrownBy(() -> SmtpReply.of(250, of(2, 0, 0), text)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SmtpReply(250, null, List.of("fine", text), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Replies.OK.withText(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closingMarksTheReplyAndKeepsEverythingElse() {
        SmtpReply open = new SmtpReply(421, of(4, 3, 2), List.of("a", "b"), false);
        assertThat(open.close()).isFalse();
        SmtpReply closing = open.closing();
        assertThat(closing.close()).isTrue();
        assertThat(closing.code()).isEqualTo(421);
        assertThat(closing.status()).isEqualTo(of(4, 3, 2));
        assertThat(closing.lines()).containsExactly("a", "b");
        assertThat(closing.encode()).isEqualTo(open.encode());
        assertThat(closing.closing()).isSameAs(closing);
        assertThat(open.close()).as("original is unchanged").isFalse();
    }

    @Test
    void withTextKeepsCodeStatusAndClosing() {
        SmtpReply reply = Replies.TOO_MANY_ERRORS.withText("Bye");
        assertThat(reply.code()).isEqualTo(421);
        assertThat(reply.status()).isEqualTo(of(4, 7, 0));
        assertThat(reply.close()).isTrue();
        assertThat(reply.lines()).containsExactly("Bye");
    }

    @Test
    void repliesThatEndTheConnectionAreMarkedClosing() {
        assertThat(Replies.TOO_MANY_ERRORS.close()).isTrue();
        assertThat(Replies.idleTimeout("relay.example").close()).isTrue();
        assertThat(Replies.commandTimeout("relay.example").close()).isTrue();
        assertThat(Replies.dataTimeout("relay.example").close()).isTrue();
        assertThat(Replies.BDAT_NOT_OFFERED.close()).isTrue();
        assertThat(Replies.SHUTTING_DOWN.close()).isTrue();
        assertThat(Replies.goodbye("relay.example").close()).isTrue();
        assertThat(Replies.OK.close()).isFalse();
        assertThat(Replies.UNRECOGNIZED.close()).isFalse();
    }

    @Test
    void linesAreCopiedSoTheCallerCannotChangeAReply() {
        List<String> lines = new ArrayList<>(List.of("one", "two"));
        SmtpReply reply = new SmtpReply(250, null, lines, false);
        lines.set(1, "changed\r\n");
        assertThat(reply.lines()).containsExactly("one", "two");
        assertThatThrownBy(() -> reply.lines().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringIsTheFirstLineWithCodeAndStatus() {
        assertThat(new SmtpReply(550, of(5, 7, 1), List.of("first", "second"), false).toString())
                .isEqualTo("550 5.7.1 first");
        assertThat(SmtpReply.of(220, "hi").toString()).isEqualTo("220 hi");
    }

    @ParameterizedTest
    @CsvSource({"220, true, false", "354, true, false", "421, false, false", "452, false, false", "500, false, true",
        "554, false, true"})
    void positiveAndPermanentFailureFollowTheFirstDigit(int code, boolean positive, boolean permanent) {
        SmtpReply reply = SmtpReply.of(code, "x");
        assertThat(reply.isPositive()).isEqualTo(positive);
        assertThat(reply.isPermanentFailure()).isEqualTo(permanent);
    }
}
