package dev.oauthrelay.server.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.oauthrelay.server.json.Json;
import dev.oauthrelay.server.tls.SelfSignedCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the part of Microsoft Graph the relay uses, on {@code https://localhost:<port>/v1.0}
 * with a self-signed certificate like the other stand-ins:
 * <ul>
 *   <li>{@code POST /users/{mailbox}/sendMail} with base64 MIME ({@code text/plain}): 202;
 *   <li>the large-message path: {@code POST /users/{m}/messages} (a draft from base64 MIME),
 *       {@code POST .../messages/{id}/attachments} (a small file attachment, JSON),
 *       {@code POST .../messages/{id}/attachments/createUploadSession} and {@code PUT} to the
 *       pre-authenticated upload URL in order ({@code Content-Range}), {@code POST .../send}, and
 *       {@code DELETE .../messages/{id}};
 *   <li>{@code GET /users/{mailbox}} (what {@code relay check} looks a mailbox up with): the user's
 *       {@code userPrincipalName} and {@code mail}; {@code 403 Authorization_RequestDenied} without
 *       {@value #USER_READ_ALL_ROLE}, {@code 404 Request_ResourceNotFound} for an unknown mailbox
 *       (directory errors, not Exchange's).
 * </ul>
 * Every API request needs a bearer token the token stand-in issued for the Graph scope, with the
 * role the operation needs ({@code Mail.Send} to send, {@code Mail.ReadWrite} for drafts and
 * attachments); upload PUTs must carry no Authorization header (Graph: the URL holds its own).
 * {@link #restrictAccess} plays an Exchange application access policy: mail requests for other
 * mailboxes get {@code 403 ErrorAccessDenied} "... [RAOP] : Blocked by tenant configured AppOnly
 * AccessPolicy settings.", as Graph answers; the directory lookup is not affected.
 * MIME content must be strict base64 and at most {@link #MAX_REQUEST} bytes; the From address
 * must be the mailbox or one it may send as ({@code 403 ErrorSendAsDenied}). Sent messages are
 * recorded with the MIME exactly as decoded. Faults: {@link #failNext} answers the next request
 * of an operation with a status, an error code and optionally {@code Retry-After}.
 */
public final class StandInGraph implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StandInGraph.class);

    /** Graph refuses request bodies above about 4 MB ("Microsoft Graph service limits"). */
    public static final int MAX_REQUEST = 4 * 1024 * 1024;
    /** An upload session for less is refused: ErrorAttachmentSizeShouldNotBeLessThanMinimumSize. */
    public static final int MIN_UPLOAD_SESSION = 2 * 1024 * 1024;

    /** The application permission the directory lookup needs. */
    public static final String USER_READ_ALL_ROLE = "User.Read.All";

    /** What a request does, for {@link #failNext}. */
    public enum Operation { SEND_MAIL, CREATE_DRAFT, ADD_ATTACHMENT, CREATE_UPLOAD_SESSION, UPLOAD, SEND_DRAFT }

    /** A file attached to a draft, by a JSON POST or an upload session. */
    public record Attachment(String name, String contentType, boolean inline, String contentId, byte[] content,
                             boolean uploaded) {}

    /**
     * A message Graph sent.
     *
     * @param mime        the MIME content as decoded from base64 (of the draft, for the large path)
     * @param attachments attachments added to the draft (empty for sendMail)
     */
    public record GraphMessage(int number, String mailbox, byte[] mime, List<Attachment> attachments,
                               boolean viaDraft) {
        public String mimeAsString() {
            return new String(mime, StandardCharsets.UTF_8);
        }

        /** To, Cc and Bcc of the MIME header: whom Graph sends it to. */
        public List<String> recipients() {
            return dev.oauthrelay.session.HeaderRepair.recipients(headerSection(mime));
        }
    }

    private record Canned(Operation operation, int status, String code, String retryAfter) {}

    private record Draft(String mailbox, byte[] mime, List<Attachment> attachments) {}

    private record UploadSession(String draftId, String secret, Map<String, Object> item, byte[] content,
                                 int[] received) {}

    private final Path certificatePath;
    private final HttpsServer server;
    private final ExecutorService executor;
    private final int port;
    private final String scope;
    private final Authorizer roles;
    private final Map<String, Set<String>> mailboxes;
    private final SecureRandom random = new SecureRandom();

    private final List<GraphMessage> messages = new CopyOnWriteArrayList<>();
    private final AtomicInteger numbers = new AtomicInteger();
    private final Map<String, Draft> drafts = new ConcurrentHashMap<>();
    private final Map<String, UploadSession> sessions = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Canned> faults = new ConcurrentLinkedQueue<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger uploadsWithAuthorization = new AtomicInteger();
    private final Set<String> uploadSecrets = ConcurrentHashMap.newKeySet();
    private volatile Set<String> policyScope;

    /**
     * @param roles     (token, scope, mailbox) -> the token's permissions there if it is valid for the scope, else null
     * @param mailboxes known mailboxes (lower case) -> addresses each may also send as
     */
    private StandInGraph(Path dir, String scope, Authorizer roles,
                         Map<String, Set<String>> mailboxes) throws IOException {
        SelfSignedCertificate.CertificatePaths paths = SelfSignedCertificate.ensure(dir.resolve("graph"), "localhost");
        this.certificatePath = paths.certificate();
        this.scope = scope;
        this.roles = roles;
        this.mailboxes = mailboxes;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "standin-graph-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        SSLContext tls = StandInTokenEndpoint.sslContext(paths);
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.port = server.getAddress().getPort();
    }

    /**
     * Starts on 127.0.0.1, a free port.
     *
     * @param scope     the Graph scope tokens must be issued for, e.g. {@code https://localhost/.default}
     * @param roles     (token, scope, mailbox) -> the permissions of a valid token for that mailbox,
     *                  or null (the token stand-in's {@code graphPermissions})
     * @param mailboxes each mailbox with the addresses it may also send as
     */
    public static StandInGraph start(Path dir, String scope, Authorizer roles,
                                     Map<String, Set<String>> mailboxes) {
        Map<String, Set<String>> lower = new ConcurrentHashMap<>();
        mailboxes.forEach((m, sendAs) -> lower.put(m.toLowerCase(Locale.ROOT), Set.copyOf(sendAs)));
        try {
            StandInGraph graph = new StandInGraph(dir, scope, roles, lower);
            log.info("Stand-in Graph listening on https://localhost:{}/v1.0", graph.port);
            return graph;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Graph stand-in: " + e.getMessage(), e);
        }
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return port;
    }

    public String scope() {
        return scope;
    }

    /** The PEM certificate clients must trust. */
    public Path certificateFile() {
        return certificatePath;
    }

    /** Answers the next request of {@code operation} with this status and error code (and Retry-After seconds, or null). */
    public void failNext(Operation operation, int status, String errorCode, String retryAfter) {
        faults.add(new Canned(operation, status, errorCode, retryAfter));
    }

    /**
     * An application access policy ({@code New-ApplicationAccessPolicy -AccessRight RestrictAccess}):
     * from now on the app may only reach these mailboxes' mail; null lifts it.
     */
    public void restrictAccess(Set<String> mailboxesInScope) {
        policyScope = mailboxesInScope == null ? null
                : mailboxesInScope.stream().map(m -> m.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    }

    public List<GraphMessage> messages() {
        return List.copyOf(messages);
    }

    /** "METHOD /path" of every request (no query: an upload URL's query is a credential). */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Drafts created and not yet sent or deleted. */
    public int openDrafts() {
        return drafts.size();
    }

    /** The credentials in the upload URLs handed out, for tests that prove none reaches a log. */
    public Set<String> uploadSecrets() {
        return Set.copyOf(uploadSecrets);
    }

    /** Upload PUTs that carried an Authorization header (they are refused; must stay 0). */
    public int uploadsWithAuthorization() {
        return uploadsWithAuthorization.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- requests ----

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            requests.add(method + " " + path);
            byte[] body = exchange.getRequestBody().readNBytes(MAX_REQUEST + 1);
            if (body.length > MAX_REQUEST) {
                error(exchange, 413, "RequestEntityTooLarge", "The request is larger than the service accepts.", null);
                return;
            }
            List<String> p = segments(path);
            if (p.size() >= 2 && p.get(0).equals("upload") && method.equals("PUT")) {
                upload(exchange, p.get(1), body);
            } else if (p.size() == 3 && p.get(0).equals("v1.0") && p.get(1).equals("users") && method.equals("GET")) {
                user(exchange, p.get(2));
            } else if (p.size() >= 4 && p.get(0).equals("v1.0") && p.get(1).equals("users")) {
                api(exchange, method, p.get(2), p.subList(3, p.size()), body);
            } else {
                error(exchange, 404, "ResourceNotFound", "Resource not found.", null);
            }
        } catch (RuntimeException e) {
            log.warn("Stand-in Graph failed: {}", e.toString());
            throw e;
        }
    }

    private void api(HttpExchange exchange, String method, String mailbox, List<String> rest, byte[] body)
            throws IOException {
        Operation op = operation(method, rest);
        Set<String> granted = granted(exchange, mailbox);
        if (granted == null) {
            error(exchange, 401, "InvalidAuthenticationToken", "Access token validation failure.", null);
            return;
        }
        String needed = op == Operation.SEND_MAIL || op == Operation.SEND_DRAFT ? StandInTokenEndpoint.MAIL_SEND_ROLE
                : StandInTokenEndpoint.MAIL_READ_WRITE_ROLE;
        if (!granted.contains(needed)) {
            error(exchange, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.", null);
            return;
        }
        Set<String> scoped = policyScope;
        if (scoped != null && !scoped.contains(mailbox.toLowerCase(Locale.ROOT))) {
            error(exchange, 403, "ErrorAccessDenied", "Access to OData is disabled: [RAOP] : Blocked by tenant"
                    + " configured AppOnly AccessPolicy settings.", null);
            return;
        }
        Set<String> sendAs = mailboxes.get(mailbox.toLowerCase(Locale.ROOT));
        if (sendAs == null) {
            error(exchange, 404, "ErrorInvalidUser", "The requested user '" + mailbox + "' is invalid.", null);
            return;
        }
        if (op != null && canned(exchange, op)) {
            return;
        }
        String id = rest.size() >= 2 ? rest.get(1) : null;
        if (op == Operation.SEND_MAIL) {
            byte[] mime = mime(exchange, body);
            if (mime != null && allowedSender(exchange, mailbox, sendAs, mime)) {
                record(mailbox, mime, List.of(), false);
                send(exchange, 202, "");
            }
        } else if (op == Operation.CREATE_DRAFT) {
            byte[] mime = mime(exchange, body);
            if (mime != null) {
                String draftId = "AAMkAD" + HexFormat.of().formatHex(bytes(12)) + "=";
                drafts.put(draftId, new Draft(mailbox, mime, new CopyOnWriteArrayList<>()));
                send(exchange, 201, Json.write(Map.of("id", draftId)));
            }
        } else if (id == null || !drafts.containsKey(id) || !drafts.get(id).mailbox().equalsIgnoreCase(mailbox)) {
            error(exchange, 404, "ErrorItemNotFound", "The specified object was not found in the store.", null);
        } else if (op == Operation.ADD_ATTACHMENT) {
            Map<String, Object> a = Json.parseObject(body);
            byte[] content = Base64.getDecoder().decode((String) a.get("contentBytes"));
            drafts.get(id).attachments().add(new Attachment((String) a.get("name"), (String) a.get("contentType"),
                    Boolean.TRUE.equals(a.get("isInline")), (String) a.get("contentId"), content, false));
            send(exchange, 201, Json.write(Map.of("id", "att-" + drafts.get(id).attachments().size())));
        } else if (op == Operation.CREATE_UPLOAD_SESSION) {
            createUploadSession(exchange, id, body);
        } else if (op == Operation.SEND_DRAFT) {
            Draft d = drafts.get(id);
            if (allowedSender(exchange, mailbox, sendAs, d.mime())) {
                drafts.remove(id);
                record(mailbox, d.mime(), List.copyOf(d.attachments()), true);
                send(exchange, 202, "");
            }
        } else if (method.equals("DELETE") && rest.size() == 2) {
            drafts.remove(id);
            send(exchange, 204, "");
        } else {
            error(exchange, 400, "BadRequest", "Unsupported request.", null);
        }
    }

    /** The permissions of the request's bearer token for this scope and mailbox; null if it has no valid one. */
    private Set<String> granted(HttpExchange exchange, String mailbox) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        return auth != null && auth.startsWith("Bearer ") ? roles.permissions(auth.substring(7), scope, mailbox) : null;
    }

    /**
     * What a bearer token may do: an app token its application roles anywhere; a user's token its
     * delegated permissions on the user's own mailbox only.
     */
    @FunctionalInterface
    public interface Authorizer {
        /** The permissions, or null if the token is not valid for {@code scope}. */
        Set<String> permissions(String token, String scope, String mailbox);
    }

    /** GET /users/{id}: a directory read, answered with the directory's error codes. */
    private void user(HttpExchange exchange, String mailbox) throws IOException {
        Set<String> granted = granted(exchange, mailbox);
        if (granted == null) {
            error(exchange, 401, "InvalidAuthenticationToken", "Access token validation failure.", null);
        } else if (!granted.contains(USER_READ_ALL_ROLE)) {
            error(exchange, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", null);
        } else if (!mailboxes.containsKey(mailbox.toLowerCase(Locale.ROOT))) {
            error(exchange, 404, "Request_ResourceNotFound", "Resource '" + mailbox + "' does not exist or one of its"
                    + " queried reference-property objects are not present.", null);
        } else {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("userPrincipalName", mailbox.toLowerCase(Locale.ROOT));
            user.put("mail", mailbox.toLowerCase(Locale.ROOT));
            send(exchange, 200, Json.write(user));
        }
    }

    private static Operation operation(String method, List<String> rest) {
        String joined = String.join("/", rest);
        if (method.equals("POST")) {
            if (joined.equals("sendMail")) {
                return Operation.SEND_MAIL;
            }
            if (joined.equals("messages")) {
                return Operation.CREATE_DRAFT;
            }
            if (rest.size() == 3 && rest.get(2).equals("send")) {
                return Operation.SEND_DRAFT;
            }
            if (rest.size() == 3 && rest.get(2).equals("attachments")) {
                return Operation.ADD_ATTACHMENT;
            }
            if (rest.size() == 4 && rest.get(3).equals("createUploadSession")) {
                return Operation.CREATE_UPLOAD_SESSION;
            }
        }
        return null;
    }

    private void createUploadSession(HttpExchange exchange, String draftId, byte[] body) throws IOException {
        Object item = Json.parseObject(body).get("AttachmentItem");
        if (!(item instanceof Map<?, ?> raw) || !(raw.get("size") instanceof Number size)) {
            error(exchange, 400, "ErrorInvalidRequest", "AttachmentItem with a size is required.", null);
            return;
        }
        if (size.longValue() < MIN_UPLOAD_SESSION) {
            error(exchange, 400, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
                    "Attachment size should not be less than the minimum size.", null);
            return;
        }
        Map<String, Object> attachmentItem = new LinkedHashMap<>();
        raw.forEach((k, v) -> attachmentItem.put(String.valueOf(k), v));
        String sessionId = HexFormat.of().formatHex(bytes(8));
        String secret = HexFormat.of().formatHex(bytes(16));
        uploadSecrets.add(secret);
        sessions.put(sessionId, new UploadSession(draftId, secret, attachmentItem, new byte[size.intValue()], new int[1]));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("uploadUrl", "https://localhost:" + port + "/upload/" + sessionId + "?authtoken=" + secret);
        answer.put("expirationDateTime", Instant.now().plus(Duration.ofHours(1)).toString());
        answer.put("nextExpectedRanges", List.of("0-"));
        send(exchange, 201, Json.write(answer));
    }

    private void upload(HttpExchange exchange, String sessionId, byte[] body) throws IOException {
        if (exchange.getRequestHeaders().containsKey("Authorization")) {
            uploadsWithAuthorization.incrementAndGet();
            error(exchange, 400, "ErrorInvalidRequest", "Do not send an Authorization header to an upload URL.", null);
            return;
        }
        UploadSession s = sessions.get(sessionId);
        String query = exchange.getRequestURI().getRawQuery();
        if (s == null || query == null || !query.equals("authtoken=" + s.secret())) {
            error(exchange, 401, "InvalidAuthenticationToken", "The upload URL is not valid.", null);
            return;
        }
        if (canned(exchange, Operation.UPLOAD)) {
            return;
        }
        String range = exchange.getRequestHeaders().getFirst("Content-Range");
        long[] r = contentRange(range);
        if (r == null || r[0] != s.received()[0] || r[2] != s.content().length || r[1] - r[0] + 1 != body.length) {
            error(exchange, 416, "ErrorInvalidRange", "Bytes must be uploaded in order; expected from "
                    + s.received()[0] + ", got " + range, null);
            return;
        }
        System.arraycopy(body, 0, s.content(), (int) r[0], body.length);
        s.received()[0] += body.length;
        if (s.received()[0] < s.content().length) {
            send(exchange, 200, Json.write(Map.of("nextExpectedRanges", List.of(String.valueOf(s.received()[0])))));
            return;
        }
        sessions.remove(sessionId);
        Draft d = drafts.get(s.draftId());
        Map<String, Object> item = s.item();
        d.attachments().add(new Attachment((String) item.get("name"), (String) item.get("contentType"),
                Boolean.TRUE.equals(item.get("isInline")), (String) item.get("contentId"), s.content(), true));
        exchange.getResponseHeaders().set("Location", "https://localhost:" + port + "/v1.0/users/" + d.mailbox()
                + "/messages/" + s.draftId() + "/attachments/att-" + d.attachments().size());
        send(exchange, 201, "");
    }

    // ---- helpers ----

    private boolean canned(HttpExchange exchange, Operation op) throws IOException {
        for (Canned c : faults) {
            if (c.operation() == op && faults.remove(c)) {
                error(exchange, c.status(), c.code(), "Stand-in fault " + c.status() + " " + c.code() + ".", c.retryAfter());
                return true;
            }
        }
        return false;
    }

    /** The MIME content of a text/plain base64 body, or null after answering 400. */
    private byte[] mime(HttpExchange exchange, byte[] body) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
            error(exchange, 415, "ErrorInvalidRequest", "MIME content must be sent as text/plain.", null);
            return null;
        }
        try {
            byte[] mime = Base64.getDecoder().decode(body);
            if (mime.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return mime;
        } catch (IllegalArgumentException e) {
            error(exchange, 400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.", null);
            return null;
        }
    }

    /** From must be the mailbox or an address it may send as; else 403 ErrorSendAsDenied (answered). */
    private boolean allowedSender(HttpExchange exchange, String mailbox, Set<String> sendAs, byte[] mime)
            throws IOException {
        for (String from : fromAddresses(mime)) {
            String f = from.toLowerCase(Locale.ROOT);
            if (!f.equals(mailbox.toLowerCase(Locale.ROOT)) && sendAs.stream().noneMatch(a -> a.equalsIgnoreCase(f))) {
                error(exchange, 403, "ErrorSendAsDenied", "The user account which was used to submit this request"
                        + " does not have the right to send mail on behalf of the specified sending account.", null);
                return false;
            }
        }
        return true;
    }

    private static List<String> fromAddresses(byte[] mime) {
        return dev.oauthrelay.session.HeaderRepair.addresses(headerSection(mime), "from");
    }

    static byte[] headerSection(byte[] mime) {
        String s = new String(mime, StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\r\n\r\n");
        return (end < 0 ? s : s.substring(0, end + 2)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private void record(String mailbox, byte[] mime, List<Attachment> attachments, boolean viaDraft) {
        GraphMessage m = new GraphMessage(numbers.incrementAndGet(), mailbox, mime, attachments, viaDraft);
        messages.add(m);
        log.info("Stand-in Graph sent message {} as {} ({} bytes, {} attachments{})", m.number(), mailbox,
                mime.length, attachments.size(), viaDraft ? ", from a draft" : "");
    }

    /** "bytes a-b/total" -> {a, b, total}, or null. */
    private static long[] contentRange(String header) {
        if (header == null || !header.startsWith("bytes ")) {
            return null;
        }
        try {
            String[] rangeAndTotal = header.substring(6).split("/");
            String[] fromTo = rangeAndTotal[0].split("-");
            return new long[] {Long.parseLong(fromTo[0]), Long.parseLong(fromTo[1]), Long.parseLong(rangeAndTotal[1])};
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s); // getPath() has decoded it already
            }
        }
        return out;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static void error(HttpExchange exchange, int status, String code, String message, String retryAfter)
            throws IOException {
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        send(exchange, status, Json.write(Map.of("error", error)));
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
