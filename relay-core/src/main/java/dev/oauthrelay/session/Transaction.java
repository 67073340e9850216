package dev.oauthrelay.session;

import dev.oauthrelay.policy.Identity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One mail transaction: from MAIL FROM until the end of data, RSET, or a new EHLO/HELO. */
final class Transaction {

    final Identity identity;
    final String sender;
    /** MAIL parameters worth keeping for the upstream submission, validated. */
    final List<String> parameters;
    final boolean smtpUtf8;
    private final Set<String> recipientKeys = new LinkedHashSet<>();
    private final List<String> recipients = new ArrayList<>();

    Transaction(Identity identity, String sender, List<String> parameters, boolean smtpUtf8) {
        this.identity = identity;
        this.sender = sender;
        this.parameters = List.copyOf(parameters);
        this.smtpUtf8 = smtpUtf8;
    }

    /** Adds a recipient; a repeated one (case-insensitively) is kept once. */
    void addRecipient(String address) {
        if (recipientKeys.add(address.toLowerCase(Locale.ROOT))) {
            recipients.add(address);
        }
    }

    boolean hasRecipient(String address) {
        return recipientKeys.contains(address.toLowerCase(Locale.ROOT));
    }

    int recipientCount() {
        return recipients.size();
    }

    List<String> recipients() {
        return List.copyOf(recipients);
    }
}
