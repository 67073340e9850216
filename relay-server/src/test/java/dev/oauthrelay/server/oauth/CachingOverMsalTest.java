package dev.oauthrelay.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.CachingTokenProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's token cache on top of real MSAL4J and the stand-in endpoint. */
class CachingOverMsalTest {

    @TempDir
    Path dir;

    @Test
    void thousandCallsFromManyThreadsMakeOneRequestPerTokenLifetime() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(32);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (StandInTokenEndpoint endpoint = StandInTokenEndpoint.start(dir)) {
            endpoint.registerClient("app", "app-secret");
            endpoint.setLatency(Duration.ofMillis(200)); // so most callers arrive while the fetch is running
            OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), "app", Optional.of("app-secret"),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), endpoint.authority(),
                    OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.of(endpoint.certificatePath()));
            try (MsalTokenSource source = new MsalTokenSource(settings);
                    CachingTokenProvider provider = new CachingTokenProvider(source, Clock.systemUTC(), scheduler,
                            CachingTokenProvider.DEFAULT_REFRESH_MARGIN, Duration.ofSeconds(5))) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<CompletableFuture<AccessToken>>> calls = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    calls.add(callers.submit(() -> {
                        go.await();
                        return provider.currentToken();
                    }));
                }
                go.countDown();
                Set<String> tokens = new HashSet<>();
                for (Future<CompletableFuture<AccessToken>> call : calls) {
                    tokens.add(call.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS).value());
                }

                assertThat(endpoint.requestCount()).isLessThanOrEqualTo(2);
                assertThat(tokens).hasSize(1).allMatch(endpoint::isValid);
                assertThat(provider.fetchCount()).isEqualTo(endpoint.requestCount());
                TokenClaims claims = TokenClaims.parse(provider.currentToken().get(30, TimeUnit.SECONDS));
                assertThat(claims.roles()).contains(TokenClaims.SEND_AS_APP_ROLE);
            }
        } finally {
            callers.shutdownNow();
            scheduler.shutdownNow();
        }
    }
}
