package dev.oauthrelay.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM files as written by openssl, certbot and other ACME clients.
 *
 * <ul>
 *   <li>Certificates: one or more {@code CERTIFICATE} blocks, leaf first, then intermediates (e.g.
 *       certbot's {@code fullchain.pem}).
 *   <li>Private keys: PKCS#8 {@code PRIVATE KEY} (RFC 5208/5958), PKCS#1 {@code RSA PRIVATE KEY}
 *       (RFC 8017) or SEC1 {@code EC PRIVATE KEY} (RFC 5915). Encrypted keys are refused: the relay
 *       starts unattended, so there is nobody to type a passphrase.
 * </ul>
 *
 * <p>Other PEM blocks (e.g. {@code EC PARAMETERS} from {@code openssl ecparam -genkey}) are skipped,
 * so a combined key+certificate file works for both. Errors name the file but never include key
 * material.
 */
public final class PemFiles {

    private PemFiles() {}

    /** Reads a certificate chain, leaf first. */
    public static List<X509Certificate> readCertificateChain(Path file) {
        return parseCertificateChain(file, read(file));
    }

    /** Reads an unencrypted private key. */
    public static PrivateKey readPrivateKey(Path file) {
        return parsePrivateKey(file, read(file));
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw readError(file, e);
        }
    }

    static TlsMaterialException readError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new TlsMaterialException(file + ": file not found", e);
        }
        if (e instanceof AccessDeniedException) {
            return new TlsMaterialException(file + ": permission denied", e);
        }
        return new TlsMaterialException(file + ": cannot read: " + e.getMessage(), e);
    }

    static List<X509Certificate> parseCertificateChain(Path file, byte[] pem) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = parser(pem)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TlsMaterialException(file + ": invalid PEM certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new TlsMaterialException(file + ": no CERTIFICATE block found");
        }
        return List.copyOf(chain);
    }

    static PrivateKey parsePrivateKey(Path file, byte[] pem) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = parser(pem)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    // Only the private part: SEC1 keys may omit the public key (RFC 5915 section 3).
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                    throw new TlsMaterialException(file
                            + ": encrypted private keys are not supported; decrypt with openssl pkey"
                            + " (openssl pkey -in encrypted.key -out plain.key)");
                }
            }
        } catch (TlsMaterialException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new TlsMaterialException(file + ": invalid PEM private key: " + e.getMessage(), e);
        }
        throw new TlsMaterialException(
                file + ": no private key found (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    /**
     * Fails unless the key belongs to the certificate. Catches the classic renewal race where the new
     * certificate is read together with the old key: such a pair would load fine and then fail every
     * handshake.
     */
    static void requireMatchingKey(X509Certificate leaf, PrivateKey key, Path certificateFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA"; // the curve comes from the key
            default -> null; // e.g. RSASSA-PSS: uncommon; let the handshake report problems
        };
        if (algorithm == null) {
            return;
        }
        boolean matches;
        try {
            byte[] probe = "oauth-smtp-relay key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false; // e.g. an EC key for an RSA certificate
        }
        if (!matches) {
            throw new TlsMaterialException(
                    keyFile + ": private key does not match the certificate in " + certificateFile);
        }
    }

    private static PEMParser parser(byte[] pem) {
        Reader reader = new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.UTF_8);
        return new PEMParser(reader);
    }
}
