package dev.switchboard.job;

import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.redis.RedisClients;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.MiniClusters;
import dev.switchboard.testkit.RedisProcess;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis stopped for 30 s under load and started again: the job keeps running and answers every message once
 * (lookups with their "unavailable" words, link commands "unavailable", linked identities falling back to the
 * account's own session); when Redis is back, lookups and linking work again without a restart of the job.
 */
class RedisOutageITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void aThirtySecondOutageUnderLoadLosesNothingAndHealsByItself(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             RedisProcess redis = RedisProcess.start(tmp.resolve("redis"));
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            Topics topics = new Topics("outage.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            fillOrder(redis);
            JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--intent-model", "rules", "--checkpoint-interval", "1s", "--checkpoint-dir", tmp.resolve("cp").toUri().toString(),
                    "--parallelism", "2", "--partition-discovery-interval", "1s", "--redis", redis.address(), "--redis-timeout", "300ms"));
            JobClient job = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(SwitchboardJob.jobConfiguration(config)),
                    config).executeAsync("redis-outage");
            AtomicLong updates = new AtomicLong(1_000);
            Set<String> loadSent = ConcurrentHashMap.newKeySet();
            AtomicBoolean loading = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                // 40 users saying hello, about 25 messages a second, for the whole test.
                for (int i = 0; loading.get(); i++) {
                    long id = updates.incrementAndGet();
                    try {
                        send(producer, topics, id, 2_000 + i % 40, "hello");
                        loadSent.add(Long.toString(id));
                        Thread.sleep(40);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "load");
            try (Replies replies = new Replies(kafka, topics)) {
                load.start();
                say(producer, topics, updates, 901, "where is my order");
                assertThat(replies.next("901")).isEqualTo("Sure. What's your order number?");
                say(producer, topics, updates, 901, "48213");
                assertThat(replies.next("901")).isEqualTo("Order <b>48213</b> is delivered. Expected: today (UPS).");

                redis.stopServer();
                long down = System.currentTimeMillis();
                say(producer, topics, updates, 902, "where is my order");
                assertThat(replies.next("902")).isEqualTo("Sure. What's your order number?");
                say(producer, topics, updates, 902, "48213");
                assertThat(replies.next("902")).startsWith("Got it: order <b>48213</b>. I've requested its latest status");
                say(producer, topics, updates, 903, "/link");
                assertThat(replies.next("903")).isEqualTo("Linking is unavailable right now. Please try again later.");
                Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.currentTimeMillis() - down)));

                redis.startServer();
                fillOrder(redis);
                // Back without a restart: a lookup finds the order again, a link code is issued again.
                String answer = null;
                long deadline = System.currentTimeMillis() + 60_000;
                for (int user = 910; System.currentTimeMillis() < deadline; user++) {
                    say(producer, topics, updates, user, "where is my order 48213");
                    answer = replies.next(Integer.toString(user));
                    if (answer.startsWith("Order")) {
                        break;
                    }
                    Thread.sleep(500);
                }
                assertThat(answer).isEqualTo("Order <b>48213</b> is delivered. Expected: today (UPS).");
                say(producer, topics, updates, 904, "/link");
                assertThat(replies.next("904")).startsWith("Your link code is <b>");

                loading.set(false);
                load.join();
                // Every load message answered, each once.
                Map<String, Integer> answered = replies.awaitSources(loadSent, Duration.ofSeconds(60));
                assertThat(answered.keySet()).containsAll(loadSent);
                assertThat(answered.entrySet()).filteredOn(e -> loadSent.contains(e.getKey()))
                        .allSatisfy(e -> assertThat(e.getValue()).as("replies to update " + e.getKey()).isEqualTo(1));
                assertThat(loadSent).hasSizeGreaterThan(500);
            } finally {
                loading.set(false);
                load.join();
                job.cancel().get();
            }
        }
    }

    private static void fillOrder(RedisProcess redis) {
        RedissonClient client = RedisClients.create(redis.address());
        try {
            client.getMap("order:48213", StringCodec.INSTANCE).putAll(Map.of("status", "delivered", "eta", "today", "carrier", "UPS"));
        } finally {
            client.shutdown();
        }
    }

    private static void say(KafkaProducer<byte[], byte[]> producer, Topics topics, AtomicLong updates, long chat, String text)
            throws Exception {
        send(producer, topics, updates.incrementAndGet(), chat, text);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, long updateId, long chat, String text)
            throws Exception {
        producer.send(new ProducerRecord<>(topics.inbound("telegram"), Long.toString(chat).getBytes(StandardCharsets.UTF_8),
                KafkaClients.telegramUpdate(updateId, chat, text).getBytes(StandardCharsets.UTF_8))).get();
    }

    /** The Telegram replies by chat, and how many replies each source message got. */
    private static final class Replies implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, ArrayDeque<String>> byChat = new HashMap<>();
        private final Map<String, Integer> bySource = new HashMap<>();

        Replies(EmbeddedKafka kafka, Topics topics) {
            consumer = KafkaClients.consumer(kafka, "outage-reader", false);
            consumer.subscribe(Pattern.compile(Pattern.quote(topics.outbound("telegram"))));
        }

        private void poll() throws Exception {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                byChat.computeIfAbsent(KafkaClients.key(r), k -> new ArrayDeque<>())
                        .add(Json.MAPPER.readTree(r.value()).get("text").asText());
                bySource.merge(KafkaClients.header(r, "source-message-id"), 1, Integer::sum);
            }
        }

        String next(String chat) throws Exception {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                ArrayDeque<String> queue = byChat.get(chat);
                if (queue != null && !queue.isEmpty()) {
                    return queue.poll();
                }
                poll();
            }
            throw new AssertionError("no reply for chat " + chat + " within 60 s");
        }

        Map<String, Integer> awaitSources(Set<String> sources, Duration timeout) throws Exception {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (!bySource.keySet().containsAll(sources) && System.currentTimeMillis() < deadline) {
                poll();
            }
            // A little longer: a duplicate would come right behind.
            for (int i = 0; i < 5; i++) {
                poll();
            }
            return bySource;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
