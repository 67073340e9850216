package dev.oauthrelay.diagnosis;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises the Entra ID, Exchange Online and Microsoft Graph errors that relay admins actually
 * meet (the most common support problems of existing relays) and explains them. Matching is by
 * code, most specific first; the text an error came with is not needed beyond the code.
 *
 * <p>Graph failures are recorded as {@code "Graph <request> <HTTP status> <error.code>: <message>"}
 * (the Graph upstream's {@code GraphReplies}), behind the SMTP-like reply the classifier judges
 * them by ({@code 535 5.7.3 Graph sendMail 403 ErrorAccessDenied: ...}). Their rules come first:
 * that stand-in {@code 535 5.7.3} or {@code 451 4.3.2} must not be explained as Exchange's SMTP
 * replies, whose fixes (Set-CASMailbox, fewer SMTP connections) do nothing for Graph.
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

    /**
     * A Graph failure with this HTTP status ({@code statusRegex}) as the relay records it, the
     * error code and message following: "Graph sendMail 429 ApplicationThrottled: ...".
     */
    private static String graphStatus(String statusRegex) {
        return "\\bGraph\\b[^:]*?\\s(?:" + statusRegex + ")\\b";
    }

    /** A Graph failure with this status and no error code (a proxy's page, an empty body). */
    private static String graphStatusOnly(String statusRegex) {
        return graphStatus(statusRegex) + "(?=\\s*(?::|$|\\())";
    }

    private static final String GRAPH_SCOPING = "Test-ApplicationAccessPolicy -Identity <mailbox> -AppId <client id>"
            + " must say Granted (add the mailbox to the policy's group), or with RBAC for Applications"
            + " Test-ServicePrincipalAuthorization -Identity <service principal> -Resource <mailbox> must list"
            + " Application Mail.Send as in scope; changes can take an hour or more to apply";

    private static final String ENTERPRISE_APP = "New-ServicePrincipal -AppId <application id> -ObjectId <object id>"
            + " in Exchange Online PowerShell, using the object id of the Enterprise Application"
            + " (Entra ID > Enterprise applications), not the App Registration's object id";

    private static final List<Rule> RULES = List.of(
            // Microsoft Graph (upstream = graph | smtp-then-graph), before the SMTP replies they stand in for.
            new Rule("\\[RAOP\\]|AppOnly AccessPolicy", "Graph ErrorAccessDenied (access policy)",
                    "An Exchange application access policy or RBAC for Applications keeps the app away from this mailbox.",
                    GRAPH_SCOPING + "."),
            new Rule("\\bErrorSendAsDenied\\b", "Graph ErrorSendAsDenied",
                    "The mailbox has no right to send as the message's From address.",
                    "Let the device send as its mailbox (allowed-senders / sender-mismatch = rewrite), or give the mailbox"
                            + " the right: Add-RecipientPermission -Identity <sender> -Trustee <mailbox> -AccessRights SendAs."),
            new Rule("\\bErrorQuotaExceeded\\b", "Graph ErrorQuotaExceeded",
                    "The mailbox is full (Graph saves every sent message in Sent Items).",
                    "Clean up the mailbox's Sent Items and Recoverable Items, or raise its quota."),
            new Rule("\\bErrorMessageSizeExceeded\\b|\\bRequestEntityTooLarge\\b|" + graphStatus("413"),
                    "Graph ErrorMessageSizeExceeded",
                    "The message is larger than Graph accepts: a request may carry about 4 MB, a message at most the"
                            + " mailbox's MaxSendSize (35 MB by default).",
                    "Keep relay.graph.max-request-size below 4 MB so larger messages go as a draft plus attachment uploads"
                            + " (needs the Mail.ReadWrite application permission); for larger mail raise the mailbox's limit"
                            + " (Set-Mailbox <mailbox> -MaxSendSize) or have the device send smaller files."),
            new Rule("\\bErrorInvalidRecipients\\b", "Graph ErrorInvalidRecipients",
                    "Graph found no valid recipient: it sends to the message's To, Cc and Bcc headers, not to an envelope.",
                    "Check the recipient addresses the device uses (the relay adds a Bcc: for envelope-only recipients)."),
            new Rule("\\bAuthorization_RequestDenied\\b", "Graph Authorization_RequestDenied",
                    "The app may not read users from the directory (no User.Read.All application permission).",
                    "Sending does not need it: relay check only uses it to look the mailbox up. Grant Microsoft Graph"
                            + " User.Read.All (Application) with admin consent for that lookup, or rely on relay send-test --via graph."),
            new Rule("\\bErrorAccessDenied\\b|\\bNoPermissionsInAccessToken\\b|" + graphStatus("403"),
                    "Graph ErrorAccessDenied",
                    "Graph refused the app access to this mailbox: the Mail.Send application permission is missing or"
                            + " lacks admin consent, or an application access policy / RBAC for Applications leaves the mailbox out.",
                    "In the app registration: API permissions > Add > Microsoft Graph > Application permissions (not"
                            + " Delegated) > Mail.Send, then Grant admin consent (relay check lists the token's roles). If"
                            + " other mailboxes work, check the scoping: " + GRAPH_SCOPING + "."),
            new Rule("\\bInvalidAuthenticationToken\\b|" + graphStatus("401"), "Graph InvalidAuthenticationToken",
                    "Graph refused the access token: expired or revoked, or issued for another resource or cloud.",
                    "The relay retries once with a fresh token; if it persists, relay.graph.scope must be"
                            + " https://<relay.graph.host>/.default of the same cloud as the authority (relay.cloud); run relay check."),
            new Rule("\\bErrorInvalidUser\\b|\\bMailboxNotEnabledForRESTAPI\\b|\\b(?:Request_)?ResourceNotFound\\b|"
                    + graphStatusOnly("404"), "Graph ErrorInvalidUser",
                    "Graph has no Exchange Online mailbox at this address: no such user, no Exchange Online license, an"
                            + " inactive or soft-deleted mailbox, or a mailbox hosted on-premises.",
                    "Use the user principal name of a licensed Exchange Online mailbox as the identity's mailbox (Graph"
                            + " addresses users by id or UPN); an on-premises (hybrid) mailbox cannot send through Graph:"
                            + " give its identity upstream = smtp, or move the mailbox to Exchange Online."),
            new Rule("\\bApplicationThrottled\\b|\\bMailboxConcurrency\\b|\\bTooManyRequests\\b|" + graphStatus("429"),
                    "Graph ApplicationThrottled",
                    "Graph throttles the app for this mailbox (more than 4 requests at once per app and mailbox, or too"
                            + " many in 10 minutes).",
                    "Nothing to do for a burst: the relay waits as long as Retry-After says. If it persists, lower"
                            + " relay.graph.max-concurrent-per-mailbox or spread the devices over more mailboxes."),
            new Rule("\\bErrorServerBusy\\b|\\bServiceUnavailable\\b|\\bGatewayTimeout\\b|" + graphStatus("5\\d\\d"),
                    "Graph 5xx", "Graph or Exchange Online behind it is busy or failing for a while.",
                    "Nothing to do: the message stays queued and is retried (after Retry-After when Graph sends one);"
                            + " if it lasts, look at Service health in the Microsoft 365 admin center."),
            // Entra ID
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
            new Rule("AADSTS70011\\b|AADSTS1002012\\b", "AADSTS70011", "The requested scope is not valid for an app-only token.",
                    "App-only tokens need <resource>/.default (https://outlook.office365.com/.default for SMTP,"
                            + " https://graph.microsoft.com/.default for Graph); check relay.oauth.scope and relay.graph.scope."),
            new Rule("AADSTS500011\\b", "AADSTS500011", "The scope names a resource that this tenant does not know.",
                    "Check relay.oauth.scope and relay.graph.scope against relay.cloud: a token for another cloud's"
                            + " resource (graph.microsoft.com instead of graph.microsoft.us, say) cannot be issued."),
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
