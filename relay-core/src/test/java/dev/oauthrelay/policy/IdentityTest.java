package dev.oauthrelay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {

    static Identity identity(String mailbox, String... allowed) {
        return new Identity("test", Identity.Kind.ACCOUNT, mailbox, List.of(allowed), SenderMismatch.REJECT);
    }

    /** Patterns separated by spaces. */
    private static Identity withPatterns(String patterns) {
        String[] list = patterns.isBlank() ? new String[0] : patterns.trim().split(" +");
        return identity("device@contoso.com", list);
    }

    @ParameterizedTest(name = "[{index}] {0} may send {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        // exact address, case-insensitive
        "scanner@contoso.com           | scanner@contoso.com              | true",
        "scanner@contoso.com           | SCANNER@Contoso.COM              | true",
        "Scanner@CONTOSO.com           | scanner@contoso.com              | true",
        "scanner@contoso.com           | xscanner@contoso.com             | false",
        "scanner@contoso.com           | scanner@contoso.com.evil.net     | false",
        "scanner@contoso.com           | scanner@contoso.co               | false",
        "scanner@contoso.com           | scanner@sub.contoso.com          | false",
        "scanner@contoso.com           | other@contoso.com                | false",
        "jörg@bücher.de                | JÖRG@BÜCHER.DE                   | true",
        // @domain: exactly that domain
        "@contoso.com                  | anyone@contoso.com               | true",
        "@contoso.com                  | ANYONE@CONTOSO.COM               | true",
        "@Contoso.COM                  | anyone@contoso.com               | true",
        "@contoso.com                  | x@evilcontoso.com                | false",
        "@contoso.com                  | x@sub.contoso.com                | false",
        "@contoso.com                  | x@contoso.com.evil.net           | false",
        "@contoso.com                  | x@contoso.co                     | false",
        "@contoso.com                  | contoso.com                      | false",
        "@contoso.com                  | x.contoso.com                    | false",
        "@contoso.com                  | \"a@b\"@contoso.com              | true",
        "@contoso.com                  | \"a@contoso.com\"@evil.net       | false",
        "@sub.contoso.com              | x@contoso.com                    | false",
        // * : anything non-empty
        "*                             | anyone@anywhere.example          | true",
        "*                             | jörg@bücher.de                   | true",
        // several patterns: any may match
        "a@x.com @y.com                | b@y.com                          | true",
        "a@x.com @y.com                | a@x.com                          | true",
        "a@x.com @y.com                | b@x.com                          | false",
        // no patterns: nothing
        "''                            | a@b.c                            | false",
    })
    void maySendMatchesExactAddressesDomainsAndWildcard(String patterns, String sender, boolean expected) {
        assertThat(withPatterns(patterns).maySend(sender)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "@contoso.com", "scanner@contoso.com", "* @contoso.com scanner@contoso.com"})
    void nullSenderNeverMatches(String patterns) {
        Identity id = withPatterns(patterns);
        assertThat(id.maySend("")).isFalse();
        assertThat(id.maySend(null)).isFalse();
    }

    @Test
    void suggestedSenderIsTheMailboxWhenAllowed() {
        assertThat(identity("scanner@contoso.com", "scanner@contoso.com").suggestedSender()).isEqualTo("scanner@contoso.com");
        assertThat(identity("scanner@contoso.com", "@contoso.com").suggestedSender()).isEqualTo("scanner@contoso.com");
        assertThat(identity("scanner@contoso.com", "*").suggestedSender()).isEqualTo("scanner@contoso.com");
        assertThat(identity("Scanner@Contoso.com", "scanner@contoso.com").suggestedSender()).isEqualTo("Scanner@Contoso.com");
    }

    @Test
    void suggestedSenderIsTheFirstExactPatternWhenTheMailboxIsNotAllowed() {
        assertThat(identity("scanner@contoso.com", "@fabrikam.com", "alias@fabrikam.com", "second@fabrikam.com")
                .suggestedSender()).isEqualTo("alias@fabrikam.com");
    }

    @Test
    void suggestedSenderFallsBackToTheMailbox() {
        assertThat(identity("scanner@contoso.com", "@fabrikam.com").suggestedSender()).isEqualTo("scanner@contoso.com");
        assertThat(identity("scanner@contoso.com").suggestedSender()).isEqualTo("scanner@contoso.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "scanner", "@contoso.com"})
    void mailboxMustBeAnAddress(String mailbox) {
        assertThatThrownBy(() -> identity(mailbox)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullMailboxIsRejected() {
        assertThatThrownBy(() -> new Identity("n", Identity.Kind.ACCOUNT, null, List.of(), SenderMismatch.REJECT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allowedSendersAreCopied() {
        List<String> patterns = new ArrayList<>(List.of("a@b.c"));
        Identity id = identity("a@b.c", patterns.toArray(String[]::new));
        Identity fromList = new Identity("n", Identity.Kind.ACCOUNT, "a@b.c", patterns, SenderMismatch.REJECT);
        patterns.set(0, "*");
        assertThat(fromList.maySend("x@y.z")).isFalse();
        assertThat(fromList.allowedSenders()).containsExactly("a@b.c");
        assertThat(id.allowedSenders()).containsExactly("a@b.c");
    }
}
