package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The redis-server a fresh machine without Debian's package gets: the one shipped in the embedded-redis jar. */
class RedisProcessTest {

    @Test
    void theShippedServerAnswersAndStopsAndStartsAgain(@TempDir Path dir) throws Exception {
        try (RedisProcess redis = RedisProcess.startShipped(dir)) {
            assertThat(redis.binary()).endsWith("redis-server").startsWith(dir.toString());
            assertThat(command(redis.port(), "SET k v\r\nGET k\r\n")).contains("+OK").contains("$1\r\nv");
            redis.stopServer();
            redis.startServer();
            assertThat(command(redis.port(), "PING\r\n")).startsWith("+PONG");
        }
    }

    private static String command(int port, String commands) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(commands.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            int n = in.read(buf);
            return new String(buf, 0, Math.max(0, n), StandardCharsets.US_ASCII);
        }
    }
}
