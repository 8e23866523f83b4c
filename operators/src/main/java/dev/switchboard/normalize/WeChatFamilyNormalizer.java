package dev.switchboard.normalize;

import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * WeCom (企业微信) application callbacks and WeChat Official Account (公众号) pushes: flat XML with
 * {@code ToUserName}, {@code FromUserName}, {@code CreateTime} (seconds), {@code MsgType}, {@code MsgId}
 * (https://developer.work.weixin.qq.com/document/path/90239,
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html).
 *
 * <p>Encrypted mode: the body's {@code Encrypt} is opened with the bot's EncodingAESKey; when the bot
 * has a Token, the {@code msg_signature}, {@code timestamp} and {@code nonce} query parameters (which
 * the ingress passes as Kafka headers of those names) must match; when it has a receive id, the
 * decrypted receiver must be it. Secrets: {@code <bot>.<platform>.token}, {@code .aes-key},
 * {@code .receive-id}.
 */
public final class WeChatFamilyNormalizer implements Normalizer {
    public static final String SECRET_TOKEN = "token";
    public static final String SECRET_AES_KEY = "aes-key";
    public static final String SECRET_RECEIVE_ID = "receive-id";

    private final String platform;
    private final BotSettings secrets;

    public WeChatFamilyNormalizer(String platform, BotSettings secrets) {
        if (!Platforms.WECOM.equals(platform) && !Platforms.WECHAT.equals(platform)) {
            throw new IllegalArgumentException("not a WeChat-family platform: " + platform);
        }
        this.platform = platform;
        this.secrets = secrets;
    }

    @Override
    public String platform() {
        return platform;
    }

    @Override
    public Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException {
        return normalize(payload, botId, Map.of());
    }

    @Override
    public Normalized normalize(byte[] payload, String botId, Map<String, String> headers) throws MalformedPayloadException {
        Map<String, String> x = Xml.flat(payload, platform);
        String encrypt = x.get("Encrypt");
        if (encrypt != null) {
            x = open(encrypt, botId, headers);
        }
        String msgType = x.get("MsgType");
        if (msgType == null) {
            throw MalformedPayloadException.unknown(platform + ": not a message push (MsgType is missing)");
        }
        if ("event".equals(msgType)) {
            return Normalized.ignored(platform + ": " + x.get("Event") + " event is not a chat message");
        }
        String from = require(x, "FromUserName");
        String to = x.get("ToUserName");
        long created = Timestamps.secondsToMillis(parseLong(x.get("CreateTime")));
        String msgId = x.get("MsgId");
        if ((msgId == null || msgId.isEmpty()) && created == UnifiedMessage.NO_TIMESTAMP) {
            throw MalformedPayloadException.malformed(platform + ": neither MsgId nor CreateTime: nothing identifies the message");
        }
        if (msgId == null || msgId.isEmpty()) {
            // Retries of one message repeat FromUserName + CreateTime (the documented dedup key without MsgId).
            msgId = from + ":" + x.get("CreateTime");
        }
        String text = null;
        String kind;
        Attachment attachment = null;
        switch (msgType) {
            case "text" -> {
                text = x.get("Content");
                kind = MessageKind.TEXT;
            }
            case "image" -> {
                kind = MessageKind.IMAGE;
                attachment = new Attachment(kind, x.get("MediaId"), x.get("PicUrl"), null, null, null);
            }
            case "voice" -> {
                kind = MessageKind.AUDIO;
                // With speech recognition enabled, the transcription is the text.
                text = emptyToNull(x.get("Recognition"));
                attachment = new Attachment(kind, x.get("MediaId"), null, format(x.get("Format")), null, null);
            }
            case "video", "shortvideo" -> {
                kind = MessageKind.VIDEO;
                attachment = new Attachment(kind, x.get("MediaId"), null, null, null, null);
            }
            case "file" -> {
                kind = MessageKind.FILE;
                attachment = new Attachment(kind, x.get("MediaId"), null, null, x.get("FileName"), null);
            }
            case "location" -> kind = MessageKind.LOCATION;
            case "link" -> {
                kind = MessageKind.TEXT;
                text = String.join(" ", nonNull(x.get("Title")), nonNull(x.get("Url"))).strip();
            }
            default -> kind = MessageKind.OTHER;
        }
        UnifiedMessage unified = new UnifiedMessage(
                platform,
                botId,
                msgId,
                from,
                ChatType.DIRECT,
                null,
                null,
                new Sender(from, null, false),
                kind,
                emptyToNull(text),
                List.of(),
                attachment == null ? List.of() : List.of(attachment),
                created,
                msgId);
        // WeCom replies name the application (AgentID); WeChat replies come from the account (ToUserName).
        String account = Platforms.WECOM.equals(platform) ? x.getOrDefault("AgentID", null) : to;
        return new Normalized.Builder().message(unified, emptyToNull(account), false).build();
    }

    private Map<String, String> open(String encrypt, String botId, Map<String, String> headers)
            throws MalformedPayloadException {
        String aesKey = secrets.get(botId, platform, SECRET_AES_KEY);
        if (aesKey == null) {
            throw MalformedPayloadException.malformed(platform + ": encrypted push but no aes-key is configured for bot '"
                    + botId + "' (" + botId + "." + platform + ".aes-key in the secrets file)");
        }
        String token = secrets.get(botId, platform, SECRET_TOKEN);
        if (token != null) {
            String signature = headers.get("msg_signature");
            String timestamp = headers.get("timestamp");
            String nonce = headers.get("nonce");
            if (signature == null || timestamp == null || nonce == null) {
                throw MalformedPayloadException.malformed(platform + ": encrypted push without the msg_signature, timestamp"
                        + " and nonce headers (the callback's query parameters) needed to verify it");
            }
            if (!WeChatCrypto.signature(token, timestamp, nonce, encrypt).equalsIgnoreCase(signature.strip())) {
                throw MalformedPayloadException.malformed(platform + ": msg_signature does not match (wrong token, or not from "
                        + platform + ")");
            }
        }
        WeChatCrypto.Opened opened = WeChatCrypto.open(aesKey, encrypt, platform);
        String receiveId = secrets.get(botId, platform, SECRET_RECEIVE_ID);
        if (receiveId != null && !receiveId.equals(opened.receiverId())) {
            throw MalformedPayloadException.malformed(platform + ": decrypted push is for '" + opened.receiverId()
                    + "', not this bot's receive id");
        }
        return Xml.flat(opened.message().getBytes(StandardCharsets.UTF_8), platform + " (decrypted)");
    }

    private String require(Map<String, String> x, String field) throws MalformedPayloadException {
        String v = x.get(field);
        if (v == null || v.isEmpty()) {
            throw MalformedPayloadException.malformed(platform + ": " + field + " is missing");
        }
        return v;
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String format(String voiceFormat) {
        return voiceFormat == null ? null : "audio/" + voiceFormat.toLowerCase(java.util.Locale.ROOT);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
