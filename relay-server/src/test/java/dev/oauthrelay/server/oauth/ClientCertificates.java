package dev.oauthrelay.server.oauth;

import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed client certificates like the ones admins upload to an app registration. */
public final class ClientCertificates {

    public record Generated(KeyPair keyPair, X509Certificate certificate) {

        /** Writes {@code name.crt} and {@code name.key} (PKCS#8) into {@code dir}; returns the certificate's path. */
        public Path writePem(Path dir, String name) throws Exception {
            Path cert = dir.resolve(name + ".crt");
            Files.writeString(cert, pem(certificate));
            Files.writeString(dir.resolve(name + ".key"), pem(new JcaPKCS8Generator(keyPair.getPrivate(), null)));
            return cert;
        }

        Path writePkcs12(Path dir, String name, String password) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", keyPair.getPrivate(), password.toCharArray(), new X509Certificate[] {certificate});
            Path file = dir.resolve(name + ".p12");
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            return file;
        }
    }

    private ClientCertificates() {}

    static Generated rsa(String cn) throws Exception {
        return generate("RSA", 2048, "SHA256withRSA", cn);
    }

    /** An RSA certificate (what MSAL4J signs with) valid until {@code notAfter}. */
    public static Generated rsa(String cn, Instant notAfter) throws Exception {
        return generate("RSA", 2048, "SHA256withRSA", cn, notAfter);
    }

    static Generated ec(String cn) throws Exception {
        return generate("EC", 256, "SHA256withECDSA", cn);
    }

    private static Generated generate(String algorithm, int size, String signature, String cn) throws Exception {
        return generate(algorithm, size, signature, cn, Instant.now().plus(Duration.ofDays(365)));
    }

    private static Generated generate(String algorithm, int size, String signature, String cn, Instant notAfter)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(size);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + cn);
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(notAfter), name, pair.getPublic());
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())));
        return new Generated(pair, cert);
    }

    private static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(o instanceof JcaPKCS8Generator g ? g.generate() : o);
        }
        return new String(out.toString().getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
    }
}
