package dev.oauthrelay.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeferralReasonTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "TOKEN: AADSTS7000222: the secret expired          | token",
        "CONNECT: 421 4.3.2 Service not available (...)   | connect",
        "TLS: certificate does not match smtp.example      | tls",
        "AUTH: 535 5.7.3 Authentication unsuccessful       | auth",
        "CONNECTION_LOST: read timed out                   | connection_lost",
        "RCPT: 451 4.7.0 try later                         | rcpt",
        "DATA was not sent                                 | data",
        "no RCPT reply for this recipient                  | other",
        "alice@fabrikam.example: 452                       | other",
        "''                                                | other",
        "NULL                                              | other",
    })
    void kindIsTheStageTheReasonStartsWith(String reason, String kind) {
        assertThat(DeferralReason.kind(reason)).isEqualTo(kind);
    }
}
