package dev.oauthrelay.diagnosis;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises the Entra ID and Exchange Online errors that relay admins actually meet (the most
 * common support problems of existing relays) and explains them. Matching is by code, most
 * specific first; the text an error came with is not needed beyond the code.
 */
public final class ErrorExplainer {

    /** {@code pattern} is searched case-insensitively in the error text. */
    private record Rule(Pattern pattern, String code, String problem, String fix) {
        Rule(String regex, String code, String problem, String fix) {
            this(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), code, problem, fix);
        }
    }

    /** A status code standing alone: "5.7.3" must not match inside "5.7.30". */
    private static String status(String code) {
        return "(?<![\\d.])" + code.replace(".", "\\.") + "(?![\\d.])";
    }

    private static final String ENTERPRISE_APP = "New-ServicePrincipal -AppId <application id> -ObjectId <object id>"
            + " in Exchange Online PowerShell, using the object id of the Enterprise Application"
            + " (Entra ID > Enterprise applications), not the App Registration's object id";

    private static final List<Rule> RULES = List.of(
            new Rule("AADSTS7000215\\b", "AADSTS7000215", "The client secret is wrong.",
                    "Copy the secret's Value (not its Secret ID) from the app registration's Certificates & secrets"
                            + " into relay.oauth.client-secret (or RELAY_OAUTH_CLIENT_SECRET)."),
            new Rule("AADSTS7000222\\b", "AADSTS7000222", "The client secret has expired.",
                    "Create a new client secret in the app registration and update the relay's secret; better, use a certificate."),
            new Rule("AADSTS700016\\b", "AADSTS700016", "No app with this client id exists in this tenant.",
                    "Check relay.oauth.client-id (the Application (client) ID) and relay.oauth.tenant-id (the Directory (tenant) ID)."),
            new Rule("AADSTS90002\\b", "AADSTS90002", "The tenant was not found.",
                    "Check relay.oauth.tenant-id, and relay.cloud / relay.oauth.authority for sovereign clouds."),
            new Rule("AADSTS700027\\b", "AADSTS700027", "The certificate's signature was not accepted.",
                    "Upload this certificate (the public part) to the app registration's Certificates & secrets."),
            new Rule("AADSTS700082\\b", "AADSTS700082", "The refresh token expired after 90 days without use.",
                    "Sign in again (relay login)."),
            new Rule("AADSTS70043\\b", "AADSTS70043", "A sign-in frequency policy expired the session.",
                    "Sign in again, or exclude the relay's account from the Conditional Access sign-in frequency policy."),
            new Rule("AADSTS900382\\b", "AADSTS900382", "The token comes from another cloud than the service.",
                    "Set relay.oauth.authority and the upstream host for the same cloud (for example GCC High)."),
            new Rule("AADSTS70011\\b", "AADSTS70011", "The requested scope is not valid for an app-only token.",
                    "App-only tokens need <resource>/.default (https://outlook.office365.com/.default); check relay.oauth.scope."),
            new Rule("AADSTS\\d+", "AADSTS", "Entra ID refused to issue a token.",
                    "Look up the AADSTS code in the message; check the tenant id, client id and credential."),
            new Rule(status("5.7.139"), "5.7.139", "SMTP AUTH is disabled for the tenant or for this mailbox.",
                    "Enable it for the mailbox: Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $false"
                            + " (and check Set-TransportConfig -SmtpClientAuthenticationDisabled for the tenant)."),
            new Rule(status("5.7.60"), "5.7.60", "The mailbox has no right to send as this sender.",
                    "Let the device send as its mailbox (allowed-senders / sender-mismatch = rewrite), or grant"
                            + " Add-RecipientPermission -Identity <sender> -Trustee <service principal> -AccessRights SendAs."),
            new Rule(status("5.7.57"), "5.7.57", "The upstream did not consider the relay authenticated.",
                    "Run relay check; the token or the AUTH step failed."),
            new Rule(status("5.7.30"), "5.7.30", "The upstream refused Basic authentication.",
                    "The relay only uses OAuth (XOAUTH2); check that relay.upstream points at Exchange Online."),
            new Rule(status("5.1.8"), "5.1.8", "The mailbox is blocked as a bad outbound sender (restricted senders list).",
                    "Release it in the Microsoft 365 Defender portal (Restricted entities) and find out why it was blocked."),
            new Rule(status("5.2.2"), "5.2.2", "The mailbox is full (Exchange keeps sent mail in Sent Items).",
                    "Clean up the mailbox's Sent Items or raise its quota."),
            new Rule("SubmissionQuotaExceeded", "5.2.0", "The mailbox sent more than 10,000 recipients in 24 hours.",
                    "Spread the load over several mailboxes, or wait for the window to pass."),
            new Rule(status("4.3.2"), "4.3.2", "Too many connections for this mailbox (Exchange allows 3).",
                    "Keep relay.upstream.max-connections-per-mailbox at 3 or less."),
            new Rule(status("4.2.0"), "4.2.0", "The service principal cannot log on to the mailbox.",
                    "Grant it access: Add-MailboxPermission -Identity <mailbox> -User <service principal id> -AccessRights FullAccess."),
            new Rule("(?<![\\d.])5\\.2\\.25[1-5](?![\\d.])", "5.2.251", "Exchange throttles the sender after repeated identical errors.",
                    "Fix the underlying error; Exchange lifts the block after a while."),
            new Rule("^535\\b|" + status("5.7.3"), "5.7.3", "Exchange Online refused the token for this mailbox.",
                    "Usually one of: the service principal is not registered in Exchange (" + ENTERPRISE_APP + ");"
                            + " it lacks FullAccess on the mailbox (Add-MailboxPermission);"
                            + " the app lacks the SMTP.SendAsApp application permission with admin consent;"
                            + " or SMTP AUTH is disabled for the mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false)."));

    private ErrorExplainer() {
    }

    /**
     * The explanation to append to a log line that shows {@code errorText}:
     * {@code "; likely cause: <problem> Fix: <fix>"}, or {@code ""} if the error is not recognised.
     * The same words {@code relay check} and the status page show.
     */
    public static String forLog(String errorText) {
        return explain(errorText).map(d -> "; likely cause: " + d.problem() + " Fix: " + d.fix()).orElse("");
    }

    /** The explanation of an error text (an upstream reply, an MSAL error message), if recognised. */
    public static Optional<Diagnosis> explain(String errorText) {
        if (errorText == null) {
            return Optional.empty();
        }
        return RULES.stream().filter(r -> r.pattern().matcher(errorText).find()).findFirst()
                .map(r -> new Diagnosis(r.code(), r.problem(), r.fix()));
    }
}
