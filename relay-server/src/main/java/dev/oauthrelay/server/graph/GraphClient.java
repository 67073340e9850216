package dev.oauthrelay.server.graph;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.AttemptResult.Stage;
import dev.oauthrelay.server.oauth.ExtraTrust;
import dev.oauthrelay.server.upstream.UpstreamFailure;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.MailboxTokens;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graph requests with a bearer token for the Graph scope: on {@code 401} the token is invalidated
 * and the request made once more with a fresh one (as the SMTP client does after {@code 535}).
 * TLS only, TLS 1.2+, certificate and host name verified by the JDK client; redirects are not
 * followed (a token must not travel to another host). Transport failures become
 * {@link UpstreamFailure}s: CONNECT, TLS, or CONNECTION_LOST. Neither the token nor an upload URL
 * (which carries its own credential) is ever logged.
 */
final class GraphClient {

    private static final Logger log = LoggerFactory.getLogger(GraphClient.class);

    private final GraphSettings settings;
    private final MailboxTokens tokens;
    private final HttpClient http;

    GraphClient(GraphSettings settings, MailboxTokens tokens, Executor executor) {
        this.settings = settings;
        this.tokens = tokens;
        SSLContext tls;
        try {
            tls = settings.trustedCertificates().isPresent()
                    ? ExtraTrust.sslContext(settings.trustedCertificates().get()) : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
        javax.net.ssl.SSLParameters params = tls.getDefaultSSLParameters();
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(tls)
                .sslParameters(params)
                .executor(executor)
                .build();
    }

    /** {@code <base>/users/<mailbox><rest>}, the mailbox percent-encoded as one path segment. */
    URI userUri(String mailbox, String rest) {
        String segment = URLEncoder.encode(mailbox, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create(settings.baseUri() + "/users/" + segment + rest);
    }

    /**
     * An authorized request. {@code mayHaveArrived}: a transport failure after the request was
     * sent means Graph may have acted on it (sendMail, /send), so a retry may duplicate the message.
     * {@code mailbox} chooses the token (its upstream account's).
     */
    CompletableFuture<HttpResponse<byte[]>> call(String mailbox, String method, URI uri, String contentType,
                                                 Supplier<HttpRequest.BodyPublisher> body, boolean mayHaveArrived) {
        return token(mailbox).thenCompose(token -> send(method, uri, contentType, body, token, mayHaveArrived)
                .thenCompose(response -> {
                    if (response.statusCode() != 401) {
                        return CompletableFuture.completedFuture(response);
                    }
                    log.info("Graph answered 401 to {} {}; retrying once with a fresh token", method, uri.getPath());
                    tokens.forMailbox(mailbox).invalidate(token);
                    return token(mailbox).thenCompose(fresh -> send(method, uri, contentType, body, fresh, mayHaveArrived));
                }));
    }

    /** A PUT to a pre-authenticated upload URL: no Authorization header (Graph: "do not specify one"). */
    CompletableFuture<HttpResponse<byte[]>> upload(URI uploadUrl, byte[] chunk, long from, long total) {
        HttpRequest request = HttpRequest.newBuilder(uploadUrl)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "bytes " + from + "-" + (from + chunk.length - 1) + "/" + total)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(chunk))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .exceptionally(t -> {
                    AttemptResult.Failed f = transportFailure(t, false, "upload session");
                    String query = uploadUrl.getRawQuery();
                    String reason = query == null ? f.reason() : f.reason().replace(query, "<redacted>");
                    throw new UpstreamFailure(new AttemptResult.Failed(f.stage(), null, reason, false));
                });
    }

    private CompletableFuture<HttpResponse<byte[]>> send(String method, URI uri, String contentType,
                                                         Supplier<HttpRequest.BodyPublisher> body, AccessToken token,
                                                         boolean mayHaveArrived) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + token.value())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body.get());
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                .exceptionally(t -> {
                    throw new UpstreamFailure(transportFailure(t, mayHaveArrived, method + " " + uri.getPath()));
                });
    }

    /** The current token; a failure becomes Failed(TOKEN) with the provider's safe message. */
    private CompletableFuture<AccessToken> token(String mailbox) {
        return UpstreamFailure.token(tokens.forMailbox(mailbox), "no access token for Graph: ");
    }

    private static AttemptResult.Failed transportFailure(Throwable t, boolean mayHaveArrived, String what) {
        Throwable cause = UpstreamFailure.unwrap(t);
        String reason = what + ": " + cause.getClass().getSimpleName() + ": " + UpstreamFailure.describe(cause);
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
                || cause instanceof UnresolvedAddressException || hasCause(cause, UnresolvedAddressException.class)) {
            return new AttemptResult.Failed(Stage.CONNECT, null, reason, false);
        }
        if (hasCause(cause, SSLException.class)) {
            return new AttemptResult.Failed(Stage.TLS, null, reason, false);
        }
        if (cause instanceof IOException) {
            return new AttemptResult.Failed(Stage.CONNECTION_LOST, null, reason, mayHaveArrived);
        }
        return new AttemptResult.Failed(Stage.CONNECTION_LOST, null, reason, false);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
