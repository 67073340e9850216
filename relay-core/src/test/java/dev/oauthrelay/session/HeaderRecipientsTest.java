package dev.oauthrelay.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link HeaderRepair#recipients} and {@link HeaderRepair#addBcc}: what an upstream without an envelope (Graph) needs. */
class HeaderRecipientsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void recipientsComeFromToCcAndBccWithNamesCommentsAndGroupsLeftOut() {
        String header = "From: \"scanner@contoso.com\" <scanner@contoso.com>\r\n"
                + "To: \"Doe, Jane\" <jane@contoso.com>, bob@fabrikam.example (Bob)\r\n"
                + "cc: Team: carol@contoso.com, dave@contoso.com;\r\n"
                + "BCC:\r\n <eve@contoso.com>\r\n"
                + "Reply-To: noreply@contoso.com\r\n"
                + "Subject: To: mallory@evil.example\r\n";
        assertThat(HeaderRepair.recipients(bytes(header))).containsExactly("jane@contoso.com", "bob@fabrikam.example",
                "carol@contoso.com", "dave@contoso.com", "eve@contoso.com");
    }

    @Test
    void bccIsAddedAtTheEndAndEverythingElseStaysByteForByte() {
        String header = "From: printer@contoso.com\r\nTo: alice@fabrikam.example\r\nSubject: scan\r\n";
        byte[] out = HeaderRepair.addBcc(bytes(header), List.of("archive@contoso.com", "audit@contoso.com"));
        assertThat(text(out)).isEqualTo(header + "Bcc: archive@contoso.com,\r\n audit@contoso.com\r\n");
        assertThat(HeaderRepair.recipients(out)).containsExactly("alice@fabrikam.example", "archive@contoso.com",
                "audit@contoso.com");
    }

    @Test
    void anExistingBccFieldIsExtendedRatherThanASecondOneAdded() {
        String header = "To: alice@fabrikam.example\r\nBcc: boss@contoso.com\r\nSubject: scan\r\n";
        byte[] out = HeaderRepair.addBcc(bytes(header), List.of("archive@contoso.com"));
        assertThat(text(out)).isEqualTo("To: alice@fabrikam.example\r\nBcc: boss@contoso.com,\r\n archive@contoso.com\r\n"
                + "Subject: scan\r\n");
    }

    @Test
    void nothingToAddReturnsTheSameBytes() {
        byte[] header = bytes("To: alice@fabrikam.example\n");
        assertThat(HeaderRepair.addBcc(header, List.of())).isSameAs(header);
    }
}
