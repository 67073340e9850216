package dev.oauthrelay.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorExplainerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent... | AADSTS7000215 | Secret ID",
            "invalid_client: AADSTS7000222: The provided client secret keys for app are expired. | AADSTS7000222 | new client secret",
            "AADSTS700016: Application with identifier 'x' was not found in the directory | AADSTS700016 | client-id",
            "AADSTS70011: The provided request must include a 'scope' input parameter. | AADSTS70011 | /.default",
            "AADSTS50000: something else | AADSTS | AADSTS code",
            "535 5.7.3 Authentication unsuccessful [SN4PR0501CA0054.namprd05.prod.outlook.com] | 5.7.3 | Enterprise Application",
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. | 5.7.139 | Set-CASMailbox",
            "550 5.7.60 SMTP; Client does not have permissions to send as this sender | 5.7.60 | SendAs",
            "550 5.7.30 Basic authentication is not supported for Client Submission | 5.7.30 | XOAUTH2",
            "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded | 4.3.2 | max-connections-per-mailbox",
            "430 4.2.0 STOREDRV; mailbox logon failure | 4.2.0 | FullAccess",
            "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException | 5.2.0 | 10,000",
            "550 5.2.252 SendAsDenied; Sender throttled due to continuous send as denied errors | 5.2.251 | underlying",
    })
    void knownErrorsAreExplainedWithAFix(String error, String code, String fixMentions) {
        assertThat(ErrorExplainer.explain(error)).hasValueSatisfying(d -> {
            assertThat(d.code()).isEqualTo(code);
            assertThat(d.problem() + " " + d.fix()).contains(fixMentions);
        });
    }

    /**
     * Graph failures as the relay records them (the attempt's last error: stage, the SMTP-like
     * reply GraphReplies makes of Graph's answer, the reason), with Graph's own error codes
     * ("Microsoft Graph error responses", Outlook mail API). The stand-in SMTP code in front
     * (535 5.7.3, 451 4.3.2) must not turn them into Exchange SMTP advice.
     */
    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "AUTH: 535 5.7.3 Graph sendMail 401 InvalidAuthenticationToken: Access token validation failure. Invalid audience."
                    + " (Graph refused the token or the permission (Mail.Send, with admin consent)) | Graph InvalidAuthenticationToken | relay.graph.scope",
            "AUTH: 535 5.7.3 Graph sendMail 401 (Graph refused the token or the permission (Mail.Send, with admin consent))"
                    + " | Graph InvalidAuthenticationToken | fresh token",
            "AUTH: 535 5.7.3 Graph sendMail 403 ErrorAccessDenied: Access is denied. Check credentials and try again."
                    + " (Graph refused the token or the permission (Mail.Send, with admin consent)) | Graph ErrorAccessDenied | Grant admin consent",
            "535 5.7.3 Graph sendMail 403 ErrorAccessDenied: Access is denied. Check credentials and try again."
                    + " | Graph ErrorAccessDenied | Test-ApplicationAccessPolicy",
            "535 5.7.3 Graph sendMail 403 NoPermissionsInAccessToken: The token contains no permissions, or permissions can not be understood."
                    + " | Graph ErrorAccessDenied | Application permissions (not Delegated) > Mail.Send",
            "535 5.7.3 Graph sendMail 403 (Graph refused the token or the permission) | Graph ErrorAccessDenied | Mail.Send",
            "535 5.7.3 Graph sendMail 403 ErrorAccessDenied: Access to OData is disabled: [RAOP] : Blocked by tenant configured"
                    + " AppOnly AccessPolicy settings. | Graph ErrorAccessDenied (access policy) | Test-ServicePrincipalAuthorization",
            "AUTH: 535 5.7.3 Graph sendMail 404 ErrorInvalidUser: The requested user 'printer@contoso.com' is invalid."
                    + " (Graph does not know the mailbox or cannot reach it (check the address and its license)) | Graph ErrorInvalidUser | user principal name",
            "535 5.7.3 Graph sendMail 404 MailboxNotEnabledForRESTAPI: The mailbox is either inactive, soft-deleted, or is hosted on-premise."
                    + " | Graph ErrorInvalidUser | on-premises",
            "535 5.7.3 Graph sendMail 404 ResourceNotFound: Resource could not be discovered. | Graph ErrorInvalidUser | licensed",
            "Graph GET user 404 Request_ResourceNotFound: Resource 'x@contoso.com' does not exist. | Graph ErrorInvalidUser | user principal name",
            "535 5.7.3 Graph sendMail 404 | Graph ErrorInvalidUser | Exchange Online mailbox",
            "MAIL: 552 5.3.4 Graph sendMail 400 ErrorMessageSizeExceeded: The message exceeds the maximum supported size."
                    + " (Graph refused the message) | Graph ErrorMessageSizeExceeded | max-request-size",
            "MAIL: 552 5.3.4 Graph sendMail 413 RequestEntityTooLarge: The request is larger than the service accepts."
                    + " | Graph ErrorMessageSizeExceeded | MaxSendSize",
            "552 5.3.4 Graph createUploadSession 413 | Graph ErrorMessageSizeExceeded | Mail.ReadWrite",
            "MAIL: 451 4.7.0 Graph sendMail 429 ApplicationThrottled: Application is over its MailboxConcurrency limit."
                    + " (retry after 2s as Graph asked) | Graph ApplicationThrottled | Retry-After",
            "451 4.7.0 Graph sendMail 429 | Graph ApplicationThrottled | max-concurrent-per-mailbox",
            "MAIL: 451 4.3.2 Graph sendMail 503 ServiceUnavailable: Service unavailable. (retry after 5s as Graph asked) | Graph 5xx | Service health",
            "451 4.3.0 Graph sendMail 504 GatewayTimeout: Gateway timeout. | Graph 5xx | retried",
            "451 4.3.2 Graph sendMail 503 ErrorServerBusy: The server cannot service this request right now. | Graph 5xx | Retry-After",
            "550 5.7.60 Graph sendMail 403 ErrorSendAsDenied: The user account which was used to submit this request does not have"
                    + " the right to send mail on behalf of the specified sending account. | Graph ErrorSendAsDenied | -Trustee <mailbox>",
            "554 5.2.0 Graph sendMail 403 ErrorQuotaExceeded: The process failed to get the correct properties. | Graph ErrorQuotaExceeded | quota",
            "550 5.1.3 Graph sendMail 400 ErrorInvalidRecipients: At least one recipient is not valid. | Graph ErrorInvalidRecipients | Bcc:",
            "Graph GET user 403 Authorization_RequestDenied: Insufficient privileges to complete the operation."
                    + " | Graph Authorization_RequestDenied | User.Read.All",
            "TOKEN: no access token for Graph: AADSTS7000215: Invalid client secret provided. | AADSTS7000215 | Secret ID",
            "no access token for Graph: AADSTS70011: The provided value for the input parameter 'scope' is not valid."
                    + " | AADSTS70011 | relay.graph.scope",
            "AADSTS1002012: The provided value for scope https://graph.microsoft.com/Mail.Send is not valid. | AADSTS70011 | /.default",
            "AADSTS500011: The resource principal named https://graph.microsoft.us was not found in the tenant. | AADSTS500011 | relay.cloud",
    })
    void graphFailuresAreExplainedAsGraphsNotAsTheSmtpRepliesTheyStandIn(String error, String code, String mentions) {
        assertThat(ErrorExplainer.explain(error)).hasValueSatisfying(d -> {
            assertThat(d.code()).isEqualTo(code);
            assertThat(d.problem() + " " + d.fix()).contains(mentions).doesNotContain("Set-CASMailbox");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // A draft of the large-message path that is gone is not a missing mailbox.
            "451 4.3.0 Graph POST attachments 404 ErrorItemNotFound: The specified object was not found in the store.",
            "POST /v1.0/users/printer%40contoso.com/sendMail: HttpConnectTimeoutException: HTTP connect timed out",
            "Graph refused the message",
    })
    void graphTextWithoutAKnownCodeIsNotGivenAWrongExplanation(String text) {
        assertThat(ErrorExplainer.explain(text)).isEmpty();
    }

    @Test
    void aLogLineGetsTheSameWordsAsTheExplanation() {
        String reply = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.";
        Diagnosis d = ErrorExplainer.explain(reply).orElseThrow();
        assertThat(ErrorExplainer.forLog(reply)).isEqualTo("; likely cause: " + d.problem() + " Fix: " + d.fix());
        assertThat(ErrorExplainer.forLog("250 2.0.0 OK")).isEmpty();
        assertThat(ErrorExplainer.forLog(null)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"250 2.0.0 OK", "451 4.4.1 Connection timed out", "'connection refused'"})
    void unrelatedTextIsNotExplained(String text) {
        assertThat(ErrorExplainer.explain(text)).isEmpty();
    }
}
