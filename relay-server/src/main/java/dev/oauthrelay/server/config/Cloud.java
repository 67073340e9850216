package dev.oauthrelay.server.config;

import java.util.Locale;

/**
 * {@code relay.cloud}: the Microsoft cloud the tenant lives in, which decides the Entra ID
 * authority host, Exchange Online's SMTP host and its token scope, and the Microsoft Graph host
 * together. Each can still be set on its own ({@code relay.oauth.authority}, {@code relay.oauth.scope},
 * {@code relay.upstream.host}, {@code relay.graph.host}, {@code relay.graph.scope}).
 *
 * <p>Sources: Microsoft Learn, "Microsoft Graph national cloud deployments"
 * (https://learn.microsoft.com/graph/deployments: authority hosts login.microsoftonline.com,
 * login.microsoftonline.us, login.chinacloudapi.cn; Graph hosts graph.microsoft.com,
 * graph.microsoft.us for US Government L4 (GCC High), dod-graph.microsoft.us for L5 (DoD),
 * microsoftgraph.chinacloudapi.cn for 21Vianet); "Access national cloud deployments with the
 * Microsoft Graph SDKs" (https://learn.microsoft.com/graph/sdks/national-clouds: the client
 * credentials scope is {@code https://<graph host>/.default}); and the operator guide
 * (exchange-online.md, "Sovereign clouds") for the SMTP hosts and scopes. GCC (moderate) uses the
 * worldwide endpoints: {@code global}. Marked unconfirmed in the guide, so overridable above all:
 * {@code smtp.office365.us} and the China SMTP scope {@code https://partner.outlook.cn/.default}.
 */
public enum Cloud {
    GLOBAL("global", "login.microsoftonline.com", "smtp.office365.com", "https://outlook.office365.com/.default",
            "graph.microsoft.com"),
    GCC_HIGH("gcc-high", "login.microsoftonline.us", "smtp.office365.us", "https://outlook.office365.us/.default",
            "graph.microsoft.us"),
    DOD("dod", "login.microsoftonline.us", "smtp.office365.us", "https://outlook.office365.us/.default",
            "dod-graph.microsoft.us"),
    CHINA("china", "login.chinacloudapi.cn", "smtp.partner.outlook.cn", "https://partner.outlook.cn/.default",
            "microsoftgraph.chinacloudapi.cn");

    private final String configName;
    private final String authorityHost;
    private final String smtpHost;
    private final String smtpScope;
    private final String graphHost;

    Cloud(String configName, String authorityHost, String smtpHost, String smtpScope, String graphHost) {
        this.configName = configName;
        this.authorityHost = authorityHost;
        this.smtpHost = smtpHost;
        this.smtpScope = smtpScope;
        this.graphHost = graphHost;
    }

    public String configName() {
        return configName;
    }

    /** {@code https://<authority host>/<tenant>/}. */
    public String authority(String tenantId) {
        return "https://" + authorityHost + "/" + tenantId + "/";
    }

    public String smtpHost() {
        return smtpHost;
    }

    /** The app-only scope for SMTP AUTH (XOAUTH2). */
    public String smtpScope() {
        return smtpScope;
    }

    /**
     * The delegated scope for SMTP AUTH as a signed-in user: the SMTP resource with
     * {@code SMTP.Send} (worldwide {@code https://outlook.office.com/SMTP.Send}, as Microsoft's
     * "Authenticate an IMAP, POP or SMTP connection using OAuth" names it; the sovereign clouds use
     * their SMTP scope's host, unconfirmed like that host).
     */
    public String userSmtpScope() {
        return this == GLOBAL ? "https://outlook.office.com/SMTP.Send"
                : smtpScope.substring(0, smtpScope.length() - ".default".length()) + "SMTP.Send";
    }

    public String graphHost() {
        return graphHost;
    }

    /** The app-only scope for Graph on {@code host}: {@code https://<host>/.default}. */
    public static String graphScope(String host) {
        return "https://" + host + "/.default";
    }

    /** @throws IllegalArgumentException if {@code text} names no cloud */
    public static Cloud parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (Cloud c : values()) {
            if (c.configName.equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cloud: " + text);
    }
}
