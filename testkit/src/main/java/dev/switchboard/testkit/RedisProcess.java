package dev.switchboard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package, on the PATH) in its own process on a free port, without
 * persistence, for tests: it can be stopped and started again on the same port the way an operator restarts
 * Redis. Logs go to {@code redis.log} in the directory.
 */
public final class RedisProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    private RedisProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts redis-server in {@code dir}; fails with a hint when the binary is missing. */
    public static RedisProcess start(Path dir) throws Exception {
        RedisProcess redis = new RedisProcess(Files.createDirectories(dir), Ports.free());
        redis.startServer();
        return redis;
    }

    public String address() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public void startServer() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString()));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is not installed (apt-get install redis-server)", e);
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (ping()) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: see " + dir.resolve("redis.out"));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("redis-server did not answer PING within 10 s");
    }

    /** Stops the server (SIGTERM) and waits for it to exit. */
    public void stopServer() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = new byte[7];
            int n = in.read(reply);
            return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopServer();
    }
}
