package dev.switchboard.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The nine platforms' send APIs. Paths are the platforms' own; the base (scheme, host, port) can be replaced.
 * Sources of each behaviour are named in the README's delivery section.
 */
public final class PlatformApis {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, PlatformApi> ALL = new TreeMap<>();

    static {
        for (PlatformApi api : new PlatformApi[] {new Telegram(), new Slack(), new Discord(), new WhatsApp(),
                new Line(), new Feishu(), new DingTalk(), new WeCom(), new WeChat()}) {
            ALL.put(api.platform(), api);
        }
    }

    private PlatformApis() {}

    public static boolean supports(String platform) {
        return ALL.containsKey(platform);
    }

    public static PlatformApi of(String platform) {
        PlatformApi api = ALL.get(platform);
        if (api == null) {
            throw new IllegalArgumentException("no delivery for platform '" + platform + "'");
        }
        return api;
    }

    public static Set<String> platforms() {
        return ALL.keySet();
    }

    // ---- shared helpers -------------------------------------------------------------------------------------

    static JsonNode tree(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Seconds (integer or decimal) as a duration, or null. */
    static Duration seconds(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            double v = Double.parseDouble(s.trim());
            return v < 0 ? null : Duration.ofMillis((long) Math.ceil(v * 1000));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Duration seconds(JsonNode n) {
        return n == null || !n.isNumber() ? null : Duration.ofMillis((long) Math.ceil(n.asDouble() * 1000));
    }

    static String snippet(byte[] body) {
        if (body == null) {
            return "";
        }
        String s = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    static HttpRequest.Builder post(String url, byte[] body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A body with one field added when absent (Discord's nonce, Feishu's uuid): the platforms' own deduplication. */
    static byte[] withField(byte[] body, String field, String value, String flag) {
        JsonNode n = tree(body);
        if (!(n instanceof ObjectNode o) || o.has(field)) {
            return body;
        }
        o.put(field, value);
        if (flag != null) {
            o.put(flag, true);
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            return body;
        }
    }

    /** 5xx → transient; other statuses are the caller's to read. */
    static boolean serverError(int status) {
        return status >= 500 || status == 408;
    }

    /** A stable UUID for an idempotency key (LINE's retry key must be a UUID). */
    static String uuid(String key) {
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static Verdict serverOr(int status, byte[] body, Verdict otherwise) {
        return serverError(status) ? new Verdict.Transient("HTTP " + status + " " + snippet(body)) : otherwise;
    }

    // ---- Telegram Bot API -------------------------------------------------------------------------------------

    /** {@code POST /bot<token>/<method>}; answers {@code {ok, result}} or {@code {ok:false, error_code, description, parameters}}. */
    static final class Telegram implements PlatformApi {
        public String platform() {
            return "telegram";
        }

        public String defaultBase() {
            return "https://api.telegram.org";
        }

        public Limits limits() {
            return new Limits(new Rate(1, Duration.ofSeconds(1)), new Rate(20, Duration.ofMinutes(1)),
                    new Rate(30, Duration.ofSeconds(1)), "core.telegram.org/bots/faq (broadcasting to users)");
        }

        @Override
        public boolean groupChat(OutboundRequest r) {
            // Group, supergroup and channel ids are negative.
            JsonNode n = tree(r.body());
            return n != null && n.path("chat_id").asText("").startsWith("-");
        }

        public HttpRequest.Builder build(String base, OutboundRequest r, Credentials c, String token) throws OutboundRequest.Malformed {
            String botToken = c.require(r.botId(), platform(), "bot-token");
            return post(base + "/bot" + botToken + "/" + r.endpoint(), r.body());
        }

        public Verdict classify(OutboundRequest r, int status, HttpHeaders headers, byte[] body) {
            JsonNode n = tree(body);
            if (n != null && n.path("ok").asBoolean(false)) {
                return new Verdict.Accepted(text(n.path("result"), "message_id"));
            }
            String description = n == null ? snippet(body) : text(n, "description");
            int code = n == null ? status : n.path("error_code").asInt(status);
            if (code == 429) {
                return new Verdict.RateLimited(seconds(n == null ? null : n.path("parameters").get("retry_after")),
                        Verdict.Scope.CHAT, description);
            }
            if (serverError(status) || serverError(code) || n == null) {
                return new Verdict.Transient("HTTP " + status + " " + description);
            }
            return new Verdict.Permanent(code + " " + description);
        }
    }

    /** Slack Web API: {@code POST /api/<method>} with a bot token; errors arrive as HTTP 200 {@code ok:false}. */
    static final class Slack implements PlatformApi {
        private static final Set<String> TRANSIENT = Set.of("internal_error", "fatal_error", "service_unavailable",
                "request_timeout", "team_added_to_org");

        public String platform() {
            return "slack";
        }

        public String defaultBase() {
            return "https://slack.com";
        }

        public Limits limits() {
            return new Limits(new Rate(1, Duration.ofSeconds(1)), null, null,
                    "api.slack.com/methods/chat.postMessage (rate limits: 1 per second per channel)");
        }

        public HttpRequest.Builder build(String base, OutboundRequest r, Credentials c, String token) throws OutboundRequest.Malformed {
            String botToken = c.require(r.botId(), platform(), "bot-token");
            return post(base + "/api/" + r.endpoint(), r.body()).header("Authorization", "Bearer " + botToken);
        }

        public Verdict classify(OutboundRequest r, int status, HttpHeaders headers, byte[] body) {
            Duration retryAfter = seconds(headers.firstValue("Retry-After").orElse(null));
            if (status == 429) {
                return new Verdict.RateLimited(retryAfter, Verdict.Scope.CHAT, "HTTP 429");
            }
            JsonNode n = tree(body);
            if (n == null) {
                return serverOr(status, body, new Verdict.Transient("HTTP " + status + " not JSON: " + snippet(body)));
            }
            if (n.path("ok").asBoolean(false)) {
                return new Verdict.Accepted(text(n, "ts"));
            }
            String error = text(n, "error");
            if ("ratelimited".equals(error)) {
                return new Verdict.RateLimited(retryAfter, Verdict.Scope.CHAT, error);
            }
            if (serverError(status) || TRANSIENT.contains(error)) {
                return new Verdict.Transient("HTTP " + status + " " + error);
            }
            return new Verdict.Permanent(error == null ? "HTTP " + status + " " + snippet(body) : error);
        }
    }

    /**
     * Discord REST v10: {@code POST /api/v10/channels/<id>/messages} with {@code Authorization: Bot <token>}. Adds
     * {@code nonce} and {@code enforce_nonce} so that Discord itself refuses a second create with the same nonce.
     */
    static final class Discord implements PlatformApi {
        public String platform() {
            return "discord";
        }

        public String defaultBase() {
            return "https://discord.com";
        }

        public Limits limits() {
            return new Limits(null, null, new Rate(50, Duration.ofSeconds(1)),
                    "discord.com/developers/docs/topics/rate-limits (global 50/s; per-route buckets from X-RateLimit-* headers)");
        }

        public HttpRequest.Builder build(String base, OutboundRequest r, Credentials c, String token) throws OutboundRequest.Malformed {
            String botToken = c.require(r.botId(), platform(), "bot-token");
            byte[] body = withField(r.body(), "nonce", nonce(r.idempotencyKey()), "enforce_nonce");
            return post(base + "/api/v10/" + r.endpoint(), body).header("Authorization", "Bot " + botToken);
        }

        /** At most 25 characters, as Discord requires. */
        static String nonce(String key) {
            return uuid(key).replace("-", "").substring(0, 25);
        }

        public Verdict classify(OutboundRequest r, int status, HttpHeaders headers, byte[] body) {
            JsonNode n = tree(body);
            if (status == 200 || status == 201) {
                return new Verdict.Accepted(text(n, "id"));
            }
            if (status == 429) {
                Duration wait = n == null ? null : seconds(n.get("retry_after"));
                if (wait == null) {
                    wait = seconds(headers.firstValue("Retry-After").orElse(null));
                }
                boolean global = n != null && n.path("global").asBoolean(false)
                        || "global".equalsIgnoreCase(headers.firstValue("X-RateLimit-Scope").orElse(""));
                return new Verdict.RateLimited(wait, global ? Verdict.Scope.BOT : Verdict.Scope.CHAT,
                        n == null ? "HTTP 429" : text(n, "message"));
            }
            String message = n == null ? snippet(body) : text(n, "code") + " " + text(n, "message");
            return serverOr(status, body, new Verdict.Permanent("HTTP " + status + " " + message));
        }

        @Override
        public Duration exhaustedFor(HttpHeaders headers) {
            if ("0".equals(headers.firstValue("X-RateLimit-Remaining").orElse(null))) {
                return seconds(headers.firstValue("X-RateLimit-Reset-After").orElse(null));
            }
            return null;
        }
    }

    /**
     * WhatsApp Cloud API: {@code POST /<version>/<phone_number_id>/messages} with a system user's access token.
     * Errors are Graph API error objects; their {@code code} says which limit was hit.
     */
    static final class WhatsApp implements PlatformApi {
        public String platform() {
            return "whatsapp";
        }

        public String defaultBase() {
            return "https://graph.facebook.com";
        }

        public Limits limits() {
            return new Limits(new Rate(1, Duration.ofSeconds(6)), null, new Rate(80, Duration.ofSeconds(1)),
                    "developers.facebook.com/docs/whatsapp/throughput (80 messages/s per number; pair rate 1 per 6 s)");
        }

        public HttpRequest.Builder build(String base, OutboundRequest r, Credentials c, String token) throws OutboundRequest.Malformed {
            String access = c.require(r.botId(), platform(), "access-token");
            String version = c.optional(r.botId(), platform(), "api-version");
            String endpoint = r.endpoint();
            if (endpoint.equals("messages")) {
                endpoint = c.require(r.botId(), platform(), "phone-number-id") + "/messages";
            }
            return post(base + "/" + (version == null ? "v23.0" : version) + "/" + endpoint, r.body())
                    .header("Authorization", "Bearer " + access);
        }

        public Verdict classify(OutboundRequest r, int status, HttpHeaders headers, byte[] body) {
            JsonNode n = tree(body);
            JsonNode error = n == null ? null : n.get("error");
            if (status / 100 == 2 && error == null) {
                JsonNode messages = n == null ? null : n.get("messages");
                return new Verdict.Accepted(messages != null && messages.size() > 0 ? text(messages.get(0), "id") : null);
            }
            if (error == null) {
                return serverOr(status, body, new Verdict.Permanent("HTTP " + status + " " + snippet(body)));
            }
            int code = error.path("code").asInt(-1);
            String message = "(#" + code + ") " + text(error, "message");
            return switch (code) {
                case 131056 -> new Verdict.RateLimited(Duration.ofSeconds(6), Verdict.Scope.CHAT, message);
                case 130429, 80007, 4, 613 -> new Verdict.RateLimited(null, Verdict.Scope.BOT, message);
                case 1, 2, 131000, 131016, 133004 -> new Verdict.Transient(message);
                default -> serverOr(status, body, new Verdict.Permanent("HTTP " + status + " " + message));
            };
        }
    }

    /**
     * LINE Messaging API: {@code POST /v2/bot/message/reply|push} with the channel access token. A push carries
     * {@code X-Line-Retry-Key}: LINE answers a repeat with 409 and the accepted request's id.
     */
    static final class Line implements PlatformApi {
        public String platform() {
            return "line";
        }

        public String defaultBase() {
            return "https://api.line.me";
        }

        public Limits limits() {
            return new Limits(null, null, new Rate(2000, Duration.ofSeconds(1)),
                    "developers.line.biz/en/reference/messaging-api/#rate-limits (2,000 requests/s per channel)");
        }

        public HttpRequest.Builder build(String base, OutboundRequest r, Credentials c, String token) throws OutboundRequest.Malformed {
            String access = c.require(r.botId(), platform(), "channel-access-token");
            HttpRequest.Builder b = post(base + "/" + r.endpoint(), r.body()).header("Authorization", "Bearer " + access);
            if (!r.endpoint().endsWith("/reply")) {
                b.header("X-Line-Retry-Key", uuid(r.idempotencyKey()));
            }
            return b;
        }

        public Verdict classify(OutboundRequest r, int status, HttpHeaders headers, byte[] body) {
            JsonNode n = tree(body);
            if (status == 200) {
                JsonNode sent = n == null ? null : n.get("sentMessages");
                return new Verdict.Accepted(sent != null && sent.size() > 0 ? text(sent.get(0), "id")
                        : headers.firstValue("x-line-request-id").orElse(null));
            }
            if (status == 409 && headers.firstValue("x-line-accepted-request-id").isPresent()) {
                // The retry key was accepted before: delivered once already.
                return new Verdict.Accepted(headers.firstValue("x-line-accepted-request-id").get());
            }
            String message = n == null ? snippet(body) : text(n, "message");
            if (status == 429) {
                return new Verdict.RateLimited(seconds(headers.firstValue("Retry-After").orElse(null)),
                        Verdict.Scope.BOT, message);
            }
            return serverOr(status, body, new Verdict.Permanent("HTTP " + status + " " + message
                    + (n != null && n.has("details") ? " " + n.get("details") : "")));
        }
    }

    /**
     * Feishu/Lark open API: {@code POST /open-apis/<endpoint>} with a tenant access token (exchanged from the app's
     * id and secret). Adds {@code uuid}: Feishu sends at most one message per uuid within an hour.
     */
    static final class Feishu implements PlatformApi {
        private static final Set<Integer> TOKEN_CODES = Set.of(99991661, 99991663, 99991664, 99991665, 99991668);

        public String platform() {
            return "feishu";
        }

        public String defaultBase() {
            return "https://open.feishu.cn";
        }

        public Limits limits() {
            return new Limits(new Rate(5, Duration.ofSeconds(1)), null, new Rate(50, Duration.ofSeconds(1)),
                    "open.feishu.cn/document/server-docs/im-v1/message/create (50/s per app, 5/s per user or chat)");
        }

        public TokenExchange tokenExchange() {
            return new TokenExchange() {
                public HttpRequest.Builder request(String base, String botId, Credentials c) throws OutboundRequest.Malformed {
                    ObjectNode body = JSON.createObjectNode()
                            .put("app_id", c.require(botId, "feishu", "app-id"))
                            .put("app_secret", c.require(botId, "feishu", "app-secret"));
                    return post(base + "/open-apis/auth/v3/tenant_access_token/internal", body.toString()
                            .getBytes(StandardCharsets.UTF_8));
                }

                public Token parse(int status, byte[] body) throws Failed {
                    JsonNode n = tree(body);
                    if (n != null && n.path("code").asInt(-1) == 0 && text(n, "tenant_access_token") != null) {
                        return new Token(text(n, "tenant_access_token"), Duration.ofSeconds(n.path("expire").asLong(7200)));
                    }
                    throw new Failed(!serverError(status) && n != null && n.path("code").asInt(0) != 99991400,
                            "tenant_access_token: HTTP " + status + " " + snippet(body));
                }
            };
        }

        public HttpRequest.Builder build(String base, OutboundRequest r, Credentials c, String token) {
            byte[] body = withField(r.body(), "uuid", uuid(r.idempotencyKey()), null);
            return post(base + "/open-apis/" + r.endpoint(), body).header("Authorization", "Bearer " + token);
        }

        public Verdict classify(OutboundRequest r, int status, HttpHeaders headers, byte[] body) {
            JsonNode n = tree(body);
            int code = n == null ? -1 : n.path("code").asInt(-1);
            if (status == 200 && code == 0) {
                return new Verdict.Accepted(text(n.path("data"), "message_id"));
            }
            String message = n == null ? snippet(body) : code + " " + text(n, "msg");
            if (status == 429 || code == 99991400) {
                return new Verdict.RateLimited(seconds(headers.firstValue("x-ogw-ratelimit-reset").orElse(null)),
                        Verdict.Scope.BOT, message);
            }
            if (TOKEN_CODES.contains(code)) {
                return new Verdict.TokenRejected(message);
            }
            return serverOr(status, body, n == null ? new Verdict.Transient("HTTP " + status + " " + message)
                    : new Verdict.Permanent("HTTP " + status + " " + message));
        }
    }

    /**
     * DingTalk robot messages: {@code POST /v1.0/robot/...} on {@code api.dingtalk.com} with
     * {@code x-acs-dingtalk-access-token} (exchanged from the app key and secret).
     */
    static final class DingTalk implements PlatformApi {
        public String platform() {
            return "dingtalk";
        }

        public String defaultBase() {
            return "https://api.dingtalk.com";
        }

        public Limits limits() {
            return new Limits(new Rate(20, Duration.ofMinutes(1)), null, new Rate(20, Duration.ofSeconds(1)),
                    "open.dingtalk.com/document/orgapp/robot-overview (20 messages/min per group; 20/s per app for one API)");
        }

        public TokenExchange tokenExchange() {
            return new TokenExchange() {
                public HttpRequest.Builder request(String base, String botId, Credentials c) throws OutboundRequest.Malformed {
                    ObjectNode body = JSON.createObjectNode()
                            .put("appKey", c.require(botId, "dingtalk", "app-key"))
                            .put("appSecret", c.require(botId, "dingtalk", "app-secret"));
                    return post(base + "/v1.0/oauth2/accessToken", body.toString().getBytes(StandardCharsets.UTF_8));
                }

                public Token parse(int status, byte[] body) throws Failed {
                    JsonNode n = tree(body);
                    if (status == 200 && text(n, "accessToken") != null) {
                        return new Token(text(n, "accessToken"), Duration.ofSeconds(n.path("expireIn").asLong(7200)));
                    }
                    throw new Failed(status / 100 == 4 && status != 429, "accessToken: HTTP " + status + " " + snippet(body));
                }
            };
        }

        public HttpRequest.Builder build(String base, OutboundRequest r, Credentials c, String token) throws OutboundRequest.Malformed {
            byte[] body = r.body();
            if (tree(body) instanceof ObjectNode o && !o.has("robotCode")) {
                // An internal app's robot code is its app key unless the bots file says otherwise.
                String robot = c.optional(r.botId(), platform(), "robot-code");
                o.put("robotCode", robot != null ? robot : c.require(r.botId(), platform(), "app-key"));
                body = o.toString().getBytes(StandardCharsets.UTF_8);
            }
            return post(base + "/" + r.endpoint(), body).header("x-acs-dingtalk-access-token", token);
        }

        public Verdict classify(OutboundRequest r, int status, HttpHeaders headers, byte[] body) {
            JsonNode n = tree(body);
            if (status == 200) {
                return new Verdict.Accepted(text(n, "processQueryKey"));
            }
            String code = text(n, "code");
            String message = n == null ? snippet(body) : code + " " + text(n, "message");
            if (status == 429 || code != null && (code.contains("Throttling") || code.contains("QpsLimit"))) {
                return new Verdict.RateLimited(null, Verdict.Scope.BOT, message);
            }
            if (status == 401 || "InvalidAuthentication".equals(code)) {
                return new Verdict.TokenRejected(message);
            }
            return serverOr(status, body, new Verdict.Permanent("HTTP " + status + " " + message));
        }
    }

    /** WeCom and WeChat share the {@code errcode}/{@code errmsg} answers and the {@code access_token} query. */
    abstract static class WeixinFamily implements PlatformApi {
        /** access_token expired, invalid, or not the latest (40001 invalid credential, 40014, 42001, 42007). */
        private static final Set<Integer> TOKEN_CODES = Set.of(40001, 40014, 42001, 42007, 41001);
        /** Frequency and concurrency limits. */
        private static final Set<Integer> LIMIT_CODES = Set.of(45009, 45011, 45033);

        public HttpRequest.Builder build(String base, OutboundRequest r, Credentials c, String token) {
            String sep = r.endpoint().contains("?") ? "&" : "?";
            return post(base + "/" + r.endpoint() + sep + "access_token=" + enc(token), r.body());
        }

        public Verdict classify(OutboundRequest r, int status, HttpHeaders headers, byte[] body) {
            JsonNode n = tree(body);
            if (n == null) {
                return serverOr(status, body, new Verdict.Transient("HTTP " + status + " not JSON: " + snippet(body)));
            }
            int code = n.path("errcode").asInt(0);
            if (status == 200 && code == 0) {
                return new Verdict.Accepted(text(n, "msgid"));
            }
            String message = code + " " + text(n, "errmsg");
            if (TOKEN_CODES.contains(code)) {
                return new Verdict.TokenRejected(message);
            }
            if (LIMIT_CODES.contains(code)) {
                return new Verdict.RateLimited(null, Verdict.Scope.BOT, message);
            }
            if (code == -1) {
                return new Verdict.Transient(message);
            }
            return serverOr(status, body, new Verdict.Permanent(message));
        }

        static TokenExchange.Token parseToken(int status, byte[] body) throws TokenExchange.Failed {
            JsonNode n = tree(body);
            if (n != null && n.path("errcode").asInt(0) == 0 && text(n, "access_token") != null) {
                return new TokenExchange.Token(text(n, "access_token"), Duration.ofSeconds(n.path("expires_in").asLong(7200)));
            }
            int code = n == null ? -1 : n.path("errcode").asInt(-1);
            throw new TokenExchange.Failed(!serverError(status) && code != -1 && !LIMIT_CODES.contains(code),
                    "access_token: HTTP " + status + " " + snippet(body));
        }
    }

    /** WeCom application messages: {@code POST /cgi-bin/message/send?access_token=} (token from corp id and secret). */
    static final class WeCom extends WeixinFamily {
        public String platform() {
            return "wecom";
        }

        public String defaultBase() {
            return "https://qyapi.weixin.qq.com";
        }

        public Limits limits() {
            return new Limits(new Rate(30, Duration.ofMinutes(1)), null, null,
                    "developer.work.weixin.qq.com/document/path/90312 (30 messages/min per app to one member)");
        }

        public TokenExchange tokenExchange() {
            return new TokenExchange() {
                public HttpRequest.Builder request(String base, String botId, Credentials c) throws OutboundRequest.Malformed {
                    return HttpRequest.newBuilder(URI.create(base + "/cgi-bin/gettoken?corpid="
                            + enc(c.require(botId, "wecom", "corp-id")) + "&corpsecret="
                            + enc(c.require(botId, "wecom", "corp-secret")))).GET();
                }

                public Token parse(int status, byte[] body) throws Failed {
                    return parseToken(status, body);
                }
            };
        }
    }

    /** WeChat Official Account customer-service messages: {@code POST /cgi-bin/message/custom/send?access_token=}. */
    static final class WeChat extends WeixinFamily {
        public String platform() {
            return "wechat";
        }

        public String defaultBase() {
            return "https://api.weixin.qq.com";
        }

        public Limits limits() {
            return new Limits(null, null, null,
                    "developers.weixin.qq.com/doc/offiaccount (daily call quotas only; 45009 when exceeded)");
        }

        public TokenExchange tokenExchange() {
            return new TokenExchange() {
                public HttpRequest.Builder request(String base, String botId, Credentials c) throws OutboundRequest.Malformed {
                    return HttpRequest.newBuilder(URI.create(base + "/cgi-bin/token?grant_type=client_credential&appid="
                            + enc(c.require(botId, "wechat", "app-id")) + "&secret="
                            + enc(c.require(botId, "wechat", "app-secret")))).GET();
                }

                public Token parse(int status, byte[] body) throws Failed {
                    return parseToken(status, body);
                }
            };
        }
    }
}
