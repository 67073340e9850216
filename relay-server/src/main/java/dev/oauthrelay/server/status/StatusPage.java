package dev.oauthrelay.server.status;

import dev.oauthrelay.server.status.StatusView.Check;
import dev.oauthrelay.server.status.StatusView.Deferral;
import dev.oauthrelay.server.status.StatusView.Queue;
import dev.oauthrelay.server.status.StatusView.Token;
import java.time.Instant;
import java.util.List;

/**
 * The status page: one self-contained HTML document (inline CSS, no script, no external fonts or
 * images, so it works on an isolated network and under a {@code default-src 'none'} policy) with
 * the sections health, access token, credentials, queue, devices and recent failures. It reloads itself every
 * {@value #REFRESH_SECONDS} seconds.
 */
public final class StatusPage {

    static final int REFRESH_SECONDS = 30;

    private static final String CSS = """
            :root{--ok:#1a7f37;--bad:#c62828;--warn:#9a6700;--line:#d0d7de;--soft:#f6f8fa}
            body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;background:#fff}
            header{padding:16px 24px;color:#fff;background:#24292f}
            header.up{border-bottom:6px solid var(--ok)}header.down{border-bottom:6px solid var(--bad)}
            h1{margin:0 0 6px;font-size:22px}h2{margin:0 0 10px;font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}
            h3{margin:14px 0 6px;font-size:15px}article h3{margin:0 0 4px}
            header p{margin:4px 0}header a{color:#fff}nav a{margin-right:14px}
            main{padding:8px 24px 24px;max-width:1400px}section{margin:18px 0 26px}
            table{border-collapse:collapse;width:100%}th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
            th{background:var(--soft)}td.num{text-align:right}td.name{word-break:break-all}
            tr.flag td{background:#fff8e1}
            .badge{display:inline-block;white-space:nowrap;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff;background:#57606a}
            .badge.ok{background:var(--ok)}.badge.bad{background:var(--bad)}.badge.warn{background:var(--warn)}
            dl{display:grid;grid-template-columns:max-content auto;gap:4px 16px;margin:0}dt{font-weight:600}dd{margin:0}
            code.reply{display:block;white-space:pre-wrap;word-break:break-all;background:var(--soft);border:1px solid var(--line);padding:4px 8px;margin:4px 0}
            .why{border-left:4px solid var(--warn);background:#fffbea;padding:4px 10px;margin:6px 0}.why p{margin:2px 0}
            .failure{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:10px 0}
            .failure.failed{border-left:6px solid var(--bad)}.failure.deferred{border-left:6px solid var(--warn)}
            .meta,.note{color:#57606a}.none{color:var(--ok);font-weight:600}
            """;

    private StatusPage() {
    }

    public static String render(StatusView view) {
        Instant now = view.asOf();
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>OAuth SMTP Relay: ").append(view.health().up() ? "ready" : "NOT READY").append("</title>")
                .append("<style>").append(CSS).append("</style></head>\n<body>\n");
        header(b, view);
        b.append("<main>\n");
        health(b, view.health());
        tokens(b, view.tokens(), now);
        CredentialsSection.render(b, view.credentials(), now);
        queue(b, view.queue(), now);
        DevicesSection.render(b, view, now);
        FailuresSection.render(b, view, now);
        b.append("</main>\n</body></html>\n");
        return b.toString();
    }

    private static void header(StringBuilder b, StatusView view) {
        boolean up = view.health().up();
        Queue q = view.queue();
        b.append("<header class=\"").append(up ? "up" : "down").append("\"><h1>OAuth SMTP Relay</h1><p>")
                .append(up ? "<span class=\"badge ok\">ready</span>" : "<span class=\"badge bad\">not ready</span>")
                .append(" ").append(q.queued()).append(" queued, ").append(q.deferred()).append(" deferred, ")
                .append(q.deadLettered()).append(" dead-lettered")
                .append(view.devices().map(d -> ", " + (d.size() + view.moreDevices()) + " device(s)").orElse(""))
                .append("</p><p class=\"asof\">As of ").append(Html.time(view.asOf())).append("; this page reloads every ")
                .append(REFRESH_SECONDS).append(" s.</p><nav><a href=\"#health\">Health</a><a href=\"#token\">Access token</a>")
                .append("<a href=\"#credentials\">Credentials</a>")
                .append("<a href=\"#queue\">Queue</a><a href=\"#devices\">Devices</a><a href=\"#failures\">Recent failures</a>")
                .append("</nav></header>\n");
    }

    private static void health(StringBuilder b, StatusView.Health health) {
        b.append("<section id=\"health\"><h2>Health</h2><p>")
                .append(health.up() ? "<span class=\"badge ok\">ready</span> Every required check passes."
                        : "<span class=\"badge bad\">not ready</span> A required check fails: see its reason.")
                .append("</p>");
        b.append("<table><thead><tr><th>Check</th><th>Status</th><th>Required</th><th>Reason</th></tr></thead><tbody>");
        for (Check c : health.checks()) {
            b.append("<tr><td>").append(Html.text(c.name())).append("</td><td>")
                    .append(c.up() ? "<span class=\"badge ok\">UP</span>" : "<span class=\"badge bad\">DOWN</span>")
                    .append("</td><td>").append(c.required() ? "yes" : "no").append("</td><td>")
                    .append(Html.text(c.reason())).append(Explanation.of(c.reason())).append("</td></tr>");
        }
        b.append("</tbody></table></section>\n");
    }

    private static void tokens(StringBuilder b, List<Token> tokens, Instant now) {
        b.append("<section id=\"token\"><h2>Access token</h2>");
        if (tokens.isEmpty()) {
            b.append("<p><span class=\"badge warn\">not configured</span> relay.oauth (tenant-id, client-id and a"
                    + " credential) is not set: mail is accepted and queued, but not delivered.</p>");
        }
        // One account with SMTP only (the usual relay) reads as before; several get a heading each.
        boolean named = tokens.size() > 1 || tokens.size() == 1 && !"default".equals(tokens.get(0).account());
        for (Token token : tokens) {
            if (named) {
                b.append("<h3>").append(Html.text(token.account())).append(" (").append(Html.text(token.use()))
                        .append(")</h3>");
            }
            token(b, token, now);
        }
        b.append("</section>\n");
    }

    private static void token(StringBuilder b, Token token, Instant now) {
        token.signedInAs().ifPresent(user -> b.append("<p>Signed in as ").append(Html.text(user))
                .append(" (relay login).</p>"));
        if (token.validUntil().isPresent()) {
            b.append("<p><span class=\"badge ok\">valid</span> until ").append(Html.when(token.validUntil().get(), now))
                    .append("; it is refreshed at least 10 minutes before it expires.</p>");
            token.lastError().ifPresent(e -> b.append("<p>The last refresh failed; the current token is used meanwhile:</p>")
                    .append(Explanation.error(e)));
        } else if (token.lastError().isPresent()) {
            b.append("<p><span class=\"badge bad\">no valid token</span> Deliveries wait until Entra ID issues one."
                    + " The last request failed:</p>").append(Explanation.error(token.lastError().get()));
        } else {
            b.append("<p><span class=\"badge warn\">none yet</span> The first token request is under way.</p>");
        }
    }

    private static void queue(StringBuilder b, Queue q, Instant now) {
        b.append("<section id=\"queue\"><h2>Queue</h2><dl><dt>Queued</dt><dd>").append(q.queued()).append("</dd>")
                .append("<dt>Oldest</dt><dd>").append(q.oldest().map(t -> Html.when(t, now)).orElse("none")).append("</dd>")
                .append("<dt>Deferred</dt><dd>").append(q.deferred());
        if (q.scanned() < q.queued()) {
            b.append(" <span class=\"note\">(among the oldest ").append(q.scanned()).append(")</span>");
        }
        b.append("</dd><dt>Dead-lettered</dt><dd>").append(q.deadLettered())
                .append(" <span class=\"note\">(in spool/deadletter/, never retried by themselves)</span></dd></dl>");
        if (!q.deferrals().isEmpty()) {
            b.append("<h3>Deferred messages").append(q.deferrals().size() < q.deferred() ? " (the oldest "
                    + q.deferrals().size() + ")" : "").append("</h3><table><thead><tr><th>Queue id</th><th>Queued</th>")
                    .append("<th>Attempts</th><th>Next attempt</th><th>Waiting recipients</th><th>Last error</th></tr></thead><tbody>");
            for (Deferral d : q.deferrals()) {
                b.append("<tr><td><a href=\"#f-").append(Html.text(d.id().value())).append("\">")
                        .append(Html.text(d.id().value())).append("</a></td><td>").append(Html.when(d.received(), now))
                        .append("</td><td class=\"num\">").append(d.attempts()).append("</td><td>")
                        .append(Html.when(d.nextAttempt(), now)).append("</td><td class=\"name\">")
                        .append(Html.text(String.join(", ", d.pending()))).append("</td><td class=\"name\">")
                        .append(Html.text(d.lastError())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("</section>\n");
    }
}
