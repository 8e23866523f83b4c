package dev.switchboard.dialogue;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts sensitive slot values for keyed state with AES-256-GCM (the JDK's): a stored value is
 * {@code enc:<key id>:<base64(12-byte nonce ‖ ciphertext ‖ tag)>}, so keys can rotate: new values use the
 * current key (the last of the key file), old ones are read with the key their id names.
 *
 * <p>Key file: one key per line, {@code <id> <base64 of 32 random bytes>} ({@code #} comments); append a line to
 * rotate, and keep old lines while state may still hold values written with them. The keys travel inside the
 * job graph like the bots file's secrets: keep the file out of version control.
 */
public final class StateCipher implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String PREFIX = "enc:";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final LinkedHashMap<String, byte[]> keys;
    private final String current;
    private transient SecureRandom random;

    private StateCipher(LinkedHashMap<String, byte[]> keys) {
        this.keys = keys;
        String last = null;
        for (String id : keys.keySet()) {
            last = id;
        }
        this.current = last;
    }

    /** Reads a key file; every problem names the line. */
    public static StateCipher fromFile(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        LinkedHashMap<String, byte[]> keys = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = file + ":" + (n + 1) + ": ";
            if (parts.length != 2 || !KEY_ID.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(where + "expected '<key id> <base64 of 32 bytes>'");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "the key is not base64");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException(where + "the key has " + key.length + " bytes; AES-256 needs 32"
                        + " (e.g. head -c 32 /dev/urandom | base64)");
            }
            if (keys.remove(parts[0]) != null) {
                throw new IllegalArgumentException(where + "key id '" + parts[0] + "' appears twice");
            }
            keys.put(parts[0], key);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(file + ": no key");
        }
        return new StateCipher(keys);
    }

    /** A cipher over the given keys, the last one current (tests). */
    public static StateCipher of(Map<String, byte[]> keys) {
        return new StateCipher(new LinkedHashMap<>(keys));
    }

    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The key id an encrypted value names, or null. */
    public static String keyIdOf(String value) {
        if (!isEncrypted(value)) {
            return null;
        }
        int end = value.indexOf(':', PREFIX.length());
        return end < 0 ? null : value.substring(PREFIX.length(), end);
    }

    public String encrypt(String plaintext) {
        try {
            if (random == null) {
                random = new SecureRandom();
            }
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.get(current), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            // The key id is authenticated too: a value cannot be moved under another key's name.
            c.updateAAD(current.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + current + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * The plaintext of an encrypted value.
     *
     * @throws IllegalArgumentException when its key is not in the key file or the value was altered
     */
    public String decrypt(String value) {
        String id = keyIdOf(value);
        byte[] key = id == null ? null : keys.get(id);
        if (key == null) {
            throw new IllegalArgumentException("no key '" + id + "' in the state key file");
        }
        try {
            byte[] in = Base64.getDecoder().decode(value.substring(PREFIX.length() + id.length() + 1));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(id.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("an encrypted value could not be opened with key '" + id + "'", e);
        }
    }

    /** How a sensitive value may be shown: its last four characters (digits of a phone number, say). */
    public static String mask(String value) {
        if (value == null) {
            return null;
        }
        if (isEncrypted(value)) {
            return "•••• (encrypted, key " + keyIdOf(value) + ")";
        }
        String compact = value.replaceAll("[\\s-]", "");
        return "•••• " + (compact.length() <= 4 ? "" : compact.substring(compact.length() - 4));
    }
}
