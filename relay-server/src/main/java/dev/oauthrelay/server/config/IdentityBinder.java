package dev.oauthrelay.server.config;

import dev.oauthrelay.policy.Cidr;
import dev.oauthrelay.policy.DeviceAccount;
import dev.oauthrelay.policy.HeaderRepairOptions;
import dev.oauthrelay.policy.Identity;
import dev.oauthrelay.policy.SenderMismatch;
import dev.oauthrelay.policy.TrustedNetwork;
import dev.oauthrelay.policy.UpstreamChoice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds {@code relay.accounts} and {@code relay.trusted-networks} to policy types. Both map a
 * submitter to an {@link Identity}: the upstream mailbox, the envelope senders it may use, and
 * what happens to other senders. A password hash is never put into a problem message.
 */
final class IdentityBinder {

    static final Set<String> ACCOUNT_KEYS =
            Set.of("username", "password-hash", "mailbox", "allowed-senders", "sender-mismatch", "header-repair",
                    "upstream", "upstream-account");
    static final Set<String> NETWORK_KEYS =
            Set.of("cidr", "mailbox", "allowed-senders", "sender-mismatch", "data-line-endings", "header-repair",
                    "upstream", "upstream-account");
    /** Fields of {@code relay.header-repair} and of an account's or network's {@code header-repair} block. */
    static final Set<String> HEADER_REPAIR_KEYS =
            Set.of("add-date", "add-message-id", "quote-display-name", "rewrite-from");

    /** relay.header-repair, read once: what an identity's own header-repair block starts from. */
    private HeaderRepairOptions headerRepairDefaults;

    /** relay.delivery.upstream: the upstream of an identity that does not choose one. */
    private final UpstreamChoice defaultUpstream;

    /** The names of the upstream accounts (relay.oauth is "default"); null if they are invalid (reported). */
    private final Set<String> upstreamAccounts;

    /** Mailbox (lower case) -> its upstream account and where that was said: one account per mailbox. */
    private final Map<String, String[]> mailboxAccounts = new HashMap<>();

    /** The accounts with sign-in = user: each sends as its signed-in user's mailbox only. */
    private final Set<String> userAccounts;

    /** User account -> the one mailbox its identities use, and where that was said. */
    private final Map<String, String[]> userAccountMailboxes = new HashMap<>();

    IdentityBinder(UpstreamChoice defaultUpstream, Set<String> upstreamAccounts, Set<String> userAccounts) {
        this.defaultUpstream = defaultUpstream;
        this.upstreamAccounts = upstreamAccounts;
        this.userAccounts = userAccounts;
    }

    /** The shape `./relay hash-password` produces: bcrypt, versions 2a, 2b or 2y, 60 characters. */
    static final Pattern BCRYPT = Pattern.compile("^\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}$");

    private static final String LOCAL = "[^\\s@<>()\\[\\]\\\\,;:\"]+";
    private static final String DOMAIN = "[^\\s@<>()\\[\\]\\\\,;:\"./]+(?:\\.[^\\s@<>()\\[\\]\\\\,;:\"./]+)*";
    private static final Pattern ADDRESS = Pattern.compile(LOCAL + "@" + DOMAIN);
    private static final Pattern DOMAIN_PATTERN = Pattern.compile("@" + DOMAIN);

    private static final String EXPECT_MAILBOX = "a mailbox address such as scanner@contoso.com";
    private static final String EXPECT_SENDERS =
            "a non-empty list of sender patterns: an address, \"@domain\" for a whole domain, or \"*\" for any";
    private static final String EXPECT_MISMATCH = "reject or rewrite";

    List<DeviceAccount> accounts(Section relay) {
        List<Section> elements = relay.objectList("accounts", "an account", ACCOUNT_KEYS);
        List<DeviceAccount> out = new ArrayList<>();
        if (elements == null) {
            return out;
        }
        Map<String, String> usernames = new HashMap<>();
        for (Section a : elements) {
            String username = a.string("username", "a non-empty user name", true);
            if (username != null && username.isBlank()) {
                a.reject("username", "a non-empty user name", false);
                username = null;
            }
            String hash = a.string("password-hash", bcryptExpectation(), true, true);
            if (hash != null && !BCRYPT.matcher(hash).matches()) {
                a.reject("password-hash", bcryptExpectation(), true);
                hash = null;
            }
            if (username != null) {
                // Case-insensitive: two accounts differing only in case would make the login
                // depend on how the authenticator compares names.
                String previous = usernames.putIfAbsent(username.toLowerCase(Locale.ROOT), a.path());
                if (previous != null) {
                    a.problem("username", "\"" + username + "\" is already used by " + previous
                            + " (user names are compared ignoring case); each account needs its own");
                }
            }
            Identity identity = identity(a, username, Identity.Kind.ACCOUNT, headerRepairDefaults(relay), defaultUpstream);
            identity = withUpstreamAccount(a, identity);
            if (username != null && hash != null && identity != null) {
                out.add(new DeviceAccount(username, hash, identity));
            }
        }
        return out;
    }

    List<TrustedNetwork> trustedNetworks(Section relay) {
        List<Section> elements = relay.objectList("trusted-networks", "a trusted network", NETWORK_KEYS);
        List<TrustedNetwork> out = new ArrayList<>();
        if (elements == null) {
            return out;
        }
        Map<Cidr, String> seen = new HashMap<>();
        for (Section n : elements) {
            String text = n.string("cidr", "an IPv4 or IPv6 network such as 192.168.10.0/24 or fd00::/64", true);
            Cidr cidr = null;
            if (text != null) {
                try {
                    cidr = Cidr.parse(text);
                } catch (IllegalArgumentException e) {
                    n.reject("cidr", "an IPv4 or IPv6 network such as 192.168.10.0/24 or fd00::/64 ("
                            + e.getMessage() + ")", false);
                }
            }
            if (cidr != null) {
                String previous = seen.putIfAbsent(cidr, n.path());
                if (previous != null) {
                    n.problem("cidr", cidr + " is the same network as " + previous
                            + "; a network can map to only one identity");
                }
            }
            Identity identity = identity(n, cidr == null ? null : cidr.text(), Identity.Kind.TRUSTED_NETWORK,
                    headerRepairDefaults(relay), defaultUpstream);
            identity = withUpstreamAccount(n, identity);
            var lineEndings = RelayConfigBinder.dataLineEndings(n);
            if (cidr != null && identity != null && lineEndings != null) {
                out.add(new TrustedNetwork(cidr, identity, lineEndings));
            }
        }
        return out;
    }

    /**
     * The identity with its {@code upstream-account}, checked: the account exists, and a mailbox is
     * sent with one account only (tokens and upstream connections are per mailbox). Null if invalid
     * (reported) or if {@code identity} is null.
     */
    private Identity withUpstreamAccount(Section s, Identity identity) {
        String account = s.string("upstream-account", "the name of an element of relay.upstream-accounts", false);
        if (account == null && s.has("upstream-account")) {
            return null; // reported
        }
        String name = account == null ? Identity.DEFAULT_ACCOUNT : account.strip();
        if (upstreamAccounts != null && !upstreamAccounts.isEmpty() && !upstreamAccounts.contains(name)) {
            if (account == null) {
                s.problem("upstream-account", "is missing: relay.oauth is not set, so name one of the upstream"
                        + " accounts " + upstreamAccounts);
            } else {
                s.problem("upstream-account", "\"" + account + "\" is not an upstream account; configured: "
                        + upstreamAccounts);
            }
            return null;
        }
        if (identity == null) {
            return null;
        }
        String[] previous = mailboxAccounts.putIfAbsent(identity.mailbox().toLowerCase(Locale.ROOT),
                new String[] {name, s.path()});
        if (previous != null && !previous[0].equals(name)) {
            s.problem("upstream-account", "the mailbox " + identity.mailbox() + " is sent as with the account \""
                    + previous[0] + "\" by " + previous[1] + "; a mailbox belongs to one account");
            return null;
        }
        if (userAccounts.contains(name)) {
            String[] first = userAccountMailboxes.putIfAbsent(name, new String[] {identity.mailbox(), s.path()});
            if (first != null && !first[0].equalsIgnoreCase(identity.mailbox())) {
                s.problem("mailbox", "the upstream account \"" + name + "\" signs in as one user and sends as that"
                        + " mailbox only, which " + first[1] + " says is " + first[0]);
                return null;
            }
        }
        return new Identity(identity.name(), identity.kind(), identity.mailbox(), identity.allowedSenders(),
                identity.onMismatch(), identity.headerRepair(), identity.upstream(), name);
    }

    /**
     * {@code relay.header-repair}: the repairs for every identity that does not say otherwise.
     * Read on first use, so its problems are reported once.
     */
    private HeaderRepairOptions headerRepairDefaults(Section relay) {
        if (headerRepairDefaults == null) {
            Section section = relay.section("header-repair"); // reference.conf always has it
            HeaderRepairOptions options = section == null ? null
                    : headerRepair(section, HeaderRepairOptions.DEFAULTS, true);
            headerRepairDefaults = options == null ? HeaderRepairOptions.DEFAULTS : options;
        }
        return headerRepairDefaults;
    }

    /** An identity's optional {@code header-repair} block, key by key over the defaults; null if invalid (reported). */
    private static HeaderRepairOptions identityHeaderRepair(Section s, HeaderRepairOptions defaults) {
        if (!s.has("header-repair")) {
            return defaults;
        }
        Section block = s.optionalSection("header-repair", HEADER_REPAIR_KEYS);
        return block == null ? null : headerRepair(block, defaults, false);
    }

    private static HeaderRepairOptions headerRepair(Section s, HeaderRepairOptions base, boolean required) {
        Boolean addDate = s.bool("add-date", "true or false", required);
        Boolean addMessageId = s.bool("add-message-id", "true or false", required);
        Boolean quote = s.bool("quote-display-name", "true or false", required);
        Boolean rewriteFrom = s.bool("rewrite-from", "true or false", required);
        if ((addDate == null && s.has("add-date")) || (addMessageId == null && s.has("add-message-id"))
                || (quote == null && s.has("quote-display-name")) || (rewriteFrom == null && s.has("rewrite-from"))) {
            return null; // reported
        }
        return new HeaderRepairOptions(
                addDate == null ? base.addDate() : addDate,
                addMessageId == null ? base.addMessageId() : addMessageId,
                quote == null ? base.quoteDisplayName() : quote,
                rewriteFrom == null ? base.rewriteFrom() : rewriteFrom);
    }

    /**
     * mailbox, allowed-senders (default: just the mailbox), sender-mismatch (default: reject),
     * header-repair (default: relay.header-repair) and upstream (default: relay.delivery.upstream).
     */
    private static Identity identity(Section s, String name, Identity.Kind kind, HeaderRepairOptions repairDefaults,
                                     UpstreamChoice upstreamDefault) {
        String mailbox = s.string("mailbox", EXPECT_MAILBOX, true);
        if (mailbox != null && !ADDRESS.matcher(mailbox).matches()) {
            s.reject("mailbox", EXPECT_MAILBOX, false);
            mailbox = null;
        }
        List<String> senders = s.stringList("allowed-senders", EXPECT_SENDERS, false);
        boolean sendersOk = true;
        if (senders != null) {
            if (senders.isEmpty()) {
                s.reject("allowed-senders", EXPECT_SENDERS + " (leave the key out to allow only the mailbox)", false);
                sendersOk = false;
            }
            for (int i = 0; i < senders.size(); i++) {
                if (!isSenderPattern(senders.get(i))) {
                    s.rejectItem("allowed-senders", i,
                            "an address such as printer@contoso.com, \"@contoso.com\" for a whole domain, or \"*\"");
                    sendersOk = false;
                }
            }
        } else if (s.has("allowed-senders")) {
            sendersOk = false; // present but not a list of strings: already reported
        }
        String mismatchText = s.string("sender-mismatch", EXPECT_MISMATCH, false);
        SenderMismatch mismatch = SenderMismatch.REJECT;
        if (mismatchText != null) {
            try {
                mismatch = SenderMismatch.valueOf(mismatchText.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                s.reject("sender-mismatch", EXPECT_MISMATCH, false);
                mismatch = null;
            }
        }
        HeaderRepairOptions repair = identityHeaderRepair(s, repairDefaults);
        UpstreamChoice upstream = DeliveryBinder.upstreamChoice(s, "upstream", upstreamDefault);
        if (name == null || mailbox == null || !sendersOk || mismatch == null || repair == null || upstream == null) {
            return null;
        }
        return new Identity(name, kind, mailbox, senders == null ? List.of(mailbox) : senders, mismatch, repair,
                upstream);
    }

    static boolean isSenderPattern(String pattern) {
        return pattern.equals("*") || ADDRESS.matcher(pattern).matches() || DOMAIN_PATTERN.matcher(pattern).matches();
    }

    private static String bcryptExpectation() {
        return "a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters), as printed by ./relay hash-password";
    }
}
