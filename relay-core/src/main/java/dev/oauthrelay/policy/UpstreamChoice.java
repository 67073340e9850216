package dev.oauthrelay.policy;

import java.util.Locale;

/**
 * Which upstream an identity's mail goes through: Exchange Online's SMTP submission (XOAUTH2),
 * Microsoft Graph {@code sendMail}, or SMTP falling back to Graph when Exchange answers that SMTP
 * AUTH is disabled for the tenant or the mailbox ({@code 535 5.7.139}).
 */
public enum UpstreamChoice {
    SMTP("smtp"),
    GRAPH("graph"),
    SMTP_THEN_GRAPH("smtp-then-graph");

    private final String configName;

    UpstreamChoice(String configName) {
        this.configName = configName;
    }

    /** As written in the configuration: {@code smtp}, {@code graph} or {@code smtp-then-graph}. */
    public String configName() {
        return configName;
    }

    /** Whether this choice may send through Graph. */
    public boolean usesGraph() {
        return this != SMTP;
    }

    /** @throws IllegalArgumentException if {@code text} is not one of the {@link #configName()}s */
    public static UpstreamChoice parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (UpstreamChoice c : values()) {
            if (c.configName.equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException("not an upstream choice: " + text);
    }
}
