package dev.switchboard.normalize;

import dev.switchboard.model.MalformedPayloadException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The encrypted mode of WeCom and WeChat Official Account callbacks (the scheme of Tencent's
 * WXBizMsgCrypt): {@code msg_signature = sha1(sort(token, timestamp, nonce, Encrypt))}; the AES key is
 * base64(EncodingAESKey + "="), the IV its first 16 bytes; AES-256-CBC with PKCS#7 padding to 32-byte
 * blocks; the plaintext is 16 random bytes, a 4-byte big-endian length, the message, and the receiver
 * id (corp id or app id).
 */
public final class WeChatCrypto {
    private WeChatCrypto() {}

    public record Opened(String message, String receiverId) {}

    public static String signature(String token, String timestamp, String nonce, String encrypt) {
        String[] parts = {token, timestamp, nonce, encrypt};
        Arrays.sort(parts);
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(String.join("", parts).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha1);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    public static Opened open(String encodingAesKey, String encrypt, String platform) throws MalformedPayloadException {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encodingAesKey + "=");
        } catch (IllegalArgumentException e) {
            throw MalformedPayloadException.malformed(platform + ": the configured aes-key is not a 43-character EncodingAESKey");
        }
        if (key.length != 32) {
            throw MalformedPayloadException.malformed(platform + ": the configured aes-key is not a 43-character EncodingAESKey");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(encrypt.strip());
        } catch (IllegalArgumentException e) {
            throw MalformedPayloadException.malformed(platform + ": Encrypt is not base64");
        }
        if (data.length == 0 || data.length % 16 != 0) {
            throw MalformedPayloadException.malformed(platform + ": Encrypt is not whole AES blocks");
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
            plain = cipher.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw MalformedPayloadException.malformed(platform + ": cannot decrypt Encrypt (" + e.getMessage() + ")");
        }
        int pad = plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > 32 || pad > plain.length - 20) {
            throw MalformedPayloadException.malformed(platform + ": decrypted Encrypt has bad padding (wrong aes-key?)");
        }
        int end = plain.length - pad;
        int length = ByteBuffer.wrap(plain, 16, 4).getInt();
        if (length < 0 || 20 + length > end) {
            throw MalformedPayloadException.malformed(platform + ": decrypted Encrypt has a bad length (wrong aes-key?)");
        }
        String message = new String(plain, 20, length, StandardCharsets.UTF_8);
        String receiver = new String(plain, 20 + length, end - 20 - length, StandardCharsets.UTF_8);
        return new Opened(message, receiver);
    }

    /** Encrypts like the platform does (for tests and tools). {@code random16} is the 16-byte prefix. */
    public static String seal(String encodingAesKey, byte[] random16, String message, String receiverId) {
        byte[] key = Base64.getDecoder().decode(encodingAesKey + "=");
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        byte[] rid = receiverId.getBytes(StandardCharsets.UTF_8);
        int len = 20 + msg.length + rid.length;
        int pad = 32 - len % 32;
        ByteBuffer buf = ByteBuffer.allocate(len + pad);
        buf.put(random16, 0, 16).putInt(msg.length).put(msg).put(rid);
        for (int i = 0; i < pad; i++) {
            buf.put((byte) pad);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
            return Base64.getEncoder().encodeToString(cipher.doFinal(buf.array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
