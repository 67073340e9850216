package dev.oauthrelay.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EntraExpiryErrorsTest {

    @Test
    void anExpiredClientSecretIsRecognisedInTheTokenErrorAsTheRelayRecordsIt() {
        String error = "Entra ID refused the token request (HTTP 401): invalid_client: AADSTS7000222: The provided"
                + " client secret keys for app '00000000-0000-0000-0000-00000000fab1' are expired. Visit the Azure"
                + " portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using"
                + " certificate credentials for added security: https://aka.ms/certCreds. Trace ID: 1 Correlation ID: 2";

        assertThat(EntraExpiryErrors.recognise(error)).hasValueSatisfying(e -> {
            assertThat(e.kind()).isEqualTo(CredentialKind.CLIENT_SECRET);
            assertThat(e.learntFrom()).isEqualTo("Entra ID answered AADSTS7000222");
        });
    }

    @Test
    void anExpiredCertificateIsAADSTS700027WithTheReasonThatTheKeyIsExpired() {
        String expired = "invalid_client: AADSTS700027: Client assertion contains an invalid signature. [Reason - The"
                + " key used is expired., Thumbprint of key used by client: 'FEE7837AEDA22B9C13EF27ED6A4A5143F6B8F8E8',"
                + " Found key 'Start=01/28/2018 16:00:00, End=01/28/2019 16:00:00']";
        String notFound = "invalid_client: AADSTS700027: Client assertion contains an invalid signature. [Reason - The"
                + " key was not found., Thumbprint of key used by client: 'FEE7']";

        assertThat(EntraExpiryErrors.recognise(expired)).map(EntraExpiryErrors.Expired::kind)
                .hasValue(CredentialKind.CERTIFICATE);
        assertThat(EntraExpiryErrors.recognise(notFound)).as("another reason is not about expiry").isEmpty();
    }

    @Test
    void otherErrorsAndNoErrorAreNotAboutExpiry() {
        assertThat(EntraExpiryErrors.recognise("AADSTS7000215: Invalid client secret provided.")).isEmpty();
        assertThat(EntraExpiryErrors.recognise("AADSTS70002220: something else")).isEmpty();
        assertThat(EntraExpiryErrors.recognise("cannot reach the token endpoint")).isEmpty();
        assertThat(EntraExpiryErrors.recognise(null)).isEmpty();
        assertThat(EntraExpiryErrors.recognise("AADSTS700082: The refresh token has expired due to inactivity."))
                .map(EntraExpiryErrors.Expired::kind).hasValue(CredentialKind.REFRESH_TOKEN);
    }
}
