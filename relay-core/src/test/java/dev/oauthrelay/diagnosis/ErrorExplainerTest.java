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
