package dev.oauthrelay.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void pkcs8Key() throws Exception {
        KeyPair pair = ec();
        Path file = write("pkcs8.key", new JcaPKCS8Generator(pair.getPrivate(), null));
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PemFiles.readPrivateKey(file).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void pkcs1RsaKey() throws Exception {
        KeyPair pair = rsa();
        Path file = write("rsa.key", pair.getPrivate()); // JcaPEMWriter writes OpenSSL's traditional form
        assertThat(Files.readString(file)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        PrivateKey key = PemFiles.readPrivateKey(file);
        assertThat(key.getAlgorithm()).isEqualTo("RSA");
        assertThat(key.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void sec1EcKey() throws Exception {
        // Bouncy Castle key objects produce the full SEC1 structure (curve and public key), as openssl does.
        KeyPair pair = jdkPair(ecWithBouncyCastle());
        Path file = write("ec.key", ecWithBouncyCastleFrom(pair));
        String pem = Files.readString(file);
        assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
        PrivateKey key = PemFiles.readPrivateKey(file);
        assertThat(key.getAlgorithm()).isEqualTo("EC");
        X509Certificate cert = certificate("CN=ec", pair);
        PemFiles.requireMatchingKey(cert, key, file, file);

        // "openssl ecparam -genkey" puts an EC PARAMETERS block (the P-256 OID) in front.
        Files.writeString(file, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + pem);
        PemFiles.requireMatchingKey(cert, PemFiles.readPrivateKey(file), file, file);
    }

    @Test
    void sec1EcKeyWithoutPublicKey() throws Exception {
        // RFC 5915 makes the public key optional.
        KeyPair pair = ec();
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
        BigInteger d = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, info.getPrivateKeyAlgorithm().getParameters());
        Path file = write("ec-nopub.key", new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        PemFiles.requireMatchingKey(certificate("CN=ec", pair), PemFiles.readPrivateKey(file), file, file);
    }

    @Test
    void certificateChainInOrder() throws Exception {
        X509Certificate leaf = certificate("CN=leaf", ec());
        X509Certificate intermediate = certificate("CN=intermediate", rsa());
        Path file = dir.resolve("fullchain.pem");
        Files.writeString(file, "some text openssl puts before blocks\n" + pem(leaf) + pem(intermediate));
        assertThat(PemFiles.readCertificateChain(file)).containsExactly(leaf, intermediate);
    }

    @Test
    void combinedFileServesAsBoth() throws Exception {
        KeyPair pair = rsa();
        X509Certificate cert = certificate("CN=combined", pair);
        Path file = dir.resolve("combined.pem");
        Files.writeString(file, pem(cert) + pem(pair.getPrivate()));
        assertThat(PemFiles.readCertificateChain(file)).containsExactly(cert);
        PemFiles.requireMatchingKey(cert, PemFiles.readPrivateKey(file), file, file);
    }

    @Test
    void encryptedPkcs8KeyIsRefusedClearly() throws Exception {
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                .setProvider(new BouncyCastleProvider())
                .setPassword("secret".toCharArray())
                .build();
        Path file = write("enc8.key", new JcaPKCS8Generator(ec().getPrivate(), encryptor));
        assertThat(Files.readString(file)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(file))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("encrypted private keys are not supported; decrypt with openssl pkey");
    }

    @Test
    void encryptedTraditionalKeyIsRefusedClearly() throws Exception {
        var encryptor = new JcePEMEncryptorBuilder("AES-128-CBC")
                .setProvider(new BouncyCastleProvider())
                .build("secret".toCharArray());
        Path file = write("enc1.key", new JcaMiscPEMGenerator(rsa().getPrivate(), encryptor));
        assertThat(Files.readString(file)).contains("Proc-Type: 4,ENCRYPTED");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(file))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("encrypted private keys are not supported");
    }

    @Test
    void errorsNameTheFile() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> PemFiles.readCertificateChain(missing))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessage(missing + ": file not found");

        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> PemFiles.readCertificateChain(empty))
                .hasMessageContaining(empty.toString()).hasMessageContaining("no CERTIFICATE");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(empty))
                .hasMessageContaining(empty.toString()).hasMessageContaining("no private key");

        Path truncated = Files.writeString(dir.resolve("truncated.pem"),
                pem(certificate("CN=x", ec())).substring(0, 200));
        assertThatThrownBy(() -> PemFiles.readCertificateChain(truncated))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(truncated.toString());

        Path garbage = Files.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN PRIVATE KEY-----\nnot base64 !!\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(garbage))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(garbage.toString());
    }

    @Test
    void mismatchedKeyIsDetected() throws Exception {
        X509Certificate cert = certificate("CN=a", ec());
        Path c = dir.resolve("a.crt");
        Path k = dir.resolve("b.key");
        assertThatThrownBy(() -> PemFiles.requireMatchingKey(cert, ec().getPrivate(), c, k))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessage(k + ": private key does not match the certificate in " + c);
        assertThatThrownBy(() -> PemFiles.requireMatchingKey(cert, rsa().getPrivate(), c, k))
                .isInstanceOf(TlsMaterialException.class);
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static KeyPair ecWithBouncyCastle() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** The same private key as a Bouncy Castle object, which JcaPEMWriter writes as full SEC1. */
    private static PrivateKey ecWithBouncyCastleFrom(KeyPair jdkPair) throws Exception {
        return java.security.KeyFactory.getInstance("EC", new BouncyCastleProvider())
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(jdkPair.getPrivate().getEncoded()));
    }

    /** The same key pair as JDK key objects, so the JDK provider can sign with it. */
    private static KeyPair jdkPair(KeyPair bcPair) throws Exception {
        var factory = java.security.KeyFactory.getInstance("EC");
        return new KeyPair(
                factory.generatePublic(new java.security.spec.X509EncodedKeySpec(bcPair.getPublic().getEncoded())),
                factory.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(bcPair.getPrivate().getEncoded())));
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static X509Certificate certificate(String subject, KeyPair pair) throws Exception {
        X500Name name = new X500Name(subject);
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
        String algorithm = pair.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate())));
    }

    static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof org.bouncycastle.util.io.pem.PemObjectGenerator generator) {
                writer.writeObject(generator);
            } else {
                writer.writeObject(object);
            }
        }
        return out.toString();
    }

    private Path write(String name, Object object) throws Exception {
        return Files.writeString(dir.resolve(name), pem(object));
    }
}
