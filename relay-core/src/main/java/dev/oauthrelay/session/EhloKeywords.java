package dev.oauthrelay.session;

import dev.oauthrelay.auth.SaslMechanism;
import java.util.ArrayList;
import java.util.List;

/** The EHLO reply: greeting line plus the extensions in effect for this connection state. */
final class EhloKeywords {

    private EhloKeywords() {
    }

    static List<String> lines(SessionSettings settings, String client, boolean tlsActive, boolean offerAuth) {
        List<String> lines = new ArrayList<>();
        lines.add(settings.hostname() + " greets [" + client + "]");
        lines.add("PIPELINING");                                  // RFC 2920
        lines.add("SIZE " + settings.maxMessageSize());          // RFC 1870
        lines.add("8BITMIME");                                    // RFC 6152
        lines.add("ENHANCEDSTATUSCODES");                         // RFC 2034
        lines.add("SMTPUTF8");                                    // RFC 6531
        if (settings.tlsMode() == TlsMode.STARTTLS && !tlsActive) {
            lines.add("STARTTLS");                                // RFC 3207
        }
        if (offerAuth) {
            lines.add("AUTH " + SaslMechanism.ADVERTISED);        // RFC 4954
            // The pre-standard "AUTH=" form: some old printers and Outlook versions only look for it.
            lines.add("AUTH=" + SaslMechanism.ADVERTISED);
        }
        return lines;
    }
}
