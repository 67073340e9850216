package dev.oauthrelay.server.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-side Netty {@link SslContext} for the listeners, built from a PEM certificate chain and
 * private key.
 *
 * <p>Changed certificate files are picked up without a restart: certbot and other ACME clients renew
 * certificates every few weeks, and a relay that needed a restart would silently serve an expired
 * certificate. {@link #reloadIfChanged()} swaps in a new context; connections that already finished
 * their handshake keep their session, new connections get the new certificate. Renewals often
 * replace the two files one after the other, so a pair that does not load or does not match is
 * ignored (the previous context stays) and retried on the next check.
 *
 * <p>Uses the JDK TLS provider: no native library to ship, and the JDK's {@code
 * jdk.tls.disabledAlgorithms} applies on top of the configured protocol list. The context of
 * {@code legacy-tls} listeners ({@link #createLegacy}) is a second instance, built by
 * {@link LegacyTls} on the OpenSSL provider, and reloads the same way.
 */
public final class ServerTlsContext {

    private static final Logger log = LoggerFactory.getLogger(ServerTlsContext.class);

    private final Path certificateFile;
    private final Path privateKeyFile;
    private final List<String> protocols;
    /** Built by {@link LegacyTls} (OpenSSL, TLS 1.0+) rather than the JDK provider. */
    private final boolean legacy;

    /** Read on every new connection; replaced as a whole so readers never need a lock. */
    private volatile Loaded loaded;

    /** The last failure (fingerprint or message), so a broken pair is warned about once. Guarded by this. */
    private Object lastFailure;

    private record Loaded(SslContext context, X509Certificate leaf, Fingerprint fingerprint) {}

    /** What identifies the contents of both files. */
    private record Fingerprint(FileStamp certificate, FileStamp privateKey) {}

    private record FileStamp(long size, long lastModifiedMillis, String sha256) {}

    /** Both files read once, so the fingerprint and the parsed content are of the same bytes. */
    private record Snapshot(byte[] certificate, byte[] privateKey, Fingerprint fingerprint) {}

    private ServerTlsContext(Path certificateFile, Path privateKeyFile, List<String> protocols, boolean legacy,
                             Loaded initial) {
        this.certificateFile = certificateFile;
        this.privateKeyFile = privateKeyFile;
        this.protocols = protocols;
        this.legacy = legacy;
        this.loaded = initial;
    }

    /**
     * Loads the certificate chain and key and builds the context.
     *
     * @param protocols enabled protocol versions, e.g. {@code ["TLSv1.3", "TLSv1.2"]} (RFC 8996
     *     deprecates anything older)
     * @throws TlsMaterialException if a file is unreadable or invalid, or the key does not match the
     *     certificate; the message names the file
     */
    public static ServerTlsContext create(Path certificate, Path privateKey, List<String> protocols) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        if (protocols == null || protocols.isEmpty()) {
            throw new IllegalArgumentException("at least one TLS protocol version is required");
        }
        List<String> protocolList = List.copyOf(protocols);
        Loaded initial = load(snapshot(certificate, privateKey), certificate, privateKey, protocolList, false);
        log.info("TLS certificate loaded from {}: {}", certificate, describe(initial.leaf()));
        return new ServerTlsContext(certificate, privateKey, protocolList, false, initial);
    }

    /**
     * The context of {@code legacy-tls} listeners: TLS 1.0 to 1.3 with CBC suites on the OpenSSL
     * provider (see {@link LegacyTls}). Call {@link LegacyTls#requireAvailable} first.
     *
     * @throws TlsMaterialException as {@link #create}
     */
    public static ServerTlsContext createLegacy(Path certificate, Path privateKey) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Loaded initial = load(snapshot(certificate, privateKey), certificate, privateKey, LegacyTls.PROTOCOLS, true);
        log.info("legacy TLS (TLS 1.0+, OpenSSL) certificate loaded from {}: {}", certificate, describe(initial.leaf()));
        if (!"RSA".equals(initial.leaf().getPublicKey().getAlgorithm())) {
            log.warn("legacy TLS certificate {} has a {} key: only ECDHE-ECDSA cipher suites are possible, and many"
                    + " old devices only know RSA ones (AES128-SHA, ECDHE-RSA-AES128-SHA); consider an RSA certificate",
                    certificate, initial.leaf().getPublicKey().getAlgorithm());
        }
        return new ServerTlsContext(certificate, privateKey, LegacyTls.PROTOCOLS, true, initial);
    }

    /** The context for a new connection. Cheap and lock-free. */
    public SslContext current() {
        return loaded.context();
    }

    /** The leaf certificate currently presented to clients. */
    public X509Certificate certificate() {
        return loaded.leaf();
    }

    /**
     * Reloads if either file changed since the last successful load.
     *
     * @return true if a new certificate is now in use; false if nothing changed or the new files
     *     could not be used (then the previous certificate stays and a warning is logged)
     */
    public synchronized boolean reloadIfChanged() {
        Snapshot snapshot;
        try {
            snapshot = snapshot(certificateFile, privateKeyFile);
        } catch (TlsMaterialException e) {
            warnOnce(e, e.getMessage()); // e.g. a file briefly missing while it is replaced
            return false;
        }
        if (snapshot.fingerprint().equals(loaded.fingerprint())) {
            lastFailure = null;
            return false;
        }
        Loaded next;
        try {
            next = load(snapshot, certificateFile, privateKeyFile, protocols, legacy);
        } catch (TlsMaterialException e) {
            warnOnce(e, snapshot.fingerprint());
            return false;
        }
        // JDK-provider contexts hold no native memory, so the old one needs no release; an OpenSSL
        // one (SslProvider.OPENSSL, not OPENSSL_REFCNT) frees its native memory once unreachable.
        // Connections that already use it keep their session.
        loaded = next;
        lastFailure = null;
        log.info("{}TLS certificate reloaded from {}: {}", legacy ? "legacy " : "", certificateFile,
                describe(next.leaf()));
        return true;
    }

    /**
     * Calls {@link #reloadIfChanged()} every {@code interval} on {@code exec}. Close the returned
     * handle to stop.
     */
    public AutoCloseable startWatching(ScheduledExecutorService exec, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        long millis = Math.max(1, interval.toMillis());
        ScheduledFuture<?> future = exec.scheduleWithFixedDelay(() -> {
            try {
                reloadIfChanged();
            } catch (Throwable t) {
                // A periodic task that throws is never run again; keep watching no matter what.
                log.warn("TLS certificate check failed: {}", t.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    /** Warns once per distinct failure; a pair that stays broken is only repeated at DEBUG. */
    private void warnOnce(TlsMaterialException e, Object failure) {
        if (failure.equals(lastFailure)) {
            log.debug("TLS certificate files still unusable: {}", e.getMessage());
            return;
        }
        lastFailure = failure;
        // The message names the file and the problem; it never contains key material.
        log.warn("Keeping the current TLS certificate; the changed files cannot be used (will retry): {}",
                e.getMessage());
    }

    private static Loaded load(Snapshot snapshot, Path certificateFile, Path keyFile, List<String> protocols,
                               boolean legacy) {
        List<X509Certificate> chain = PemFiles.parseCertificateChain(certificateFile, snapshot.certificate());
        PrivateKey key = PemFiles.parsePrivateKey(keyFile, snapshot.privateKey());
        PemFiles.requireMatchingKey(chain.get(0), key, certificateFile, keyFile);
        SslContext context;
        try {
            context = legacy ? LegacyTls.build(key, chain)
                    : jdkServerContext(key, chain, protocols);
            // Surfaces bad protocol names now rather than on the first connection.
            context.newEngine(ByteBufAllocator.DEFAULT).closeOutbound();
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new TlsMaterialException(
                    "cannot build TLS context from " + certificateFile + " and " + keyFile + ": " + e.getMessage(), e);
        }
        return new Loaded(context, chain.get(0), snapshot.fingerprint());
    }

    /**
     * The JDK-provider server context, built from a {@link SSLContext} of our own rather than with
     * {@code SslContextBuilder.forServer}: Netty's builder path first runs a static probe
     * (JdkSslServerContext) that decrypts a PBES2-encrypted key and stores keys in a PKCS12 key
     * store, PBKDF2 with 10,000 SHA-256 rounds each. On a cold JVM that was most of the time from
     * start to listening (measured with JFR, issue 8). The key store here only carries the key to
     * the KeyManagerFactory in memory and is never written anywhere, so it is a JKS one. Cipher
     * suites are Netty's defaults, as with the builder.
     */
    private static SslContext jdkServerContext(PrivateKey key, List<X509Certificate> chain, List<String> protocols)
            throws GeneralSecurityException, IOException {
        char[] password = new char[0];
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(null, null);
        store.setKeyEntry("key", key, password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return new JdkSslContext(ssl, false, null, IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.NONE,
                protocols.toArray(String[]::new), false);
    }

    private static Snapshot snapshot(Path certificateFile, Path keyFile) {
        long certModified = lastModified(certificateFile);
        long keyModified = lastModified(keyFile);
        byte[] cert = PemFiles.read(certificateFile);
        byte[] key = PemFiles.read(keyFile);
        return new Snapshot(cert, key, new Fingerprint(
                new FileStamp(cert.length, certModified, sha256(cert)),
                new FileStamp(key.length, keyModified, sha256(key))));
    }

    private static long lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis(); // follows symlinks, e.g. certbot's live/
        } catch (IOException e) {
            throw PemFiles.readError(file, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static String describe(X509Certificate leaf) {
        return "subject \"" + leaf.getSubjectX500Principal().getName() + "\", valid until " + leaf.getNotAfter().toInstant();
    }
}
