package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.Platforms;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.normalize.FeishuNormalizer;
import dev.switchboard.normalize.WeChatCrypto;
import dev.switchboard.normalize.Xml;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each platform's way of proving a webhook is its own, checked with the bot's secrets from the bots file
 * ({@code <bot>.<platform>.<name>}, or {@code *.<platform>.<name>} for every bot). Comparisons are constant-time;
 * nothing here logs a secret. A bot without the secret its platform needs is unknown to the gateway (404).
 */
public final class Verifiers {
    /** Slack: a timestamp older or newer than this is a replay. */
    static final long SLACK_WINDOW_MS = 5 * 60_000;
    /** DingTalk: the signed timestamp must be within this of now. */
    static final long DINGTALK_WINDOW_MS = 60 * 60_000;

    private final BotSettings secrets;

    public Verifiers(BotSettings secrets) {
        this.secrets = secrets;
    }

    /** The bots-file keys each platform needs (for the README, usage and error messages). */
    public static final Map<String, String> SECRETS = secretNames();

    private static Map<String, String> secretNames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Platforms.SLACK, "signing-secret");
        m.put(Platforms.TELEGRAM, "secret-token");
        m.put(Platforms.WHATSAPP, "app-secret (and verify-token for the subscription handshake)");
        m.put(Platforms.LINE, "channel-secret");
        m.put(Platforms.DISCORD, "public-key (hex)");
        m.put(Platforms.FEISHU, "encrypt-key and/or verification-token");
        m.put(Platforms.DINGTALK, "app-secret");
        m.put(Platforms.WECOM, "token, aes-key, receive-id");
        m.put(Platforms.WECHAT, "token (aes-key, receive-id in safe mode)");
        return java.util.Collections.unmodifiableMap(m);
    }

    public Verdict verify(WebhookRequest r) {
        return switch (r.platform()) {
            case Platforms.SLACK -> slack(r);
            case Platforms.TELEGRAM -> telegram(r);
            case Platforms.WHATSAPP -> whatsapp(r);
            case Platforms.LINE -> line(r);
            case Platforms.DISCORD -> discord(r);
            case Platforms.FEISHU -> feishu(r);
            case Platforms.DINGTALK -> dingtalk(r);
            case Platforms.WECOM, Platforms.WECHAT -> wechatFamily(r);
            default -> Verdict.reject(404, "unknown-platform", "no webhook for platform '" + r.platform() + "' (platforms: "
                    + String.join(", ", Platforms.SUPPORTED) + ")");
        };
    }

    private String secret(WebhookRequest r, String name) {
        String v = secrets.get(r.botId(), r.platform(), name);
        return v == null || v.isBlank() ? null : v;
    }

    private static Verdict unknownBot(WebhookRequest r, String needs) {
        return Verdict.reject(404, "unknown-bot", "no " + r.platform() + " secret for bot '" + r.botId() + "' (bots file key "
                + r.botId() + "." + r.platform() + "." + needs + ")");
    }

    private static Verdict postOnly(WebhookRequest r) {
        return Verdict.reject(405, "method-not-allowed", r.platform() + " webhooks are POST");
    }

    private static Verdict badSignature(String detail) {
        return Verdict.reject(401, "bad-signature", detail);
    }

    // --- Slack: X-Slack-Signature = v0=hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + body)) -------------

    private Verdict slack(WebhookRequest r) {
        String secret = secret(r, "signing-secret");
        if (secret == null) {
            return unknownBot(r, "signing-secret");
        }
        if (!r.method().equals("POST")) {
            return postOnly(r);
        }
        String ts = r.header("x-slack-request-timestamp");
        String signature = r.header("x-slack-signature");
        if (ts == null || signature == null) {
            return badSignature("missing X-Slack-Request-Timestamp or X-Slack-Signature");
        }
        long seconds;
        try {
            seconds = Long.parseLong(ts.trim());
        } catch (NumberFormatException e) {
            return badSignature("X-Slack-Request-Timestamp is not a number");
        }
        if (Math.abs(r.now() - seconds * 1000) > SLACK_WINDOW_MS) {
            return Verdict.reject(401, "stale-timestamp", "X-Slack-Request-Timestamp is more than 5 minutes from now");
        }
        byte[] expected = ("v0=" + HexFormat.of().formatHex(hmac(secret, concat(("v0:" + ts.trim() + ":").getBytes(StandardCharsets.UTF_8), r.body()))))
                .getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.UTF_8))) {
            return badSignature("X-Slack-Signature does not match the body");
        }
        JsonNode json = r.json();
        if (json != null && "url_verification".equals(json.path("type").asText())) {
            return Verdict.respond("application/json", "{\"challenge\":" + quote(json.path("challenge").asText()) + "}");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        copy(r, "x-slack-retry-num", headers, "slack-retry-num");
        copy(r, "x-slack-retry-reason", headers, "slack-retry-reason");
        return Verdict.accept("text/plain; charset=utf-8", "", headers);
    }

    // --- Telegram: X-Telegram-Bot-Api-Secret-Token equals the secret_token given to setWebhook ----------------------

    private Verdict telegram(WebhookRequest r) {
        String secret = secret(r, "secret-token");
        if (secret == null) {
            return unknownBot(r, "secret-token");
        }
        if (!r.method().equals("POST")) {
            return postOnly(r);
        }
        String token = r.header("x-telegram-bot-api-secret-token");
        if (token == null || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return badSignature("X-Telegram-Bot-Api-Secret-Token is missing or wrong");
        }
        return Verdict.accept("text/plain; charset=utf-8", "");
    }

    // --- WhatsApp: X-Hub-Signature-256 = sha256=hex(HMAC-SHA256(app secret, body)); GET subscription handshake -----

    private Verdict whatsapp(WebhookRequest r) {
        if (r.method().equals("GET")) {
            String verifyToken = secret(r, "verify-token");
            if (verifyToken == null) {
                return unknownBot(r, "verify-token");
            }
            String token = r.query().get("hub.verify_token");
            if (!"subscribe".equals(r.query().get("hub.mode")) || token == null
                    || !MessageDigest.isEqual(verifyToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
                return Verdict.reject(403, "bad-verify-token", "hub.mode must be subscribe and hub.verify_token the bot's verify-token");
            }
            return Verdict.respond("text/plain; charset=utf-8", r.query().getOrDefault("hub.challenge", ""));
        }
        String secret = secret(r, "app-secret");
        if (secret == null) {
            return unknownBot(r, "app-secret");
        }
        if (!r.method().equals("POST")) {
            return postOnly(r);
        }
        String signature = r.header("x-hub-signature-256");
        if (signature == null) {
            return badSignature("missing X-Hub-Signature-256");
        }
        byte[] expected = ("sha256=" + HexFormat.of().formatHex(hmac(secret, r.body()))).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.UTF_8))) {
            return badSignature("X-Hub-Signature-256 does not match the body");
        }
        return Verdict.accept("text/plain; charset=utf-8", "");
    }

    // --- LINE: X-Line-Signature = base64(HMAC-SHA256(channel secret, body)) -----------------------------------------

    private Verdict line(WebhookRequest r) {
        String secret = secret(r, "channel-secret");
        if (secret == null) {
            return unknownBot(r, "channel-secret");
        }
        if (!r.method().equals("POST")) {
            return postOnly(r);
        }
        String signature = r.header("x-line-signature");
        if (signature == null) {
            return badSignature("missing X-Line-Signature");
        }
        byte[] expected = Base64.getEncoder().encode(hmac(secret, r.body()));
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.UTF_8))) {
            return badSignature("X-Line-Signature does not match the body");
        }
        JsonNode json = r.json();
        if (json != null && json.path("events").isArray() && json.path("events").isEmpty()) {
            // The console's "Verify" call: no events to deliver.
            return Verdict.respond("text/plain; charset=utf-8", "");
        }
        return Verdict.accept("text/plain; charset=utf-8", "");
    }

    // --- Discord interactions: Ed25519 over timestamp + body with the application's public key ----------------------

    private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Verdict discord(WebhookRequest r) {
        String publicKey = secret(r, "public-key");
        if (publicKey == null) {
            return unknownBot(r, "public-key");
        }
        if (!r.method().equals("POST")) {
            return postOnly(r);
        }
        String signature = r.header("x-signature-ed25519");
        String ts = r.header("x-signature-timestamp");
        if (signature == null || ts == null) {
            return badSignature("missing X-Signature-Ed25519 or X-Signature-Timestamp");
        }
        try {
            byte[] raw = HexFormat.of().parseHex(publicKey.trim());
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(ED25519_X509_PREFIX, raw)));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(ts.getBytes(StandardCharsets.UTF_8));
            verifier.update(r.body());
            if (!verifier.verify(HexFormat.of().parseHex(signature.trim()))) {
                return badSignature("X-Signature-Ed25519 does not match the body");
            }
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return badSignature("X-Signature-Ed25519 cannot be checked: " + e.getClass().getSimpleName());
        }
        JsonNode json = r.json();
        if (json != null && json.path("type").asInt() == 1) {
            return Verdict.respond("application/json", "{\"type\":1}");
        }
        // Anything else is answered later by the bot: a deferred response keeps the interaction open.
        return Verdict.accept("application/json", "{\"type\":5}");
    }

    // --- Feishu/Lark: X-Lark-Signature = hex(SHA-256(timestamp + nonce + encrypt key + body)); or the token ------------

    private Verdict feishu(WebhookRequest r) {
        String encryptKey = secret(r, "encrypt-key");
        String verificationToken = secret(r, "verification-token");
        if (encryptKey == null && verificationToken == null) {
            return unknownBot(r, "encrypt-key or .verification-token");
        }
        if (!r.method().equals("POST")) {
            return postOnly(r);
        }
        JsonNode json = r.json();
        if (json == null) {
            return Verdict.reject(400, "malformed", "feishu: the body is not a JSON object");
        }
        boolean signed = r.header("x-lark-signature") != null;
        if (encryptKey != null && signed) {
            String ts = r.header("x-lark-request-timestamp");
            String nonce = r.header("x-lark-request-nonce");
            if (ts == null || nonce == null) {
                return badSignature("missing X-Lark-Request-Timestamp or X-Lark-Request-Nonce");
            }
            byte[] expected = HexFormat.of().formatHex(sha256(concat((ts + nonce + encryptKey).getBytes(StandardCharsets.UTF_8), r.body())))
                    .getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(expected, r.header("x-lark-signature").trim().getBytes(StandardCharsets.UTF_8))) {
                return badSignature("X-Lark-Signature does not match the body");
            }
        }
        JsonNode plain = json;
        if (json.has("encrypt")) {
            if (encryptKey == null) {
                return Verdict.reject(401, "bad-signature", "feishu: an encrypted body, and no encrypt-key for bot '" + r.botId() + "'");
            }
            try {
                plain = Json.MAPPER.readTree(FeishuNormalizer.decrypt(json.path("encrypt").asText(), encryptKey));
            } catch (MalformedPayloadException | IOException e) {
                return badSignature("feishu: cannot decrypt with the bot's encrypt-key");
            }
        }
        String token = plain.path("header").path("token").asText(plain.path("token").asText(null));
        boolean tokenOk = verificationToken != null && token != null
                && MessageDigest.isEqual(verificationToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
        // Signed (or, for the URL check, which Feishu sends unsigned, decrypted with the key) or carrying the token.
        boolean proven = (encryptKey != null && (signed || json.has("encrypt") && "url_verification".equals(plain.path("type").asText())))
                || tokenOk;
        if (!proven) {
            return badSignature(encryptKey != null ? "missing X-Lark-Signature" : "the verification token does not match");
        }
        if ("url_verification".equals(plain.path("type").asText())) {
            if (verificationToken != null && !tokenOk) {
                return badSignature("the verification token does not match");
            }
            return Verdict.respond("application/json", "{\"challenge\":" + quote(plain.path("challenge").asText()) + "}");
        }
        return Verdict.accept("application/json", "{}");
    }

    // --- DingTalk: headers timestamp and sign = base64(HMAC-SHA256(app secret, timestamp + "\n" + app secret)) --------

    private Verdict dingtalk(WebhookRequest r) {
        String secret = secret(r, "app-secret");
        if (secret == null) {
            return unknownBot(r, "app-secret");
        }
        if (!r.method().equals("POST")) {
            return postOnly(r);
        }
        String ts = r.header("timestamp");
        String sign = r.header("sign");
        if (ts == null || sign == null) {
            return badSignature("missing timestamp or sign header");
        }
        long millis;
        try {
            millis = Long.parseLong(ts.trim());
        } catch (NumberFormatException e) {
            return badSignature("the timestamp header is not a number");
        }
        if (Math.abs(r.now() - millis) > DINGTALK_WINDOW_MS) {
            return Verdict.reject(401, "stale-timestamp", "the timestamp header is more than an hour from now");
        }
        byte[] expected = Base64.getEncoder().encode(hmac(secret, (ts.trim() + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
        if (!MessageDigest.isEqual(expected, sign.trim().getBytes(StandardCharsets.UTF_8))) {
            return badSignature("sign does not match");
        }
        return Verdict.accept("application/json", "{}");
    }

    // --- WeCom / WeChat: sorted SHA-1 signatures in the query; GET echostr handshake -----------------------------------

    private Verdict wechatFamily(WebhookRequest r) {
        String token = secret(r, "token");
        if (token == null) {
            return unknownBot(r, "token");
        }
        String ts = r.query().get("timestamp");
        String nonce = r.query().get("nonce");
        String msgSignature = r.query().get("msg_signature");
        String signature = r.query().get("signature");
        if (ts == null || nonce == null || (msgSignature == null && signature == null)) {
            return badSignature("missing timestamp, nonce or signature in the query");
        }
        String aesKey = secret(r, "aes-key");
        if (r.method().equals("GET")) {
            String echostr = r.query().get("echostr");
            if (echostr == null) {
                return Verdict.reject(400, "malformed", "GET without echostr");
            }
            if (msgSignature != null) {
                if (aesKey == null || !equal(WeChatCrypto.signature(token, ts, nonce, echostr), msgSignature)) {
                    return badSignature("msg_signature does not match");
                }
                try {
                    WeChatCrypto.Opened opened = WeChatCrypto.open(aesKey, echostr, r.platform());
                    String receiveId = secret(r, "receive-id");
                    if (receiveId != null && !receiveId.equals(opened.receiverId())) {
                        return badSignature("echostr is for another receiver");
                    }
                    return Verdict.respond("text/plain; charset=utf-8", opened.message());
                } catch (MalformedPayloadException e) {
                    return badSignature("echostr cannot be decrypted with the bot's aes-key");
                }
            }
            if (!equal(plainSignature(token, ts, nonce), signature)) {
                return badSignature("signature does not match");
            }
            return Verdict.respond("text/plain; charset=utf-8", echostr);
        }
        if (!r.method().equals("POST")) {
            return Verdict.reject(405, "method-not-allowed", r.platform() + " callbacks are GET (echostr) or POST");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("timestamp", ts);
        headers.put("nonce", nonce);
        if (msgSignature != null) {
            String encrypt;
            try {
                encrypt = Xml.flat(r.body(), r.platform()).get("Encrypt");
            } catch (MalformedPayloadException e) {
                return Verdict.reject(400, "malformed", r.platform() + ": the body is not the callback's XML");
            }
            if (encrypt == null || !equal(WeChatCrypto.signature(token, ts, nonce, encrypt), msgSignature)) {
                return badSignature("msg_signature does not match the body's Encrypt");
            }
            headers.put("msg_signature", msgSignature);
        } else if (!equal(plainSignature(token, ts, nonce), signature)) {
            return badSignature("signature does not match");
        }
        // WeChat retries unless answered within 5 s; "success" tells it the message arrived (replies go by the API).
        return Verdict.accept("text/plain; charset=utf-8", "success", headers);
    }

    static String plainSignature(String token, String timestamp, String nonce) {
        String[] parts = {token, timestamp, nonce};
        Arrays.sort(parts);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(String.join("", parts).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    private static boolean equal(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.trim().getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(WebhookRequest r, String from, Map<String, String> to, String as) {
        String v = r.header(from);
        if (v != null) {
            to.put(as, v);
        }
    }
}
