package dev.oauthrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.DeliveryState.RecipientStatus;
import dev.oauthrelay.spool.DeliveryState.Status;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterReportTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-29T05:15:30.123Z");

    @Test
    void whatAReportSaysIsReadBackWithOnlyTheFailedRecipients() {
        Envelope env = new Envelope(QueueId.parse("06H2DD38CNK1Q2CX"), RECEIVED, "scanner", Envelope.KIND_TRUSTED_NETWORK,
                "scanner@contoso.com", "alerts@contoso.com", List.of(), List.of("a@x.example", "b@x.example", "c@x.example"),
                "192.0.2.7", "mfp", "none");
        Map<String, RecipientStatus> recipients = new LinkedHashMap<>();
        recipients.put("a@x.example", new RecipientStatus(Status.DELIVERED, "250 2.1.5 Recipient OK"));
        recipients.put("b@x.example", new RecipientStatus(Status.FAILED,
                "550 5.7.60 SMTP; Client does not have permissions to send as this sender"));
        recipients.put("c@x.example", new RecipientStatus(Status.FAILED, "550 5.1.10 RESOLVER.ADR.RecipientNotFound"));
        String report = DeadLetterReport.render(env, new DeliveryState(3, RECEIVED, "", true, recipients));

        DeadLetterReport.Summary summary = DeadLetterReport.parse(report);

        assertThat(summary.mailbox()).isEqualTo("scanner@contoso.com");
        assertThat(summary.mailFrom()).isEqualTo("alerts@contoso.com");
        assertThat(summary.received()).hasValue(RECEIVED);
        assertThat(summary.attempts()).isEqualTo(3);
        assertThat(summary.failed()).containsExactly(
                Map.entry("b@x.example", "550 5.7.60 SMTP; Client does not have permissions to send as this sender"),
                Map.entry("c@x.example", "550 5.1.10 RESOLVER.ADR.RecipientNotFound"));
    }

    @Test
    void aDamagedReportGivesWhatItCanInsteadOfFailing() {
        DeadLetterReport.Summary summary = DeadLetterReport.parse("received: yesterday\nattempts: many\nmailbox: m@x\n");
        assertThat(summary.mailbox()).isEqualTo("m@x");
        assertThat(summary.mailFrom()).isEmpty();
        assertThat(summary.received()).isEmpty();
        assertThat(summary.attempts()).isZero();
        assertThat(summary.failed()).isEmpty();
    }
}
