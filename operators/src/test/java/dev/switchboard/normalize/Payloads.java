package dev.switchboard.normalize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads documented platform payloads from {@code src/test/resources/payloads/<platform>/}. */
public final class Payloads {
    private Payloads() {}

    public static byte[] read(String path) {
        try (InputStream in = Payloads.class.getResourceAsStream("/payloads/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no payload " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
