package dev.oauthrelay.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ReceivedHeaderTest {

    @ParameterizedTest(name = "esmtp={0} tls={1} auth={2} utf8={3} -> {4}")
    @CsvSource({
            "false, false, false, false, SMTP",
            "true,  false, false, false, ESMTP",
            "true,  true,  false, false, ESMTPS",
            "true,  false, true,  false, ESMTPA",
            "true,  true,  true,  false, ESMTPSA",
            "true,  true,  true,  true,  UTF8SMTPSA",
            "true,  false, false, true,  UTF8SMTP",
    })
    void protocolNamesFollowRfc3848AndRfc6531(boolean esmtp, boolean tls, boolean auth, boolean utf8, String name) {
        assertThat(ReceivedHeader.protocol(esmtp, tls, auth, utf8)).isEqualTo(name);
    }

    @Test
    void headerIsFoldedWithCrlfAndCarriesTlsButNoRecipient() {
        String h = new String(ReceivedHeader.build("printer (evil); x", "10.0.0.5", "relay.test", "ESMTPSA",
                "06H2BZJSF192QH46", "TLSv1.3", "TLS_AES_128_GCM_SHA256", Instant.parse("2026-11-29T10:15:30Z")),
                StandardCharsets.UTF_8);
        assertThat(h).isEqualTo("Received: from printer__evil___x ([10.0.0.5])\r\n"
                + "\tby relay.test (OAuth SMTP Relay) with ESMTPSA id 06H2BZJSF192QH46\r\n"
                + "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256);\r\n"
                + "\tSun, 29 Nov 2026 10:15:30 +0000\r\n");
        assertThat(h).doesNotContain(" for ");
    }
}
