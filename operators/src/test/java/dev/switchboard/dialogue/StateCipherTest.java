package dev.switchboard.dialogue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateCipherTest {
    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) fill);
        return k;
    }

    @Test
    void sealsAndOpensWithTheCurrentKeyAndOpensOldValuesAfterARotation() {
        StateCipher before = StateCipher.of(Map.of("k1", key(1)));
        String sealed = before.encrypt("138 0013 8000");
        assertThat(sealed).startsWith("enc:k1:").doesNotContain("8000");
        assertThat(before.encrypt("138 0013 8000")).isNotEqualTo(sealed); // a fresh nonce every time
        assertThat(before.decrypt(sealed)).isEqualTo("138 0013 8000");

        Map<String, byte[]> rotated = new LinkedHashMap<>();
        rotated.put("k1", key(1));
        rotated.put("k2", key(2));
        StateCipher after = StateCipher.of(rotated);
        assertThat(after.decrypt(sealed)).isEqualTo("138 0013 8000");
        assertThat(after.encrypt("x")).startsWith("enc:k2:");
    }

    @Test
    void anAlteredValueOrAMissingKeyIsRefused() {
        StateCipher cipher = StateCipher.of(Map.of("k1", key(1)));
        String sealed = cipher.encrypt("ana@example.com");
        char[] chars = sealed.toCharArray();
        int at = "enc:k1:".length() + 20; // inside the ciphertext, away from base64 padding bits
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> cipher.decrypt(new String(chars))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("could not be opened with key 'k1'");
        // The key id is authenticated: the same bytes under another id do not open.
        StateCipher other = StateCipher.of(Map.of("k9", key(1)));
        assertThatThrownBy(() -> other.decrypt(sealed.replace("enc:k1:", "enc:k9:"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StateCipher.of(Map.of("k2", key(2))).decrypt(sealed))
                .hasMessage("no key 'k1' in the state key file");
    }

    @Test
    void theKeyFileSaysWhatIsWrongWhere(@TempDir Path dir) throws Exception {
        String good = Base64.getEncoder().encodeToString(key(7));
        Path file = Files.writeString(dir.resolve("keys"), "# state keys\nk1 " + good + "\n\nk2 " + good + "\n");
        assertThat(StateCipher.fromFile(file).encrypt("x")).startsWith("enc:k2:");
        Path shortKey = Files.writeString(dir.resolve("short"), "k1 " + Base64.getEncoder().encodeToString(new byte[16]) + "\n");
        assertThatThrownBy(() -> StateCipher.fromFile(shortKey)).hasMessage(shortKey + ":1: the key has 16 bytes; AES-256 needs 32"
                + " (e.g. head -c 32 /dev/urandom | base64)");
        Path twice = Files.writeString(dir.resolve("twice"), "k1 " + good + "\nk1 " + good + "\n");
        assertThatThrownBy(() -> StateCipher.fromFile(twice)).hasMessage(twice + ":2: key id 'k1' appears twice");
        Path junk = Files.writeString(dir.resolve("junk"), "just-one-word\n");
        assertThatThrownBy(() -> StateCipher.fromFile(junk)).hasMessageContaining(":1: expected '<key id> <base64 of 32 bytes>'");
        Path empty = Files.writeString(dir.resolve("empty"), "# nothing\n");
        assertThatThrownBy(() -> StateCipher.fromFile(empty)).hasMessage(empty + ": no key");
    }

    @Test
    void masks() {
        assertThat(StateCipher.mask("138 0013 8000")).isEqualTo("•••• 8000");
        assertThat(StateCipher.mask("021-6543-2100")).isEqualTo("•••• 2100");
        assertThat(StateCipher.mask("123")).isEqualTo("•••• ");
        assertThat(StateCipher.mask("enc:k3:AAAA")).isEqualTo("•••• (encrypted, key k3)");
    }
}
