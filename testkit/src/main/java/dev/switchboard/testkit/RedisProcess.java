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
 * A real {@code redis-server} in its own process on a free port, without persistence, for tests and the demo: it
 * can be stopped and started again on the same port the way an operator restarts Redis. The binary is Debian's
 * {@code redis-server} when it is on the PATH, else the Linux x86-64 build shipped in the {@code embedded-redis}
 * jar from Maven Central (copied out next to the data). Logs go to {@code redis.log} in the directory.
 */
public final class RedisProcess implements AutoCloseable {
    /** The Linux x86-64 redis-server inside the embedded-redis jar. */
    static final String SHIPPED_BINARY = "/redis-server-6.2.6-v5-linux-amd64";

    private final Path dir;
    private final int port;
    private final String binary;
    private Process process;

    private RedisProcess(Path dir, int port, String binary) {
        this.dir = dir;
        this.port = port;
        this.binary = binary;
    }

    /** Starts redis-server in {@code dir}: the one on the PATH, else the shipped one. */
    public static RedisProcess start(Path dir) throws Exception {
        Path d = Files.createDirectories(dir);
        String onPath = onPath("redis-server");
        return start(d, onPath != null ? onPath : shipped(d).toString());
    }

    /** Starts the redis-server shipped in the embedded-redis jar, whatever the PATH has. */
    public static RedisProcess startShipped(Path dir) throws Exception {
        Path d = Files.createDirectories(dir);
        return start(d, shipped(d).toString());
    }

    private static RedisProcess start(Path dir, String binary) throws Exception {
        RedisProcess redis = new RedisProcess(dir, Ports.free(), binary);
        redis.startServer();
        return redis;
    }

    /**
     * CPU time the server process has used so far, in milliseconds (user + system, from {@code /proc}); -1 where
     * that cannot be read.
     */
    public long cpuMillis() {
        if (process == null) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 10; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The binary this server runs. */
    public String binary() {
        return binary;
    }

    private static String onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static Path shipped(Path dir) throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("no redis-server on the PATH and none shipped for " + os + "/" + arch
                    + ": install Redis (apt-get install redis-server)");
        }
        Path target = dir.resolve("redis-server");
        if (!Files.isExecutable(target)) {
            try (InputStream in = RedisProcess.class.getResourceAsStream(SHIPPED_BINARY)) {
                if (in == null) {
                    throw new IllegalStateException("no redis-server on the PATH and the embedded-redis jar is not on the"
                            + " class path: install Redis (apt-get install redis-server)");
                }
                Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (!target.toFile().setExecutable(true, true)) {
                throw new IllegalStateException("cannot make " + target + " executable");
            }
        }
        return target;
    }

    public String address() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public void startServer() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString()));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
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
