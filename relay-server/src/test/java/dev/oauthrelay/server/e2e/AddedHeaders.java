package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the relay's default header repair (relay.header-repair: add-date, add-message-id) adds to
 * a message without {@code Date:} or {@code Message-ID:}: the missing fields, at the end of the
 * header section, right before the empty line. Tests that check a message arrives byte for byte
 * use {@link #expected} to build the exact bytes to expect: the sent message with the fields the
 * relay added, whose form and values are checked here (a date close to now, in UTC; a Message-ID
 * of the message's queue id, 16 random hex digits and the relay's host name). Nothing else may
 * differ.
 */
public final class AddedHeaders {

    private static final Pattern DATE =
            Pattern.compile("Date: ((Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} \\+0000)\r\n");

    private AddedHeaders() {
    }

    /**
     * The bytes the relay should have stored for {@code sent} (a message with an empty line after
     * its header fields), given what it stored ({@code stored}, without the Received header): the
     * sent bytes with a {@code Date:} (if {@code date}) and a {@code Message-ID:} (if
     * {@code messageId}) put in before the empty line, taken from {@code stored} once their form
     * is checked.
     */
    public static byte[] expected(byte[] sent, byte[] stored, String queueId, String hostname, boolean date,
                                  boolean messageId) {
        String s = latin1(sent);
        String t = latin1(stored);
        int at = s.indexOf("\r\n\r\n") + 2;
        assertThat(at).as("the sent message has an empty line after its header").isGreaterThan(1);
        assertThat(t).as("the stored message starts with the sent header fields").startsWith(s.substring(0, at));
        int p = at;
        if (date) {
            Matcher m = DATE.matcher(t).region(p, t.length());
            assertThat(m.lookingAt()).as("an added Date: at %d of %s", p, t.substring(p, Math.min(t.length(), p + 80)))
                    .isTrue();
            Instant when = ZonedDateTime.parse(m.group(1), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            assertThat(Duration.between(when, Instant.now()).abs()).as("the added Date is the time of reception")
                    .isLessThan(Duration.ofMinutes(10));
            p = m.end();
        }
        if (messageId) {
            Matcher m = Pattern.compile("Message-ID: <" + queueId + "\\.[0-9a-f]{16}@" + Pattern.quote(hostname) + ">\r\n")
                    .matcher(t).region(p, t.length());
            assertThat(m.lookingAt()).as("an added Message-ID: at %d of %s", p, t.substring(p, Math.min(t.length(), p + 80)))
                    .isTrue();
            p = m.end();
        }
        return (s.substring(0, at) + t.substring(at, p) + s.substring(at)).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The From line of {@code devices/mfp-scan-to-email.eml}, and what quote-display-name makes of it. */
    public static final String MFP_FROM = "From: scanner@contoso.com <scanner@contoso.com>\r\n";
    public static final String MFP_FROM_QUOTED = "From: \"scanner@contoso.com\" <scanner@contoso.com>\r\n";

    /**
     * What the default header repairs make of a device fixture ({@code devices/*.eml}, sent as
     * {@code sent}, possibly with something a client added at the end), checked against
     * {@code stored}: send-mailmessage.eml has a Date but no Message-ID; mfp-scan-to-email.eml has
     * neither and an unquoted '@' in its display name; utf8-notification.eml is complete.
     */
    public static byte[] expectedForFixture(String fixture, byte[] sent, byte[] stored, String queueId, String hostname) {
        return switch (fixture) {
            case "send-mailmessage.eml" -> expected(sent, stored, queueId, hostname, false, true);
            case "mfp-scan-to-email.eml" -> {
                String text = latin1(sent);
                assertThat(text).startsWith(MFP_FROM);
                byte[] quoted = text.replace(MFP_FROM, MFP_FROM_QUOTED).getBytes(StandardCharsets.ISO_8859_1);
                yield expected(quoted, stored, queueId, hostname, true, true);
            }
            case "utf8-notification.eml" -> sent;
            default -> throw new IllegalArgumentException("no expectation for " + fixture);
        };
    }

    /** {@link #expected} as text (ISO-8859-1, one char per byte). */
    public static String expectedText(byte[] sent, byte[] stored, String queueId, String hostname, boolean date,
                                      boolean messageId) {
        return latin1(expected(sent, stored, queueId, hostname, date, messageId));
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
