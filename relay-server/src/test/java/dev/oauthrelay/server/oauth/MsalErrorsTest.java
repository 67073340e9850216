package dev.oauthrelay.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.aad.msal4j.MsalClientException;
import dev.oauthrelay.token.TokenUnavailableException;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class MsalErrorsTest {

    private final MsalErrors errors = MsalErrors.redacting(List.of("Top~Secret.42", ""), "https://login.example/t/oauth2/v2.0/token");

    @Test
    void quotedResponseBodiesLoseTheirTokens() {
        TokenUnavailableException e = errors.map(new CompletionException(new MsalClientException(
                "Unexpected character at [Source: (String)\"{\"access_token\":\"opaque-token-value\",\"x\":\"eyJhbGciOi.eyJzdWIi.c2ln\"}\"",
                "invalid_json")));
        assertThat(e.getMessage()).contains("invalid_json").doesNotContain("opaque-token-value").doesNotContain("eyJzdWIi");
        assertThat(e.getCause()).as("the cause would repeat what was cut out").isNull();
    }

    @Test
    void secretsAreCutOutWhereverTheyAppear() {
        TokenUnavailableException e = errors.map(new MsalClientException("echo: client_secret=Top~Secret.42", "weird"));
        assertThat(e.getMessage()).doesNotContain("Top~Secret.42").contains("[redacted]");
    }

    @Test
    void networkErrorsNameTheEndpoint() {
        TokenUnavailableException e = errors.map(new MsalClientException(new ConnectException("Connection refused")));
        assertThat(e.getMessage()).startsWith("cannot reach the token endpoint https://login.example/t/oauth2/v2.0/token")
                .contains("Connection refused");
        assertThat(e.getCause()).isInstanceOf(MsalClientException.class);
    }
}
