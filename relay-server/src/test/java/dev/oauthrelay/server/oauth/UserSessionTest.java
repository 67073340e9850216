package dev.oauthrelay.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.aad.msal4j.DeviceCode;
import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.TokenUnavailableException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delegated sign-in through the real MSAL4J public client against the Entra stand-in: the device
 * code flow approved at the verification page, refresh tokens redeemed and rotated, the rotated one
 * stored encrypted and used after a restart (the stand-in refuses a spent refresh token).
 */
class UserSessionTest {

    static final String CLIENT = "00000000-0000-0000-0000-00000000a11c";
    static final String USER = "scanner@contoso.com";
    static final String SCOPE = StandInTokenEndpoint.DELEGATED_SMTP_SCOPE;

    @TempDir
    Path dir;

    StandInTokenEndpoint entra;
    SignInKey.Source key;

    @BeforeEach
    void start() throws Exception {
        entra = StandInTokenEndpoint.start(dir.resolve("entra"));
        entra.registerPublicClient(CLIENT);
        entra.addUser(USER);
        entra.grantDelegatedScope(SCOPE);
        SignInKey.create(dir.resolve("keys/sign-in.key"));
        key = new SignInKey.Source(Optional.of(dir.resolve("keys/sign-in.key")), Optional.empty());
    }

    @AfterEach
    void stop() {
        entra.close();
    }

    UserAccount account(String name) {
        return new UserAccount(name, entra.tenantId(), CLIENT, entra.authority(), SCOPE,
                Optional.of(entra.certificatePath()), dir.resolve("sign-in/" + name + ".token"), key);
    }

    /** What the user does in a browser: opens the verification page and enters the code. */
    void approveInBrowser(DeviceCode code, String user) {
        try {
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(ExtraTrust.sslContext(entra.certificatePath())).build();
            String form = "code=" + URLEncoder.encode(code.userCode(), StandardCharsets.UTF_8)
                    + "&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(code.verificationUri()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    String login(UserSession session) throws Exception {
        return session.login(SCOPE, code -> {
            assertThat(code.message()).contains(code.userCode(), code.verificationUri());
            new Thread(() -> approveInBrowser(code, USER)).start();
        }).get(30, TimeUnit.SECONDS);
    }

    @Test
    void signInStoresTheSessionEncryptedAndTokensAreForTheUser() throws Exception {
        try (UserSession session = new UserSession(account("contoso-user"), Clock.systemUTC())) {
            assertThat(session.session()).isEmpty();
            assertThat(login(session)).isEqualTo(USER);

            Path file = dir.resolve("sign-in/contoso-user.token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String stored = Files.readString(file);
            assertThat(entra.liveRefreshTokens()).isNotEmpty()
                    .allSatisfy(rt -> assertThat(stored).doesNotContain(rt));
            assertThat(stored).doesNotContain(USER).contains(TokenStore.FORMAT);

            AccessToken token = session.source(SCOPE).fetch().get(30, TimeUnit.SECONDS);
            assertThat(entra.acceptsForSmtp(USER, token.value())).isTrue();
            assertThat(entra.acceptsForSmtp("other@contoso.com", token.value())).as("only as the user").isFalse();
            assertThat(session.session().orElseThrow().username()).isEqualTo(USER);
        }
    }

    @Test
    void everyRedemptionRotatesTheRefreshTokenAndTheLatestSurvivesARestart() throws Exception {
        UserAccount account = account("contoso-user");
        try (UserSession session = new UserSession(account, Clock.systemUTC())) {
            login(session);
            session.source(SCOPE).fetch().get(30, TimeUnit.SECONDS);
            session.source(SCOPE).fetch().get(30, TimeUnit.SECONDS);
        }
        assertThat(entra.refreshTokenRedemptions()).isEqualTo(2);
        assertThat(entra.liveRefreshTokens()).as("each redemption spent the previous one").hasSize(1);

        try (UserSession restarted = new UserSession(account, Clock.systemUTC())) {
            AccessToken token = restarted.source(SCOPE).fetch().get(30, TimeUnit.SECONDS);
            assertThat(entra.acceptsForSmtp(USER, token.value())).isTrue();
        }
        assertThat(entra.refreshTokenRedemptions()).isEqualTo(3);
    }

    @Test
    void withoutSignInOrAfterExpiryTheErrorSaysToSignIn() throws Exception {
        try (UserSession session = new UserSession(account("contoso-user"), Clock.systemUTC())) {
            assertThatThrownBy(() -> session.source(SCOPE).fetch().join())
                    .isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(TokenUnavailableException.class)
                    .hasMessage("upstream account contoso-user is not signed in: run ./relay login --account contoso-user");

            login(session);
            entra.ageRefreshTokens(Duration.ofDays(91));
            assertThatThrownBy(() -> session.source(SCOPE).fetch().join()).cause()
                    .isInstanceOf(TokenUnavailableException.class)
                    .hasMessageContaining("AADSTS700082")
                    .hasMessageContaining("sign in again: ./relay login --account contoso-user");
        }
    }

    @Test
    void aFileOfAnotherAccountOrKeyDoesNotDecrypt() throws Exception {
        try (UserSession session = new UserSession(account("contoso-user"), Clock.systemUTC())) {
            login(session);
        }
        Files.createDirectories(dir.resolve("sign-in"));
        Files.copy(dir.resolve("sign-in/contoso-user.token"), dir.resolve("sign-in/other.token"));
        try (UserSession other = new UserSession(account("other"), Clock.systemUTC())) {
            assertThatThrownBy(() -> other.source(SCOPE).fetch().join()).cause()
                    .isInstanceOf(TokenUnavailableException.class)
                    .hasMessageContaining("does not decrypt with the sign-in key");
        }
        TokenStore wrongKey = new TokenStore(dir.resolve("sign-in/contoso-user.token"),
                SignInKey.create(dir.resolve("keys/other.key")), "contoso-user", entra.tenantId(), CLIENT);
        assertThatThrownBy(wrongKey::read).hasMessageContaining("does not decrypt");
    }
}
