package dev.oauthrelay.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-signed certificate so TLS works out of the box, before the operator installs a real one.
 * Legacy devices rarely validate certificates; those that do must be given this one (or a real one).
 *
 * <p>Kept in {@code <dataDir>/tls/} and reused across restarts, so a device that pinned it keeps
 * working. It is regenerated only if it is missing, unreadable, expired, does not cover the
 * configured hostname, or does not match its key.
 */
public final class SelfSignedCertificate {

    private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificate.class);

    static final String CERT_FILE = "self-signed.crt";
    static final String KEY_FILE = "self-signed.key";
    static final String RSA_CERT_FILE = "self-signed-rsa.crt";
    static final String RSA_KEY_FILE = "self-signed-rsa.key";

    /** 825 days: the longest lifetime Apple platforms accept for a TLS server certificate. */
    static final Duration VALIDITY = Duration.ofDays(825);

    /** Back-dated to tolerate clients whose clocks run slightly behind. */
    static final Duration BACKDATE = Duration.ofHours(1);

    /** Where the certificate and key live. */
    public record CertificatePaths(Path certificate, Path privateKey) {}

    private SelfSignedCertificate() {}

    /**
     * Returns the paths of a usable self-signed certificate for {@code hostname}, generating one
     * (EC P-256, SHA256withECDSA) if needed.
     *
     * @throws UncheckedIOException if the files cannot be written
     */
    public static CertificatePaths ensure(Path dataDir, String hostname) {
        return ensure(dataDir, hostname, false);
    }

    /**
     * As {@link #ensure}, but an RSA 2048 certificate ({@code self-signed-rsa.crt}, SHA256withRSA) for
     * {@code legacy-tls} listeners: old devices mostly know only RSA cipher suites.
     */
    public static CertificatePaths ensureRsa(Path dataDir, String hostname) {
        return ensure(dataDir, hostname, true);
    }

    private static CertificatePaths ensure(Path dataDir, String hostname, boolean rsa) {
        if (hostname == null || hostname.isBlank()) {
            throw new IllegalArgumentException("hostname must not be blank");
        }
        Path dir = dataDir.resolve("tls");
        CertificatePaths paths = rsa
                ? new CertificatePaths(dir.resolve(RSA_CERT_FILE), dir.resolve(RSA_KEY_FILE))
                : new CertificatePaths(dir.resolve(CERT_FILE), dir.resolve(KEY_FILE));
        if (Files.exists(paths.certificate()) && Files.exists(paths.privateKey())) {
            String problem = reuseProblem(paths, hostname);
            if (problem == null) {
                return paths;
            }
            log.info("Regenerating self-signed certificate {}: {}", paths.certificate(), problem);
        }
        try {
            createDirectory(dir);
            generate(paths, hostname, rsa);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write self-signed certificate to " + dir + ": " + e.getMessage(), e);
        }
        log.info("Generated self-signed certificate {} for {}", paths.certificate(), hostname);
        return paths;
    }

    /** Null if the existing files can be reused, otherwise why not. */
    private static String reuseProblem(CertificatePaths paths, String hostname) {
        try {
            X509Certificate cert = PemFiles.readCertificateChain(paths.certificate()).get(0);
            PrivateKey key = PemFiles.readPrivateKey(paths.privateKey());
            PemFiles.requireMatchingKey(cert, key, paths.certificate(), paths.privateKey());
            if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(1)))) {
                return "expired or about to expire";
            }
            if (!coversHostname(cert, hostname)) {
                return "does not cover hostname " + hostname;
            }
            return null;
        } catch (TlsMaterialException e) {
            return e.getMessage();
        }
    }

    private static boolean coversHostname(X509Certificate cert, String hostname) {
        try {
            var sans = cert.getSubjectAlternativeNames();
            return sans != null && sans.stream().anyMatch(san -> sameName(hostname, san));
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    /** {@code san} is [type, value] as returned by {@link X509Certificate#getSubjectAlternativeNames()}. */
    private static boolean sameName(String hostname, List<?> san) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1));
        if (type == GeneralName.dNSName) {
            return value.equalsIgnoreCase(hostname);
        }
        if (type == GeneralName.iPAddress && isIpLiteral(hostname)) {
            try { // literals only, so no DNS lookup; normalises "::1" vs "0:0:0:0:0:0:0:1"
                return InetAddress.getByName(value).equals(InetAddress.getByName(hostname));
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static void generate(CertificatePaths paths, String hostname, boolean rsa) throws IOException {
        X509Certificate cert;
        KeyPair keyPair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(rsa ? "RSA" : "EC");
            if (rsa) {
                generator.initialize(2048);
            } else {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            keyPair = generator.generateKeyPair();
            cert = buildCertificate(keyPair, hostname, rsa);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate self-signed certificate: " + e.getMessage(), e);
        }
        // Key first: a crash in between leaves a new key with the old certificate, which fails the
        // key check above and is regenerated on the next start.
        writeAtomically(paths.privateKey(), pem(new JcaPKCS8Generator(keyPair.getPrivate(), null)), "rw-------");
        writeAtomically(paths.certificate(), pem(cert), "rw-r--r--");
    }

    private static X509Certificate buildCertificate(KeyPair keyPair, String hostname, boolean rsa)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
        Instant now = Instant.now();
        // RFC 5280 section 4.1.2.2: positive, at most 20 octets.
        BigInteger serial = new BigInteger(159, new SecureRandom());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject, serial, Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)),
                subject, keyPair.getPublic());
        JcaX509ExtensionUtils extensionUtils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        // RSA key exchange (TLS_RSA_WITH_*, used by old devices) encrypts to the key: keyEncipherment.
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(rsa ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        // Clients match against SANs, not the CN (RFC 6125 section 6.4.4).
        builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(hostname));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                extensionUtils.createSubjectKeyIdentifier(keyPair.getPublic()));
        var signer = new JcaContentSignerBuilder(rsa ? "SHA256withRSA" : "SHA256withECDSA").build(keyPair.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static GeneralNames subjectAltNames(String hostname) {
        List<GeneralName> names = new ArrayList<>();
        names.add(isIpLiteral(hostname)
                ? new GeneralName(GeneralName.iPAddress, hostname)
                : new GeneralName(GeneralName.dNSName, hostname));
        if (!hostname.equalsIgnoreCase("localhost")) {
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        }
        for (String ip : new String[] {"127.0.0.1", "::1"}) {
            if (!ip.equals(hostname)) {
                names.add(new GeneralName(GeneralName.iPAddress, ip));
            }
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isIpLiteral(String s) {
        return s.indexOf(':') >= 0 || (!s.isEmpty() && s.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
    }

    private static byte[] pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof PemObjectGenerator generator) {
                writer.writeObject(generator);
            } else {
                writer.writeObject(object);
            }
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (isPosix(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * Writes to a temporary file in the same directory, syncs it and renames it over the target, so a
     * crash leaves either the old file or the complete new one, never half a key. The permissions are
     * set before any content is written.
     */
    private static void writeAtomically(Path target, byte[] content, String posixPermissions) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        boolean posix = isPosix(dir);
        Path tmp = posix
                ? Files.createTempFile(dir, target.getFileName() + ".", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (posix) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(posixPermissions));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
