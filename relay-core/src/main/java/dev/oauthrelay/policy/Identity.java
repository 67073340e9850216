package dev.oauthrelay.policy;

import java.util.List;
import java.util.Locale;

/**
 * Who submitted a message: a device account or a trusted network. The identity names the
 * upstream mailbox the mail is sent as (the XOAUTH2 {@code user=}) and the envelope senders it
 * may use. Exchange refuses a sender the mailbox has no rights to, and a device cannot read a
 * bounce, so the sender is checked at MAIL FROM rather than after the {@code 250}.
 *
 * @param name           the account's username, or the network's CIDR; used in logs and the spool
 * @param kind           account or trusted network
 * @param mailbox        the upstream mailbox, e.g. {@code scanner@contoso.com}
 * @param allowedSenders patterns: an exact address, {@code @domain} for any address in that
 *                       domain, or {@code *} for any sender
 * @param onMismatch     what to do with any other sender
 * @param headerRepair   which header repairs its messages get
 * @param upstream       which upstream its mail is delivered through
 * @param upstreamAccount the upstream account (tenant and app registration) whose tokens its mail
 *                       is sent with; {@link #DEFAULT_ACCOUNT} unless configured otherwise
 */
public record Identity(String name, Kind kind, String mailbox, List<String> allowedSenders,
                       SenderMismatch onMismatch, HeaderRepairOptions headerRepair, UpstreamChoice upstream,
                       String upstreamAccount) {

    /** The account configured as {@code relay.oauth}. */
    public static final String DEFAULT_ACCOUNT = "default";

    public enum Kind { ACCOUNT, TRUSTED_NETWORK }

    public Identity {
        allowedSenders = List.copyOf(allowedSenders);
        if (mailbox == null || mailbox.indexOf('@') < 1) {
            throw new IllegalArgumentException("mailbox must be an address: " + mailbox);
        }
        java.util.Objects.requireNonNull(headerRepair, "headerRepair");
        java.util.Objects.requireNonNull(upstream, "upstream");
        java.util.Objects.requireNonNull(upstreamAccount, "upstreamAccount");
    }

    /** An identity using the default upstream account. */
    public Identity(String name, Kind kind, String mailbox, List<String> allowedSenders, SenderMismatch onMismatch,
                    HeaderRepairOptions headerRepair, UpstreamChoice upstream) {
        this(name, kind, mailbox, allowedSenders, onMismatch, headerRepair, upstream, DEFAULT_ACCOUNT);
    }

    /** An identity delivered over SMTP. */
    public Identity(String name, Kind kind, String mailbox, List<String> allowedSenders, SenderMismatch onMismatch,
                    HeaderRepairOptions headerRepair) {
        this(name, kind, mailbox, allowedSenders, onMismatch, headerRepair, UpstreamChoice.SMTP);
    }

    /** An identity with the default header repairs ({@link HeaderRepairOptions#DEFAULTS}), delivered over SMTP. */
    public Identity(String name, Kind kind, String mailbox, List<String> allowedSenders, SenderMismatch onMismatch) {
        this(name, kind, mailbox, allowedSenders, onMismatch, HeaderRepairOptions.DEFAULTS);
    }

    /** Whether this identity may use {@code sender} (an address without brackets) as MAIL FROM. */
    public boolean maySend(String sender) {
        if (sender == null || sender.isEmpty()) {
            return false;
        }
        String lower = sender.toLowerCase(Locale.ROOT);
        for (String pattern : allowedSenders) {
            String p = pattern.toLowerCase(Locale.ROOT);
            if (p.equals("*") || p.equals(lower)) {
                return true;
            }
            if (p.startsWith("@") && lower.endsWith(p) && lower.lastIndexOf('@') == lower.length() - p.length()) {
                return true;
            }
        }
        return false;
    }

    /** The sender a refused device should use instead: the mailbox if allowed, else the first exact pattern. */
    public String suggestedSender() {
        if (maySend(mailbox)) {
            return mailbox;
        }
        return allowedSenders.stream()
                .filter(p -> p.indexOf('@') > 0)
                .findFirst()
                .orElse(mailbox);
    }
}
