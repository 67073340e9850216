package dev.oauthrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    // Low cost keeps the suite fast; the cost does not change the logic under test.
    private static final int TEST_COST = 4;

    @Test
    void roundTrip() {
        String hash = PasswordHasher.hash("s3cret!".toCharArray(), TEST_COST);
        assertThat(hash).startsWith("$2y$04$").hasSize(60);
        assertThat(PasswordHasher.verify(hash, "s3cret!".toCharArray())).isTrue();
    }

    @Test
    void defaultCostIsTen() {
        assertThat(PasswordHasher.hash("pw".toCharArray())).startsWith("$2y$10$");
    }

    @Test
    void saltIsRandom() {
        char[] pw = "same".toCharArray();
        assertThat(PasswordHasher.hash(pw, TEST_COST)).isNotEqualTo(PasswordHasher.hash(pw, TEST_COST));
    }

    @Test
    void wrongPasswordIsRejected() {
        String hash = PasswordHasher.hash("s3cret!".toCharArray(), TEST_COST);
        assertThat(PasswordHasher.verify(hash, "s3cret?".toCharArray())).isFalse();
        assertThat(PasswordHasher.verify(hash, "".toCharArray())).isFalse();
    }

    @Test
    void hashesFromOtherVariantsVerify() {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        for (String variant : new String[] {"2a", "2b", "2y"}) {
            String hash = OpenBSDBCrypt.generate(variant, "printer-pw".toCharArray(), salt, TEST_COST);
            assertThat(hash).startsWith("$" + variant + "$");
            assertThat(PasswordHasher.verify(hash, "printer-pw".toCharArray())).as(variant).isTrue();
            assertThat(PasswordHasher.verify(hash, "printer-PW".toCharArray())).as(variant).isFalse();
        }
    }

    @Test
    void publishedTestVectorsVerify() {
        // From the Openwall crypt_blowfish test vectors.
        assertThat(PasswordHasher.verify("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U".toCharArray()))
                .isTrue();
        assertThat(PasswordHasher.verify("$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", "U*U*U".toCharArray()))
                .isTrue();
        assertThat(PasswordHasher.verify("$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy", new char[0]))
                .isTrue();
    }

    @Test
    void malformedHashIsFalseNotException() {
        char[] pw = "x".toCharArray();
        String good = PasswordHasher.hash(pw, TEST_COST);
        assertThat(PasswordHasher.verify(null, pw)).isFalse();
        assertThat(PasswordHasher.verify("", pw)).isFalse();
        assertThat(PasswordHasher.verify("plaintext", pw)).isFalse();
        assertThat(PasswordHasher.verify(good.substring(0, 59), pw)).isFalse();
        assertThat(PasswordHasher.verify(good + "x", pw)).isFalse();
        assertThat(PasswordHasher.verify("$2x$" + good.substring(4), pw)).isFalse();
        assertThat(PasswordHasher.verify("$2y$03$" + good.substring(7), pw)).isFalse();
        assertThat(PasswordHasher.verify("$2y$99$" + good.substring(7), pw)).isFalse();
        // Last salt character must encode only 4 bits of salt; 'z' does not.
        assertThat(PasswordHasher.verify(good.substring(0, 28) + "z" + good.substring(29), pw)).isFalse();
        assertThat(PasswordHasher.verify("$2y$04$!" + good.substring(8), pw)).isFalse();
    }

    @Test
    void unicodePassword() {
        char[] pw = "Pässwörd-密码-🔑".toCharArray();
        String hash = PasswordHasher.hash(pw, TEST_COST);
        assertThat(PasswordHasher.verify(hash, pw)).isTrue();
        assertThat(PasswordHasher.verify(hash, "Passwort-密码-🔑".toCharArray())).isFalse();
        // Same bytes as other UTF-8 bcrypt implementations produce.
        byte[] salt = new byte[16];
        assertThat(PasswordHasher.verify(OpenBSDBCrypt.generate("2b", "Pässwörd".toCharArray(), salt, TEST_COST),
                "Pässwörd".toCharArray())).isTrue();
    }

    @Test
    void unpairedSurrogateIsRefused() {
        char[] bad = {'a', '\uD800', 'b'};
        assertThatThrownBy(() -> PasswordHasher.hash(bad, TEST_COST)).isInstanceOf(IllegalArgumentException.class);
        String hash = PasswordHasher.hash("a?b".toCharArray(), TEST_COST);
        assertThat(PasswordHasher.verify(hash, bad)).isFalse();
    }

    @Test
    void passwordsOver72BytesAreRefused() {
        char[] exactly72 = "x".repeat(72).toCharArray();
        String hash = PasswordHasher.hash(exactly72, TEST_COST);
        assertThat(PasswordHasher.verify(hash, exactly72)).isTrue();
        // Bouncy Castle alone would accept this, because it only looks at the first 72 bytes.
        assertThat(PasswordHasher.verify(hash, "x".repeat(73).toCharArray())).isFalse();

        assertThatThrownBy(() -> PasswordHasher.hash("x".repeat(73).toCharArray(), TEST_COST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("72 bytes");
        // The limit is in bytes: 36 two-byte characters fit, 37 do not.
        PasswordHasher.hash("ü".repeat(36).toCharArray(), TEST_COST);
        assertThatThrownBy(() -> PasswordHasher.hash("ü".repeat(37).toCharArray(), TEST_COST))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void costOutOfRangeIsRefused() {
        assertThatThrownBy(() -> PasswordHasher.hash("x".toCharArray(), 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PasswordHasher.hash("x".toCharArray(), 32)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void burnEquivalentTimeChecksAValidHashOfTheDefaultCost() {
        // Equal work, not measured time (timing belongs in benchmarks): the dummy check must run
        // bcrypt at the same cost as real account hashes, on a well-formed hash (a malformed one would fail fast).
        assertThat(PasswordHasher.DUMMY_HASH).startsWith("$2y$" + PasswordHasher.DEFAULT_COST + "$");
        assertThat(PasswordHasher.DUMMY_HASH).matches("\\$2y\\$\\d\\d\\$[./A-Za-z0-9]{53}");
        org.assertj.core.api.Assertions.assertThatCode(PasswordHasher::burnEquivalentTime).doesNotThrowAnyException();
    }

    @Test
    void costIsReadFromTheHash() {
        assertThat(PasswordHasher.cost(PasswordHasher.hash("x".toCharArray(), 5))).isEqualTo(5);
        assertThat(PasswordHasher.cost(PasswordHasher.DUMMY_HASH)).isEqualTo(10);
        assertThat(PasswordHasher.cost("not a hash")).isEqualTo(-1);
        assertThat(PasswordHasher.cost(null)).isEqualTo(-1);
    }

    @Test
    void anUnguessableHashHasTheRequestedCostAndMatchesNothingObvious() {
        String hash = PasswordHasher.unguessableHash(4);
        assertThat(PasswordHasher.cost(hash)).isEqualTo(4);
        assertThat(PasswordHasher.verify(hash, "".toCharArray())).isFalse();
        assertThat(PasswordHasher.verify(hash, "password".toCharArray())).isFalse();
        assertThat(PasswordHasher.unguessableHash(4)).isNotEqualTo(hash);
    }
}
