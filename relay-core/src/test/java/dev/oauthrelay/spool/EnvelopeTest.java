package dev.oauthrelay.spool;

import static dev.oauthrelay.spool.TestMessages.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final QueueId ID = QueueId.parse("01J0ZK3V8Q4M7XR2");

    private static Envelope withRecipients(List<String> rcpts) {
        Envelope e = envelope(ID);
        return new Envelope(ID, e.receivedAt(), e.identity(), e.identityKind(), e.mailbox(), e.mailFrom(),
                e.mailParameters(), rcpts, e.clientAddress(), e.heloName(), e.tlsProtocol());
    }

    @Test
    void listsAreCopiedDefensively() {
        List<String> rcpts = new ArrayList<>(List.of("a@example.com"));
        Envelope e = withRecipients(rcpts);
        rcpts.add("b@example.com");
        assertThat(e.recipients()).containsExactly("a@example.com");
        assertThatThrownBy(() -> e.recipients().add("c@example.com")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void atLeastOneRecipientIsRequired() {
        assertThatThrownBy(() -> withRecipients(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> withRecipients(Arrays.asList("a@example.com", null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void identityKindMustBeAccountOrTrustedNetwork() {
        Envelope e = envelope(ID);
        assertThatThrownBy(() -> new Envelope(ID, e.receivedAt(), e.identity(), "user", e.mailbox(), e.mailFrom(),
                e.mailParameters(), e.recipients(), e.clientAddress(), e.heloName(), e.tlsProtocol()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullFieldsAreRejected() {
        Envelope e = envelope(ID);
        assertThatThrownBy(() -> new Envelope(ID, e.receivedAt(), e.identity(), e.identityKind(), e.mailbox(), null,
                e.mailParameters(), e.recipients(), e.clientAddress(), e.heloName(), e.tlsProtocol()))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aValueWithCrLfCannotInjectAnEnvelopeLine() {
        Envelope e = envelope(ID);
        Envelope sneaky = new Envelope(ID, e.receivedAt(), e.identity(), e.identityKind(), e.mailbox(),
                "x@example.com\r\nrcpt: attacker@example.com", e.mailParameters(), List.of("alice@contoso.com"),
                e.clientAddress(), e.heloName(), e.tlsProtocol());
        byte[] section = EnvelopeCodec.encode(sneaky);
        String text = new String(section, StandardCharsets.UTF_8);
        assertThat(text).contains("mail-from: x@example.com%0D%0Arcpt: attacker@example.com\r\n");
        assertThat(text.split("\r\nrcpt: ", -1)).hasSize(2);
        assertThat(EnvelopeCodec.decode(section)).isEqualTo(sneaky);
    }

    @Test
    void decodeRejectsWhatTheEncoderNeverWrites() {
        String valid = new String(EnvelopeCodec.encode(envelope(ID)), StandardCharsets.UTF_8);
        List<String> broken = List.of(
                valid.replace("helo: printer01\r\n", ""),                               // missing key
                valid.replace("helo: printer01\r\n", "helo: a\r\nhelo: b\r\n"),         // duplicate key
                valid.replace("helo: printer01\r\n", "helo: a\r\nfuture: x\r\n"),       // unknown key
                valid.replace("helo: printer01\r\n", "helo: a\nb\r\n"),                 // bare LF
                valid.replace("helo: printer01\r\n", "helo: a%4\r\n"),                  // truncated escape
                valid.replace("helo: printer01\r\n", "helo:printer01\r\n"),             // no space after colon
                valid.replace("rcpt: alice@contoso.com\r\nrcpt: bob@example.org\r\n", ""), // no recipient
                valid.replace("received: 2024", "received: x2024"));                    // bad instant
        for (String s : broken) {
            assertThatThrownBy(() -> EnvelopeCodec.decode(s.getBytes(StandardCharsets.UTF_8)))
                    .as(s)
                    .isInstanceOfAny(IllegalArgumentException.class, java.time.DateTimeException.class);
        }
    }
}
