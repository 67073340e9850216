package dev.oauthrelay.policy;

import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.smtp.Replies;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides who may submit and as whom. One instance is shared by all sessions; it is immutable.
 */
public final class SubmissionPolicy {

    private final Map<String, DeviceAccount> accounts = new HashMap<>();
    private final List<TrustedNetwork> networks;
    /** Checked for an unknown username: same cost as the accounts' hashes, so it takes as long. */
    private final String unknownUserHash;

    public SubmissionPolicy(List<DeviceAccount> accounts, List<TrustedNetwork> networks) {
        for (DeviceAccount a : accounts) {
            this.accounts.put(a.username(), a);
        }
        this.unknownUserHash = accounts.isEmpty() ? null : PasswordHasher.unguessableHash(usualCost(accounts));
        // Most specific network first, so a /32 for one scanner wins over its /24.
        this.networks = networks.stream()
                .sorted(Comparator.comparingInt((TrustedNetwork n) -> n.cidr().prefixLength()).reversed())
                .toList();
    }

    /** The bcrypt cost an unknown username is checked with (0 without accounts); for tests. */
    int unknownUserCost() {
        return unknownUserHash == null ? 0 : PasswordHasher.cost(unknownUserHash);
    }

    /**
     * The cost most accounts' hashes use (the higher on a tie): with it, an unknown username takes as
     * long as a wrong password for a typical account, whatever cost hash-password was run with.
     */
    private static int usualCost(List<DeviceAccount> accounts) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (DeviceAccount a : accounts) {
            int cost = PasswordHasher.cost(a.passwordHash());
            if (cost > 0) {
                counts.merge(cost, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
                .max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElse(PasswordHasher.DEFAULT_COST);
    }

    /** Whether any device account exists; without one, AUTH is not offered at all. */
    public boolean hasAccounts() {
        return !accounts.isEmpty();
    }

    /** The identity of a client address that may submit without AUTH, if any. */
    public Optional<Identity> trustedIdentity(InetAddress client) {
        return trustedNetwork(client).map(TrustedNetwork::identity);
    }

    /** The most specific trusted network containing a client address, if any. */
    public Optional<TrustedNetwork> trustedNetwork(InetAddress client) {
        return networks.stream().filter(n -> n.cidr().contains(client)).findFirst();
    }

    /**
     * Checks a device password. BLOCKING (bcrypt): call it off the I/O threads. An unknown username
     * costs the same time as a wrong password (a check against a hash of the same cost), so replies
     * and timing do not reveal which accounts exist.
     */
    public Optional<Identity> authenticate(String username, String password) {
        DeviceAccount account = accounts.get(username);
        if (account == null) {
            PasswordHasher.verify(unknownUserHash, password.toCharArray());
            return Optional.empty();
        }
        return PasswordHasher.verify(account.passwordHash(), password.toCharArray())
                ? Optional.of(account.identity()) : Optional.empty();
    }

    /**
     * Checks MAIL FROM against the identity; rewrites or rejects a sender it may not use. An
     * identity whose header repair rewrites From sends everything as its mailbox, so any sender
     * (even the null sender) is accepted and becomes the mailbox.
     */
    public SenderDecision decideSender(Identity identity, String sender) {
        if (identity.headerRepair().rewriteFrom()) {
            return new SenderDecision.Accept(identity.mailbox(), !identity.mailbox().equalsIgnoreCase(sender));
        }
        if (identity.maySend(sender)) {
            return new SenderDecision.Accept(sender, false);
        }
        if (identity.onMismatch() == SenderMismatch.REWRITE) {
            return new SenderDecision.Accept(identity.mailbox(), true);
        }
        return new SenderDecision.Reject(Replies.senderNotAllowed(sender, identity.suggestedSender()));
    }
}
