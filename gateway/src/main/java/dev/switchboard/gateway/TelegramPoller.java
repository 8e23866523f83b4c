package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Headers;
import dev.switchboard.model.Json;
import dev.switchboard.model.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Telegram long polling, for a bot without a public HTTPS URL: {@code getUpdates} with a long timeout, each update
 * written to {@code chat.in.telegram} (as the webhook would deliver it: the update object, {@code bot-id},
 * {@code received-at}, the chat as key), and the offset moved past a batch only once Kafka acknowledged all of it.
 * Telegram forgets updates below the offset a call names, so a crash before the acknowledgement reads the same
 * updates again (the job answers a redelivered update once) and never skips one.
 *
 * <p>Errors: a refused call (a wrong token: 401; a webhook still set: 409) is logged with Telegram's description
 * and tried again after a minute; 429 waits {@code retry_after}; anything else backs off from 1 s to 30 s.
 */
public final class TelegramPoller implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramPoller.class);

    private final String apiBase;
    private final String token;
    private final String botId;
    private final Topics topics;
    private final Producer<byte[], byte[]> producer;
    private final LongSupplier clock;
    private final int pollSeconds;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private volatile boolean running = true;
    private volatile Thread thread;
    private long offset;

    /**
     * @param apiBase {@code https://api.telegram.org} (a local fake in tests)
     * @param pollSeconds getUpdates' long-poll timeout
     */
    public TelegramPoller(String apiBase, String token, String botId, Topics topics, Producer<byte[], byte[]> producer,
            LongSupplier clock, int pollSeconds) {
        this.apiBase = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        this.token = token;
        this.botId = botId;
        this.topics = topics;
        this.producer = producer;
        this.clock = clock;
        this.pollSeconds = pollSeconds;
    }

    /** Starts polling on a daemon thread of its own. */
    public TelegramPoller start() {
        Thread t = new Thread(this, "telegram-poller-" + botId);
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    /** The next update id the poller will ask for (every update below it is in Kafka). */
    public long offset() {
        return offset;
    }

    @Override
    public void run() {
        long backoff = 1_000;
        while (running) {
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(apiBase + "/bot" + token
                                + "/getUpdates?timeout=" + pollSeconds + "&offset=" + offset))
                        .timeout(Duration.ofSeconds(pollSeconds + 15)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                JsonNode body = parse(response.body());
                if (response.statusCode() == 200 && body.path("ok").asBoolean()) {
                    write(body.path("result"));
                    backoff = 1_000;
                    continue;
                }
                String description = body.path("description").asText("HTTP " + response.statusCode());
                long wait = response.statusCode() == 429 ? body.path("parameters").path("retry_after").asLong(5) * 1000
                        : response.statusCode() == 401 || response.statusCode() == 409 ? 60_000 : backoff;
                LOG.warn("Telegram getUpdates for bot {} refused: {} ({}); trying again in {} s", botId, response.statusCode(),
                        description.replace(token, "<token>"), wait / 1000);
                sleep(wait);
                backoff = Math.min(backoff * 2, 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                // The token is part of the Bot API's URL: keep it out of the log.
                LOG.warn("Telegram getUpdates for bot {} failed ({}); trying again in {} s", botId,
                        String.valueOf(e).replace(token, "<token>"), backoff / 1000);
                try {
                    sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    /** Telegram's JSON answer, or an empty object when the answer is not JSON (a proxy's error page). */
    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node == null ? Json.MAPPER.createObjectNode() : node;
        } catch (java.io.IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    /** Writes a batch; returns once Kafka acknowledged every update, then moves the offset past them. */
    private void write(JsonNode updates) throws Exception {
        if (!updates.isArray() || updates.isEmpty()) {
            return;
        }
        long receivedAt = clock.getAsLong();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        long last = offset - 1;
        for (JsonNode update : updates) {
            byte[] value = Json.MAPPER.writeValueAsBytes(update);
            String key = ConversationKeys.of("telegram", value);
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.inbound("telegram"),
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
            record.headers().add(Headers.BOT_ID, botId.getBytes(StandardCharsets.UTF_8));
            record.headers().add(Headers.RECEIVED_AT, Long.toString(receivedAt).getBytes(StandardCharsets.UTF_8));
            acks.add(producer.send(record));
            last = Math.max(last, update.path("update_id").asLong(last));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(60, TimeUnit.SECONDS);
        }
        offset = last + 1;
    }

    private void sleep(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (running && System.currentTimeMillis() < end) {
            Thread.sleep(Math.min(200, end - System.currentTimeMillis()));
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
