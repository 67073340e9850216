package dev.oauthrelay.server;

import dev.oauthrelay.audit.AuditLog;
import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.policy.SubmissionPolicy;
import dev.oauthrelay.server.admin.AdminAccessFiles;
import dev.oauthrelay.server.admin.AdminServer;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.config.TlsConfig;
import dev.oauthrelay.server.inventory.DeviceTracking;
import dev.oauthrelay.server.listener.SmtpServer;
import dev.oauthrelay.server.tls.LegacyTls;
import dev.oauthrelay.server.tls.SelfSignedCertificate;
import dev.oauthrelay.server.tls.ServerTlsContext;
import dev.oauthrelay.spool.RecoveryReport;
import dev.oauthrelay.spool.Spool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: wires spool, policy, TLS and listeners from a validated configuration,
 * and takes them down again in reverse order.
 */
public final class Relay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    /**
     * Threads for blocking work (fsync of spool commits, bcrypt checks), kept off the Netty event
     * loops. Commits mostly wait on the disk, so more threads than cores pay off.
     */
    private static final int BLOCKING_THREADS = 16;

    private final Spool spool;
    private final SmtpServer server;
    private final ExecutorService blocking;
    private final ScheduledExecutorService scheduler;
    private final AutoCloseable tlsWatch;
    private final OutboundPath outbound;
    private final java.time.Duration gracePeriod;
    /** Null when {@code relay.admin.enabled = false}. */
    private AdminServer admin;
    /** Null when {@code relay.inventory.enabled = false}. */
    private DeviceTracking devices;
    private AdminAccessFiles adminAccess;
    private final dev.oauthrelay.delivery.QueueOperations queueOperations;
    private Observability observability;
    /** Null when delivery is not configured. */
    private dev.oauthrelay.server.credentials.CredentialWatch credentialWatch;

    private Relay(Spool spool, SmtpServer server, ExecutorService blocking, ScheduledExecutorService scheduler,
                  AutoCloseable tlsWatch, OutboundPath outbound, java.time.Duration gracePeriod) {
        this.gracePeriod = gracePeriod;
        this.spool = spool;
        this.server = server;
        this.blocking = blocking;
        this.scheduler = scheduler;
        this.tlsWatch = tlsWatch;
        this.outbound = outbound;
        this.queueOperations = outbound != null ? outbound.scheduler()
                : dev.oauthrelay.delivery.QueueOperations.withoutDelivery(spool, Clock.systemUTC());
    }

    public static Relay start(RelayConfig config) throws Exception {
        return start(config, RelayEvents.NONE);
    }

    /** @param observer told of every event of the data path, besides the relay's own observers */
    public static Relay start(RelayConfig config, RelayEvents observer) throws Exception {
        Observability observability = new Observability(config, Clock.systemUTC());
        Files.createDirectories(config.dataDir());
        Spool spool = Spool.open(config.dataDir());
        RecoveryReport recovery = spool.recover();
        log.info("spool {}: {} queued, {} unfinished removed, {} quarantined",
                config.dataDir().toAbsolutePath(), recovery.queued().size(), recovery.removedLeftovers(),
                recovery.quarantined());
        SubmissionPolicy policy = new SubmissionPolicy(config.accounts(), config.trustedNetworks());
        ServerTlsContext tls = tlsContext(config);
        ServerTlsContext legacyTls = legacyTlsContext(config);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(named("relay-scheduler"));
        ExecutorService blocking = Executors.newFixedThreadPool(BLOCKING_THREADS, named("relay-blocking"));
        AutoCloseable mainWatch = tls.startWatching(scheduler, config.tls().reloadInterval());
        AutoCloseable legacyWatch = legacyTls == null ? () -> { }
                : legacyTls.startWatching(scheduler, config.tls().reloadInterval());
        AutoCloseable watch = () -> {
            legacyWatch.close();
            mainWatch.close();
        };
        DeviceTracking devices = config.inventory().enabled()
                ? DeviceTracking.start(config.inventory(), config.dataDir(), Clock.systemUTC()) : null;
        RelayEvents events = RelayEvents.safely(observability.events(), observer, new AuditLog(Clock.systemUTC()),
                devices == null ? RelayEvents.NONE : devices.inventory());
        OutboundPath outbound = null;
        try {
            if (config.delivers()) {
                outbound = OutboundPath.start(config, spool, recovery.queued(), scheduler,
                        blocking, Clock.systemUTC(), events);
                for (var account : config.upstreamAccounts().values()) {
                    log.info("delivering to {}:{} with {}", config.upstream().host(), config.upstream().port(),
                            account.describe());
                }
            } else {
                log.warn("relay.oauth.tenant-id and client-id are not set: mail is accepted and queued,"
                        + " but not delivered until they are");
            }
            // Before the listeners: SIGTERM is only handled gracefully once start() returns, so keep
            // the work between binding them and returning short.
            observability.watch(spool, outbound == null ? null : outbound.tokens());
            dev.oauthrelay.credentials.Credentials credentials = outbound == null
                    ? dev.oauthrelay.credentials.Credentials.NONE
                    : dev.oauthrelay.server.credentials.CredentialWatch.credentials(config, outbound.tokens(),
                            Clock.systemUTC());
            observability.watch(credentials);
            if (outbound != null) {
                observability.watch(outbound.scheduler());
            }
            SmtpServer server = SmtpServer.start(config, policy, spool, tls::current,
                    legacyTls == null ? null : legacyTls::current, blocking, Clock.systemUTC(), events);
            Relay relay = new Relay(spool, server, blocking, scheduler, watch, outbound, config.shutdownGracePeriod());
            relay.devices = devices;
            relay.observability = observability;
            if (outbound != null) {
                relay.credentialWatch = dev.oauthrelay.server.credentials.CredentialWatch.start(credentials, scheduler);
            }
            observability.watch(server);
            if (config.admin().enabled()) {
                try {
                    relay.adminAccess = AdminAccessFiles.prepare(config.admin(), config.dataDir());
                    relay.admin = AdminServer.start(relay.adminAccess.config(), AdminRoutes.of(relay));
                    relay.adminAccess.publishPort(relay.admin.port());
                } catch (java.io.IOException | RuntimeException e) {
                    relay.close();
                    throw new java.io.IOException("cannot serve the admin HTTP port on " + config.admin().address()
                            + ":" + config.admin().port() + ": " + e.getMessage(), e);
                }
            }
            return relay;
        } catch (Exception e) {
            if (outbound != null) {
                outbound.close();
            }
            if (devices != null) {
                devices.close();
            }
            watch.close();
            scheduler.shutdownNow();
            blocking.shutdownNow();
            observability.close();
            throw e;
        }
    }

    private static ServerTlsContext tlsContext(RelayConfig config) throws Exception {
        TlsConfig tls = config.tls();
        if (tls.certificate().isPresent() && tls.privateKey().isPresent()) {
            return ServerTlsContext.create(tls.certificate().get(), tls.privateKey().get(), tls.protocols());
        }
        SelfSignedCertificate.CertificatePaths generated = SelfSignedCertificate.ensure(config.dataDir(), config.hostname());
        log.info("no TLS certificate configured: using the self-signed certificate {}", generated.certificate());
        return ServerTlsContext.create(generated.certificate(), generated.privateKey(), tls.protocols());
    }

    /**
     * The context of {@code legacy-tls} listeners, or null if there are none: the configured
     * certificate, or a self-signed RSA one (old devices rarely know ECDSA suites).
     */
    private static ServerTlsContext legacyTlsContext(RelayConfig config) {
        java.util.List<String> legacy = config.listeners().stream()
                .filter(dev.oauthrelay.server.config.ListenerConfig::legacyTls)
                .map(dev.oauthrelay.server.config.ListenerConfig::name).toList();
        if (legacy.isEmpty()) {
            return null;
        }
        LegacyTls.requireAvailable(legacy);
        TlsConfig tls = config.tls();
        if (tls.certificate().isPresent() && tls.privateKey().isPresent()) {
            return ServerTlsContext.createLegacy(tls.certificate().get(), tls.privateKey().get());
        }
        SelfSignedCertificate.CertificatePaths rsa = SelfSignedCertificate.ensureRsa(config.dataDir(), config.hostname());
        log.info("legacy-tls listener(s) {}: using the self-signed RSA certificate {}", legacy, rsa.certificate());
        return ServerTlsContext.createLegacy(rsa.certificate(), rsa.privateKey());
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public int port(String listenerName) {
        return server.port(listenerName);
    }

    /** The bound admin HTTP port; fails if the admin port is disabled. */
    public int adminPort() {
        if (admin == null) {
            throw new IllegalStateException("relay.admin.enabled = false");
        }
        return admin.port();
    }

    /** Metrics and readiness, for the admin routes. */
    Observability observability() {
        return observability;
    }

    public Spool spool() {
        return spool;
    }

    public SmtpServer server() {
        return server;
    }

    public Path queueDir() {
        return spool.queueDir();
    }

    /** The delivery scheduler, if delivery is configured. */
    public java.util.Optional<dev.oauthrelay.delivery.DeliveryScheduler> delivery() {
        return java.util.Optional.ofNullable(outbound).map(OutboundPath::scheduler);
    }

    /** The device inventory, unless {@code relay.inventory.enabled = false}. */
    public java.util.Optional<DeviceTracking> devices() {
        return java.util.Optional.ofNullable(devices);
    }

    /** The token caches of the upstream accounts, if delivery is configured. */
    public java.util.Optional<dev.oauthrelay.server.oauth.UpstreamTokens> tokens() {
        return java.util.Optional.ofNullable(outbound).map(OutboundPath::tokens);
    }

    /** The upstream accounts' client secrets and certificates and when they expire ({@code NONE} without delivery). */
    public dev.oauthrelay.credentials.Credentials credentials() {
        return credentialWatch == null ? dev.oauthrelay.credentials.Credentials.NONE : credentialWatch.credentials();
    }

    /** What operators may do to the queue (the delivery scheduler owns it, if the relay delivers). */
    public dev.oauthrelay.delivery.QueueOperations queueOperations() {
        return queueOperations;
    }

    /**
     * Stops: no new connections or delivery attempts; sessions may finish their message within
     * the grace period (then 421 4.3.2); deliveries in flight finish or stay queued.
     */
    @Override
    public void close() {
        log.info("stopping: no new connections; sessions have {} to finish", gracePeriod);
        if (admin != null) {
            admin.close();
        }
        if (adminAccess != null) {
            adminAccess.close();
        }
        if (outbound != null) {
            outbound.stopScheduling();
        }
        server.shutdown(gracePeriod);
        if (outbound != null) {
            outbound.close();
        }
        if (devices != null) {
            devices.close(); // after the listeners and deliveries: their last events are saved too
        }
        if (credentialWatch != null) {
            credentialWatch.close();
        }
        try {
            tlsWatch.close();
        } catch (Exception e) {
            log.debug("closing TLS watch: {}", e.toString());
        }
        scheduler.shutdownNow();
        blocking.shutdown();
        try {
            // Let commits in flight finish: their clients are gone, but the files are complete.
            blocking.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        observability.close();
        log.info("relay stopped");
    }
}
