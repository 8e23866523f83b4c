package dev.switchboard.gateway;

import dev.switchboard.model.Headers;
import dev.switchboard.model.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A long connection of one bot to its platform (Telegram long polling, the Discord Gateway, Slack Socket Mode): a
 * daemon thread of its own that keeps reconnecting until closed, and the one way such a connection writes what it
 * receives: to {@code chat.in.<platform>} with {@code bot-id} and {@code received-at}, returning only once Kafka
 * acknowledged it, so the connection can then confirm it to the platform.
 */
abstract class Connector implements AutoCloseable {
    protected final String botId;
    protected final Topics topics;
    protected final Producer<byte[], byte[]> producer;
    protected final LongSupplier clock;
    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected volatile boolean running = true;
    private volatile Thread thread;

    Connector(String botId, Topics topics, Producer<byte[], byte[]> producer, LongSupplier clock) {
        this.botId = botId;
        this.topics = topics;
        this.producer = producer;
        this.clock = clock;
    }

    /** The connection's life: connect, read, reconnect, until {@link #running} is false. */
    protected abstract void loop();

    /** Starts the connection on a daemon thread named {@code <name>-<bot>}. */
    @SuppressWarnings("unchecked")
    public <T extends Connector> T start(String name) {
        Thread t = new Thread(this::loop, name + "-" + botId);
        t.setDaemon(true);
        thread = t;
        t.start();
        return (T) this;
    }

    /** Writes one received item and waits for Kafka's acknowledgement. */
    protected void write(String platform, String key, byte[] value, Map<String, String> headers) throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.inbound(platform),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
        record.headers().add(Headers.BOT_ID, botId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(Headers.RECEIVED_AT, Long.toString(clock.getAsLong()).getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(record).get(60, TimeUnit.SECONDS);
    }

    /** Waits {@code millis} (or until closed); false when the wait was interrupted. */
    protected boolean pause(long millis) {
        long end = System.currentTimeMillis() + millis;
        try {
            while (running && System.currentTimeMillis() < end) {
                Thread.sleep(Math.max(1, Math.min(200, end - System.currentTimeMillis())));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits about {@code backoff} (between half of it and all of it), false when interrupted. */
    protected boolean pauseJittered(long backoff) {
        return pause(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
    }

    /** The next backoff: doubled, at most {@code max}. */
    protected static long doubled(long backoff, long max) {
        return Math.min(backoff * 2, max);
    }

    /**
     * A WebSocket connection's text frames, reassembled from their parts and handled one at a time: the next is
     * asked for only once one is handled (so a frame's record is in Kafka before the next is read).
     */
    protected abstract class Frames implements WebSocket.Listener {
        volatile WebSocket ws;
        /** Completes when the connection ends: with the close code, or null for a drop or a failure. */
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder frame = new StringBuilder();
        private final String connection;

        /** @param connection what the connection is, for log lines ("Discord Gateway") */
        protected Frames(String connection) {
            this.connection = connection;
        }

        /** One whole text frame. */
        protected abstract void handle(WebSocket webSocket, String text) throws Exception;

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            frame.append(data);
            if (last) {
                String text = frame.toString();
                frame.setLength(0);
                try {
                    handle(webSocket, text);
                } catch (Exception e) {
                    log.warn("{} for bot {}: a frame could not be handled ({}); reconnecting", connection, botId, e.toString());
                    webSocket.abort();
                    closed.complete(null);
                    return null;
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            log.warn("{} for bot {}: {}", connection, botId, error.toString());
            closed.complete(null);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            t.join(5_000);
        }
    }
}
