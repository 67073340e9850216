package dev.oauthrelay.server.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.standin.StandInExchange.TranscriptLine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in's own plaintext behaviour, seen by a naive client (the relay's client never does this). */
class StandInExchangeTest {

    @TempDir
    Path dir;

    @Test
    void plaintextSideAdvertisesStartTlsOnlyAndRefusesAuthAndMail() throws Exception {
        try (StandInExchange exchange = StandInExchange.builder(dir).mailbox("a@contoso.example")
                .tokenValidator(t -> true).start();
             Socket socket = new Socket(exchange.host(), exchange.port())) {
            socket.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();

            assertThat(in.readLine()).startsWith("220 ");
            out.write("EHLO naive.test\r\n".getBytes(StandardCharsets.US_ASCII));
            List<String> ehlo = readReply(in);
            assertThat(ehlo).contains("250-STARTTLS", "250-SIZE 157286400", "250-PIPELINING", "250-8BITMIME",
                    "250-ENHANCEDSTATUSCODES", "250 SMTPUTF8");
            assertThat(ehlo).noneMatch(l -> l.contains("AUTH"));

            out.write("AUTH XOAUTH2 dXNlcj1hQGNvbnRvc28uZXhhbXBsZQFhdXRoPUJlYXJlciB4AQE=\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("530 5.7.57 Client not authenticated to send mail");
            out.write("MAIL FROM:<a@contoso.example>\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("530 5.7.57 Client not authenticated to send mail");
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("221 ");

            // The transcript catches the plaintext AUTH, without the credentials.
            List<TranscriptLine> lines = exchange.transcripts().get(0).lines();
            assertThat(lines).contains(new TranscriptLine("AUTH XOAUTH2 <initial response>", false));
            assertThat(exchange.transcripts().get(0).anyPlaintext("AUTH")).isTrue();
            assertThat(exchange.authAttempts()).isEqualTo(1);
        }
    }

    private static List<String> readReply(BufferedReader in) throws Exception {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            lines.add(line);
        } while (line.charAt(3) == '-');
        return lines;
    }
}
