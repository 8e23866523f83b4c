package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local stand-in for the nine platforms' send APIs (the real servers cannot be reached from tests or the
 * demo), on one port, each under its own path as the platform documents it. Like the platform, it checks the
 * path, the credentials and the body's required fields, and answers in the platform's own shapes: success,
 * rate limits (Telegram {@code parameters.retry_after}, Slack {@code Retry-After}, Discord {@code retry_after}
 * and {@code X-RateLimit-*}, WhatsApp 131056/130429, LINE 429, Feishu 99991400 with {@code x-ogw-ratelimit-reset},
 * DingTalk {@code QpsLimit}, WeCom/WeChat 45009), expired tokens, permanent errors and 5xx, when a test scripts
 * them. It honours the platforms' own deduplication (Discord {@code nonce} with {@code enforce_nonce}, LINE
 * {@code X-Line-Retry-Key}, Feishu {@code uuid}) and counts every post per body, so tests can tell a message
 * sent twice.
 */
public final class PlatformApiFake implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The credentials it accepts; {@link #botsFile} writes them for a bot. */
    public static final String TELEGRAM_TOKEN = "123456:fake-telegram-token";
    public static final String SLACK_TOKEN = "xoxb-fake-slack";
    public static final String DISCORD_TOKEN = "fake.discord.token";
    public static final String WHATSAPP_TOKEN = "EAAfakeWhatsApp";
    public static final String LINE_TOKEN = "fake-line-channel-token";
    public static final String APP_ID = "cli_fake_app";
    public static final String APP_SECRET = "fake-app-secret";

    /** A scripted answer, rendered in the platform's own shape. */
    public enum Trouble { RATE_LIMITED, SERVER_ERROR, PERMANENT, TOKEN_EXPIRED }

    /**
     * One post the fake received: its HTTP answer's status and whether it made a message ({@code made} is false for
     * an error, also one answered with HTTP 200 as Slack, WeCom and WeChat do, and for a duplicate the platform
     * recognised).
     */
    public record Post(String platform, String path, String body, long atNanos, int status, boolean made) {}

    private final HttpServer server;
    private final ExecutorService pool;
    private final Map<String, Deque<Trouble>> script = new ConcurrentHashMap<>();
    private final Map<String, Integer> retryAfterSeconds = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> postsPerBody = new ConcurrentHashMap<>();
    private final List<Post> posts = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> seenDedupKeys = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1000);
    private final AtomicLong tokenIssues = new AtomicLong();
    private volatile long latencyMillis;
    private volatile boolean down;
    /** Real limit per platform: at most this many accepted per second, else the platform's rate-limit answer. */
    private final Map<String, long[]> perSecondLimit = new ConcurrentHashMap<>();

    public PlatformApiFake(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        pool = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "platform-api-fake");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String base() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code --api-base} values pointing every platform here. */
    public Map<String, String> apiBases() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : List.of("telegram", "slack", "discord", "whatsapp", "line", "feishu", "dingtalk", "wecom", "wechat")) {
            m.put(p, base());
        }
        return m;
    }

    /** Bots-file lines with the credentials this fake accepts, for {@code bot}. */
    public static String botsFile(String bot) {
        return String.join("\n",
                bot + ".telegram.bot-token=" + TELEGRAM_TOKEN,
                bot + ".slack.bot-token=" + SLACK_TOKEN,
                bot + ".discord.bot-token=" + DISCORD_TOKEN,
                bot + ".whatsapp.access-token=" + WHATSAPP_TOKEN,
                bot + ".whatsapp.phone-number-id=106540352242922",
                bot + ".line.channel-access-token=" + LINE_TOKEN,
                bot + ".feishu.app-id=" + APP_ID, bot + ".feishu.app-secret=" + APP_SECRET,
                bot + ".dingtalk.app-key=" + APP_ID, bot + ".dingtalk.app-secret=" + APP_SECRET,
                bot + ".wecom.corp-id=" + APP_ID, bot + ".wecom.corp-secret=" + APP_SECRET,
                bot + ".wechat.app-id=" + APP_ID, bot + ".wechat.app-secret=" + APP_SECRET) + "\n";
    }

    /** The next answers to sends on {@code platform}, in order, before it answers normally again. */
    public void script(String platform, Trouble... next) {
        Deque<Trouble> q = script.computeIfAbsent(platform, k -> new ArrayDeque<>());
        synchronized (q) {
            Collections.addAll(q, next);
        }
    }

    /** The wait a scripted rate limit names (seconds; default 1). */
    public void retryAfter(String platform, int seconds) {
        retryAfterSeconds.put(platform, seconds);
    }

    /** A real limit: more than {@code perSecond} sends in one second to {@code platform} are refused as it would. */
    public void limit(String platform, long perSecond) {
        perSecondLimit.put(platform, new long[] {perSecond, 0, 0});
    }

    public void latency(long millis) {
        latencyMillis = millis;
    }

    /** Every send answered 503 while down. */
    public void down(boolean isDown) {
        down = isDown;
    }

    /** Every access token issued so far stops working (the platforms' "expired"). */
    public void expireTokens() {
        validTokens.clear();
    }

    public long tokensIssued() {
        return tokenIssues.get();
    }

    public List<Post> posts() {
        synchronized (posts) {
            return new ArrayList<>(posts);
        }
    }

    public List<Post> posts(String platform) {
        return posts().stream().filter(p -> p.platform().equals(platform)).toList();
    }

    /** Sends that made a message (2xx, not a duplicate the platform recognised). */
    public List<Post> accepted() {
        return posts().stream().filter(Post::made).toList();
    }

    /** How many times each distinct body was posted. */
    public Map<String, Long> postsPerBody() {
        Map<String, Long> m = new HashMap<>();
        postsPerBody.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public void reset() {
        script.clear();
        posts.clear();
        postsPerBody.clear();
        perSecondLimit.clear();
        retryAfterSeconds.clear();
        seenDedupKeys.clear();
        latencyMillis = 0;
        down = false;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    // ---- the platforms --------------------------------------------------------------------------------------

    private record Answer(int status, String body, Map<String, String> headers) {
        Answer(int status, String body) {
            this(status, body, Map.of());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getRawQuery();
            byte[] raw = ex.getRequestBody().readAllBytes();
            String body = new String(raw, StandardCharsets.UTF_8);
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            String platform = platformOf(path);
            Answer a;
            if (platform == null) {
                a = new Answer(404, "{\"error\":\"no such API\"}");
            } else if (isTokenRequest(platform, path)) {
                a = token(platform, body, query(query));
                reply(ex, a);
                return;
            } else if (down) {
                a = new Answer(503, "<html><body>503 Service Unavailable</body></html>", Map.of("Content-Type", "text/html"));
            } else {
                a = send(platform, path, query(query), ex, body);
            }
            int status = a.status();
            if (platform != null) {
                boolean made = status == 200 && !a.headers().containsKey("X-Fake-Duplicate")
                        && !a.body().contains("\"ok\":false")
                        && !(a.body().contains("\"errcode\":") && !a.body().contains("\"errcode\":0,"));
                posts.add(new Post(platform, path, body, System.nanoTime(), status, made));
                postsPerBody.computeIfAbsent(platform + " " + canonical(body), k -> new AtomicLong()).incrementAndGet();
            }
            reply(ex, a);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            reply(ex, new Answer(500, "{\"error\":\"fake: " + e.getMessage() + "\"}"));
        }
    }

    /** The body without the fields the delivery job adds for deduplication, so a body's posts are counted together. */
    private static String canonical(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n instanceof ObjectNode o) {
                o.remove(List.of("nonce", "enforce_nonce", "uuid"));
                return o.toString();
            }
        } catch (IOException ignored) {
            // counted as is
        }
        return body;
    }

    private static void reply(HttpExchange ex, Answer a) throws IOException {
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", a.headers().getOrDefault("Content-Type", "application/json; charset=utf-8"));
        a.headers().forEach((k, v) -> {
            if (!k.equals("Content-Type") && !k.equals("X-Fake-Duplicate")) {
                ex.getResponseHeaders().set(k, v);
            }
        });
        ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String platformOf(String path) {
        if (path.startsWith("/bot")) {
            return "telegram";
        }
        if (path.startsWith("/api/v10/")) {
            return "discord";
        }
        if (path.startsWith("/api/")) {
            return "slack";
        }
        if (path.matches("/v\\d+\\.\\d+/[^/]+/messages")) {
            return "whatsapp";
        }
        if (path.startsWith("/v2/bot/")) {
            return "line";
        }
        if (path.startsWith("/open-apis/")) {
            return "feishu";
        }
        if (path.startsWith("/v1.0/")) {
            return "dingtalk";
        }
        if (path.equals("/cgi-bin/gettoken") || path.equals("/cgi-bin/message/send")) {
            return "wecom";
        }
        if (path.startsWith("/cgi-bin/")) {
            return "wechat";
        }
        return null;
    }

    private static boolean isTokenRequest(String platform, String path) {
        return switch (platform) {
            case "feishu" -> path.equals("/open-apis/auth/v3/tenant_access_token/internal");
            case "dingtalk" -> path.equals("/v1.0/oauth2/accessToken");
            case "wecom" -> path.equals("/cgi-bin/gettoken");
            case "wechat" -> path.equals("/cgi-bin/token");
            default -> false;
        };
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    private Answer token(String platform, String body, Map<String, String> q) throws IOException {
        String token = "t-" + platform + "-" + tokenIssues.incrementAndGet();
        switch (platform) {
            case "feishu" -> {
                JsonNode n = JSON.readTree(body);
                if (!APP_ID.equals(n.path("app_id").asText()) || !APP_SECRET.equals(n.path("app_secret").asText())) {
                    return new Answer(200, "{\"code\":10014,\"msg\":\"app secret invalid\"}");
                }
                validTokens.add(token);
                return new Answer(200, "{\"code\":0,\"msg\":\"ok\",\"tenant_access_token\":\"" + token + "\",\"expire\":7200}");
            }
            case "dingtalk" -> {
                JsonNode n = JSON.readTree(body);
                if (!APP_ID.equals(n.path("appKey").asText()) || !APP_SECRET.equals(n.path("appSecret").asText())) {
                    return new Answer(400, "{\"code\":\"invalidClientIdOrSecret\",\"message\":\"无效的clientId或者clientSecret\",\"requestid\":\"fake\"}");
                }
                validTokens.add(token);
                return new Answer(200, "{\"expireIn\":7200,\"accessToken\":\"" + token + "\"}");
            }
            default -> {
                String id = platform.equals("wecom") ? q.get("corpid") : q.get("appid");
                String secret = platform.equals("wecom") ? q.get("corpsecret") : q.get("secret");
                if (!APP_ID.equals(id) || !APP_SECRET.equals(secret)) {
                    return new Answer(200, platform.equals("wecom") ? "{\"errcode\":40001,\"errmsg\":\"invalid secret\"}"
                            : "{\"errcode\":40013,\"errmsg\":\"invalid appid\"}");
                }
                validTokens.add(token);
                return new Answer(200, platform.equals("wecom")
                        ? "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"" + token + "\",\"expires_in\":7200}"
                        : "{\"access_token\":\"" + token + "\",\"expires_in\":7200}");
            }
        }
    }

    private Trouble nextTrouble(String platform) {
        Deque<Trouble> q = script.get(platform);
        if (q != null) {
            synchronized (q) {
                Trouble t = q.poll();
                if (t != null) {
                    return t;
                }
            }
        }
        long[] limit = perSecondLimit.get(platform);
        if (limit != null) {
            synchronized (limit) {
                long second = System.nanoTime() / 1_000_000_000L;
                if (limit[1] != second) {
                    limit[1] = second;
                    limit[2] = 0;
                }
                if (++limit[2] > limit[0]) {
                    return Trouble.RATE_LIMITED;
                }
            }
        }
        return null;
    }

    private Answer send(String platform, String path, Map<String, String> q, HttpExchange ex, String body) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            n = null;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        int wait = retryAfterSeconds.getOrDefault(platform, 1);
        String id = Long.toString(ids.incrementAndGet());
        return switch (platform) {
            case "telegram" -> {
                if (!path.equals("/bot" + TELEGRAM_TOKEN + "/sendMessage")) {
                    yield path.startsWith("/bot" + TELEGRAM_TOKEN + "/")
                            ? new Answer(404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}")
                            : new Answer(401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
                }
                if (n == null || !n.hasNonNull("chat_id") || n.path("text").asText("").isEmpty()) {
                    yield new Answer(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message text is empty\"}");
                }
                Trouble t = nextTrouble(platform);
                if (t == Trouble.RATE_LIMITED) {
                    yield new Answer(429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after "
                            + wait + "\",\"parameters\":{\"retry_after\":" + wait + "}}");
                }
                if (t == Trouble.SERVER_ERROR) {
                    yield new Answer(502, "{\"ok\":false,\"error_code\":502,\"description\":\"Bad Gateway\"}");
                }
                if (t == Trouble.PERMANENT) {
                    yield new Answer(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}");
                }
                yield new Answer(200, "{\"ok\":true,\"result\":{\"message_id\":" + id + ",\"chat\":{\"id\":"
                        + n.get("chat_id") + "},\"date\":" + System.currentTimeMillis() / 1000 + ",\"text\":"
                        + JSON.writeValueAsString(n.path("text").asText()) + "}}");
            }
            case "slack" -> {
                if (!path.equals("/api/chat.postMessage")) {
                    yield new Answer(200, "{\"ok\":false,\"error\":\"unknown_method\"}");
                }
                if (!("Bearer " + SLACK_TOKEN).equals(auth)) {
                    yield new Answer(200, auth == null ? "{\"ok\":false,\"error\":\"not_authed\"}" : "{\"ok\":false,\"error\":\"invalid_auth\"}");
                }
                if (n == null || !n.hasNonNull("channel")) {
                    yield new Answer(200, "{\"ok\":false,\"error\":\"channel_not_found\"}");
                }
                if (!n.hasNonNull("text") && !n.hasNonNull("blocks")) {
                    yield new Answer(200, "{\"ok\":false,\"error\":\"no_text\"}");
                }
                Trouble t = nextTrouble(platform);
                if (t == Trouble.RATE_LIMITED) {
                    yield new Answer(429, "{\"ok\":false,\"error\":\"ratelimited\"}", Map.of("Retry-After", Integer.toString(wait)));
                }
                if (t == Trouble.SERVER_ERROR) {
                    yield new Answer(503, "{\"ok\":false,\"error\":\"service_unavailable\"}");
                }
                if (t == Trouble.PERMANENT) {
                    yield new Answer(200, "{\"ok\":false,\"error\":\"not_in_channel\"}");
                }
                yield new Answer(200, "{\"ok\":true,\"channel\":\"" + n.get("channel").asText() + "\",\"ts\":\""
                        + System.currentTimeMillis() / 1000 + "." + id + "\",\"message\":{\"type\":\"message\",\"text\":"
                        + JSON.writeValueAsString(n.path("text").asText()) + "}}");
            }
            case "discord" -> {
                if (!("Bot " + DISCORD_TOKEN).equals(auth)) {
                    yield new Answer(401, "{\"message\": \"401: Unauthorized\", \"code\": 0}");
                }
                if (!path.matches("/api/v10/channels/\\d+/messages")) {
                    yield new Answer(404, "{\"message\": \"Unknown Channel\", \"code\": 10003}");
                }
                if (n == null || n.path("content").asText("").isEmpty() && !n.has("embeds")) {
                    yield new Answer(400, "{\"message\": \"Cannot send an empty message\", \"code\": 50006}");
                }
                Trouble t = nextTrouble(platform);
                if (t == Trouble.RATE_LIMITED) {
                    yield new Answer(429, "{\"message\": \"You are being rate limited.\", \"retry_after\": " + wait
                            + ".0, \"global\": false}", Map.of("Retry-After", Integer.toString(wait), "X-RateLimit-Limit", "5",
                            "X-RateLimit-Remaining", "0", "X-RateLimit-Reset-After", wait + ".000",
                            "X-RateLimit-Bucket", "fakebucket", "X-RateLimit-Scope", "user"));
                }
                if (t == Trouble.SERVER_ERROR) {
                    yield new Answer(502, "<html><head><title>502 Bad Gateway</title></head></html>", Map.of("Content-Type", "text/html"));
                }
                if (t == Trouble.PERMANENT) {
                    yield new Answer(403, "{\"message\": \"Missing Access\", \"code\": 50001}");
                }
                String channel = path.split("/")[4];
                if (n.path("enforce_nonce").asBoolean(false) && n.hasNonNull("nonce")) {
                    String earlier = seenDedupKeys.putIfAbsent("discord:" + n.get("nonce").asText(), id);
                    if (earlier != null) {
                        // Discord answers the message created with that nonce instead of creating another.
                        yield new Answer(200, message(earlier, channel, n), Map.of("X-Fake-Duplicate", "1"));
                    }
                }
                yield new Answer(200, message(id, channel, n), Map.of("X-RateLimit-Limit", "5",
                        "X-RateLimit-Remaining", "4", "X-RateLimit-Reset-After", "1.000", "X-RateLimit-Bucket", "fakebucket"));
            }
            case "whatsapp" -> {
                if (!("Bearer " + WHATSAPP_TOKEN).equals(auth)) {
                    yield new Answer(401, graphError(190, "Error validating access token: Session has expired", "OAuthException"));
                }
                if (n == null || !"whatsapp".equals(n.path("messaging_product").asText()) || !n.hasNonNull("to")) {
                    yield new Answer(400, graphError(100, "Invalid parameter", "OAuthException"));
                }
                Trouble t = nextTrouble(platform);
                if (t == Trouble.RATE_LIMITED) {
                    yield new Answer(400, graphError(131056, "(Business Account, Consumer Account) pair rate limit hit", "OAuthException"));
                }
                if (t == Trouble.SERVER_ERROR) {
                    yield new Answer(500, graphError(131000, "Something went wrong", "OAuthException"));
                }
                if (t == Trouble.PERMANENT) {
                    yield new Answer(400, graphError(131047, "Re-engagement message", "OAuthException"));
                }
                String to = n.get("to").asText();
                yield new Answer(200, "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"" + to
                        + "\",\"wa_id\":\"" + to + "\"}],\"messages\":[{\"id\":\"wamid.HBgL" + id + "\"}]}");
            }
            case "line" -> {
                if (!("Bearer " + LINE_TOKEN).equals(auth)) {
                    yield new Answer(401, "{\"message\":\"Authentication failed due to the following reason: invalid token. Confirm that the access token in the authorization header is valid.\"}");
                }
                boolean reply = path.equals("/v2/bot/message/reply");
                if (!reply && !path.equals("/v2/bot/message/push")) {
                    yield new Answer(404, "{\"message\":\"Not found\"}");
                }
                if (n == null || !n.path("messages").isArray() || n.path("messages").isEmpty()
                        || (reply ? !n.hasNonNull("replyToken") : !n.hasNonNull("to"))) {
                    yield new Answer(400, "{\"message\":\"The request body has 1 error(s)\",\"details\":[{\"message\":\"must be specified\",\"property\":\""
                            + (reply ? "replyToken" : "to") + "\"}]}");
                }
                String retryKey = ex.getRequestHeaders().getFirst("X-Line-Retry-Key");
                if (reply && retryKey != null) {
                    yield new Answer(400, "{\"message\":\"The retry key cannot be used with this API\"}");
                }
                if (retryKey != null && seenDedupKeys.containsKey("line:" + retryKey)) {
                    yield new Answer(409, "{\"message\":\"The retry key is already accepted\",\"sentMessages\":[{\"id\":\""
                            + seenDedupKeys.get("line:" + retryKey) + "\",\"quoteToken\":\"q\"}]}",
                            Map.of("x-line-accepted-request-id", "req-" + seenDedupKeys.get("line:" + retryKey)));
                }
                Trouble t = nextTrouble(platform);
                if (t == Trouble.RATE_LIMITED) {
                    yield new Answer(429, "{\"message\":\"The API rate limit has been exceeded. Try again later.\"}");
                }
                if (t == Trouble.SERVER_ERROR) {
                    yield new Answer(500, "{\"message\":\"An error occurred in the server\"}");
                }
                if (t == Trouble.PERMANENT) {
                    yield new Answer(400, "{\"message\":\"Invalid reply token\"}");
                }
                if (retryKey != null) {
                    seenDedupKeys.put("line:" + retryKey, id);
                }
                yield new Answer(200, "{\"sentMessages\":[{\"id\":\"" + id + "\",\"quoteToken\":\"IStG5h1Tz7b\"}]}",
                        Map.of("x-line-request-id", "req-" + id));
            }
            case "feishu" -> {
                String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
                if (token == null || !validTokens.contains(token)) {
                    yield new Answer(400, "{\"code\":99991663,\"msg\":\"Invalid access token for authorization. Please make a request with token attached.\"}");
                }
                boolean create = path.equals("/open-apis/im/v1/messages");
                if (!create && !path.matches("/open-apis/im/v1/messages/[^/]+/reply")) {
                    yield new Answer(404, "{\"code\":404,\"msg\":\"404 page not found\"}");
                }
                if (n == null || !n.hasNonNull("msg_type") || !n.hasNonNull("content")
                        || create && (!n.hasNonNull("receive_id") || q.get("receive_id_type") == null)) {
                    yield new Answer(400, "{\"code\":230001,\"msg\":\"Your request contains an invalid request parameter.\"}");
                }
                Trouble t = nextTrouble(platform);
                if (t == Trouble.RATE_LIMITED) {
                    yield new Answer(429, "{\"code\":99991400,\"msg\":\"request trigger frequency limit\"}",
                            Map.of("x-ogw-ratelimit-limit", "50", "x-ogw-ratelimit-reset", Integer.toString(wait)));
                }
                if (t == Trouble.SERVER_ERROR) {
                    yield new Answer(500, "{\"code\":1500,\"msg\":\"internal error\"}");
                }
                if (t == Trouble.PERMANENT) {
                    yield new Answer(400, "{\"code\":230002,\"msg\":\"The bot can not be outside the group.\"}");
                }
                if (t == Trouble.TOKEN_EXPIRED) {
                    yield new Answer(400, "{\"code\":99991663,\"msg\":\"Invalid access token for authorization.\"}");
                }
                if (n.hasNonNull("uuid")) {
                    String earlier = seenDedupKeys.putIfAbsent("feishu:" + n.get("uuid").asText(), id);
                    if (earlier != null) {
                        yield new Answer(200, "{\"code\":0,\"msg\":\"success\",\"data\":{\"message_id\":\"om_" + earlier + "\"}}",
                                Map.of("X-Fake-Duplicate", "1"));
                    }
                }
                yield new Answer(200, "{\"code\":0,\"msg\":\"success\",\"data\":{\"message_id\":\"om_" + id
                        + "\",\"msg_type\":\"text\",\"create_time\":\"" + System.currentTimeMillis() + "\"}}");
            }
            case "dingtalk" -> {
                String token = ex.getRequestHeaders().getFirst("x-acs-dingtalk-access-token");
                if (token == null || !validTokens.contains(token)) {
                    yield new Answer(401, "{\"code\":\"InvalidAuthentication\",\"message\":\"不合法的access_token\",\"requestid\":\"fake-" + id + "\"}");
                }
                boolean group = path.equals("/v1.0/robot/groupMessages/send");
                if (!group && !path.equals("/v1.0/robot/oToMessages/batchSend")) {
                    yield new Answer(404, "{\"code\":\"NotFound\",\"message\":\"not found\",\"requestid\":\"fake\"}");
                }
                if (n == null || !n.hasNonNull("robotCode") || !n.hasNonNull("msgKey") || !n.hasNonNull("msgParam")
                        || (group ? !n.hasNonNull("openConversationId") : !n.path("userIds").isArray())) {
                    yield new Answer(400, "{\"code\":\"MissingParameter\",\"message\":\"缺少参数\",\"requestid\":\"fake\"}");
                }
                Trouble t = nextTrouble(platform);
                if (t == Trouble.RATE_LIMITED) {
                    yield new Answer(403, "{\"code\":\"Forbidden.AccessDenied.QpsLimitForApi\",\"message\":\"调用该接口超过限流\",\"requestid\":\"fake\"}");
                }
                if (t == Trouble.SERVER_ERROR) {
                    yield new Answer(500, "{\"code\":\"ServiceUnavailable\",\"message\":\"系统繁忙\",\"requestid\":\"fake\"}");
                }
                if (t == Trouble.PERMANENT) {
                    yield new Answer(400, "{\"code\":\"resource.not.found\",\"message\":\"机器人不存在\",\"requestid\":\"fake\"}");
                }
                if (t == Trouble.TOKEN_EXPIRED) {
                    yield new Answer(401, "{\"code\":\"InvalidAuthentication\",\"message\":\"不合法的access_token\",\"requestid\":\"fake\"}");
                }
                yield new Answer(200, "{\"processQueryKey\":\"pqk" + id + "\"}");
            }
            default -> { // wecom, wechat
                boolean wecom = platform.equals("wecom");
                String expected = wecom ? "/cgi-bin/message/send" : "/cgi-bin/message/custom/send";
                if (!path.equals(expected)) {
                    yield new Answer(404, "{\"errcode\":48001,\"errmsg\":\"api unauthorized\"}");
                }
                String token = q.get("access_token");
                if (token == null || !validTokens.contains(token)) {
                    yield new Answer(200, token == null ? "{\"errcode\":41001,\"errmsg\":\"access_token missing\"}"
                            : "{\"errcode\":42001,\"errmsg\":\"access_token expired\"}");
                }
                if (n == null || !n.hasNonNull("touser") || !n.hasNonNull("msgtype") || wecom && !n.hasNonNull("agentid")) {
                    yield new Answer(200, "{\"errcode\":44004,\"errmsg\":\"empty content\"}");
                }
                Trouble t = nextTrouble(platform);
                if (t == Trouble.RATE_LIMITED) {
                    yield new Answer(200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}");
                }
                if (t == Trouble.SERVER_ERROR) {
                    yield new Answer(200, "{\"errcode\":-1,\"errmsg\":\"system error\"}");
                }
                if (t == Trouble.PERMANENT) {
                    yield new Answer(200, wecom ? "{\"errcode\":81013,\"errmsg\":\"user & party & tag all invalid\"}"
                            : "{\"errcode\":45015,\"errmsg\":\"response out of time limit or subscription is canceled\"}");
                }
                if (t == Trouble.TOKEN_EXPIRED) {
                    yield new Answer(200, "{\"errcode\":42001,\"errmsg\":\"access_token expired\"}");
                }
                yield new Answer(200, wecom ? "{\"errcode\":0,\"errmsg\":\"ok\",\"invaliduser\":\"\",\"msgid\":\"msg" + id + "\"}"
                        : "{\"errcode\":0,\"errmsg\":\"ok\"}");
            }
        };
    }

    private static String message(String id, String channel, JsonNode n) throws IOException {
        return "{\"id\":\"" + id + "\",\"channel_id\":\"" + channel + "\",\"type\":0,\"content\":"
                + JSON.writeValueAsString(n.path("content").asText()) + ",\"nonce\":"
                + (n.hasNonNull("nonce") ? JSON.writeValueAsString(n.get("nonce").asText()) : "null") + "}";
    }

    private static String graphError(int code, String message, String type) {
        return "{\"error\":{\"message\":\"(#" + code + ") " + message + "\",\"type\":\"" + type + "\",\"code\":" + code
                + ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"" + message + "\"},\"fbtrace_id\":\"AbCdEf123\"}}";
    }
}
