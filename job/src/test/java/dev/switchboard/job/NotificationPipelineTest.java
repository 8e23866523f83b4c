package dev.switchboard.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Headers;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.Json;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.redis.Identities;
import dev.switchboard.redis.RedisClients;
import dev.switchboard.testkit.MiniClusters;
import dev.switchboard.testkit.RedisProcess;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications on the whole topology with a real redis-server and routes already in it (as the job records them):
 * each platform's proactive send (LINE push, not reply), a linked person's latest account, WhatsApp's 24-hour
 * window, a notification sent twice, and the dead letters of the undeliverable and the unreadable. Without Redis
 * every notification is dead-lettered with that reason.
 */
class NotificationPipelineTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final long NOW = System.currentTimeMillis();

    @Test
    void notificationsGoWhereTheirAddresseesWereLastSeenOrToTheDeadLetters(@TempDir Path tmp) throws Exception {
        try (RedisProcess redis = RedisProcess.start(tmp.resolve("redis"))) {
            RedissonClient client = RedisClients.create(redis.address());
            try {
                Identities ids = new Identities(client);
                route(ids, null, new Identities.Route("line", "U4af4980629", "U4af4980629", null, null, "support:line:U4af4980629", NOW - 3_600_000));
                route(ids, null, new Identities.Route("whatsapp", "16315551181", "16315551181", null, "106540352242922",
                        "support:whatsapp:16315551181", NOW - 3_600_000));
                route(ids, null, new Identities.Route("whatsapp", "4915100000", "4915100000", null, "106540352242922",
                        "support:whatsapp:4915100000", NOW - Duration.ofHours(30).toMillis()));
                // A person seen on Telegram, then later on Discord.
                route(ids, null, new Identities.Route("telegram", "42", "42", null, null, "support:telegram:42", NOW - 7_200_000));
                route(ids, null, new Identities.Route("discord", "80351110224678912", "1042", null, null,
                        "support:discord:1042", NOW - 600_000));
                String code = ids.issueCode("support", "telegram", "42", "support:telegram:42", "m1").toCompletableFuture()
                        .get(10, TimeUnit.SECONDS).detail();
                String person = ids.redeem("support", "discord", "80351110224678912", code, "m2").toCompletableFuture()
                        .get(10, TimeUnit.SECONDS).person();

                List<InboundRecord> in = new ArrayList<>();
                notify(in, "{\"id\":\"n-line\",\"to\":{\"platform\":\"line\",\"userId\":\"U4af4980629\"},\"text\":\"Your table is ready.\"}");
                notify(in, "{\"id\":\"n-wa\",\"botId\":\"support\",\"to\":{\"platform\":\"whatsapp\",\"userId\":\"16315551181\"},"
                        + "\"text\":\"Your order **48213** shipped.\",\"priority\":\"urgent\"}");
                notify(in, "{\"id\":\"n-wa\",\"botId\":\"support\",\"to\":{\"platform\":\"whatsapp\",\"userId\":\"16315551181\"},"
                        + "\"text\":\"Your order **48213** shipped.\",\"priority\":\"urgent\"}");
                notify(in, "{\"id\":\"n-wa-late\",\"to\":{\"platform\":\"whatsapp\",\"userId\":\"4915100000\"},\"text\":\"hello\"}");
                notify(in, "{\"id\":\"n-person\",\"to\":{\"person\":\"" + person + "\"},\"text\":\"Refund sent.\"}");
                notify(in, "{\"id\":\"n-tg\",\"to\":{\"platform\":\"telegram\",\"userId\":\"42\"},\"text\":\"Via the person.\"}");
                notify(in, "{\"id\":\"n-nobody\",\"to\":{\"person\":\"p-unknown\"},\"text\":\"hi\"}");
                notify(in, "{\"id\":\"n-bad\",\"to\":{\"platform\":\"telegram\",\"userId\":\"42\"},\"text\":\"hi\",\"priority\":\"high\"}");

                Outputs out = run(in, List.of("--redis", redis.address()));
                assertThat(out.replies).hasSize(4);
                OutboundRecord line = out.reply("n-line");
                assertThat(line.topic()).isEqualTo("chat.out.line");
                assertThat(line.headers().get(Headers.ENDPOINT)).isEqualTo("v2/bot/message/push");
                assertThat(json(line).get("to").asText()).isEqualTo("U4af4980629");

                OutboundRecord wa = out.reply("n-wa");
                assertThat(wa.topic()).isEqualTo("chat.out.whatsapp");
                assertThat(json(wa).get("to").asText()).isEqualTo("16315551181");
                assertThat(json(wa).path("text").path("body").asText()).isEqualTo("Your order *48213* shipped.");
                assertThat(wa.headers().get(Headers.PRIORITY)).isEqualTo("urgent");
                assertThat(wa.headers().get(Headers.IDEMPOTENCY_KEY)).isNotBlank();

                // The person's latest account is Discord; a notification to their Telegram account follows them there.
                assertThat(out.reply("n-person").topic()).isEqualTo("chat.out.discord");
                assertThat(out.reply("n-tg").topic()).isEqualTo("chat.out.discord");

                assertThat(out.deadLetters).extracting(d -> d.headers().get(Headers.ERROR_CLASS))
                        .containsExactlyInAnyOrder("no-route", "no-route", "malformed-notify");
                assertThat(out.deadLetter("n-wa-late").headers().get(Headers.ERROR)).contains("within 24 hours");
                assertThat(out.deadLetter("n-nobody").headers().get(Headers.ERROR)).contains("no route to person p-unknown");
                assertThat(Json.MAPPER.readTree(out.deadLetter("n-nobody").value()).get("text").asText()).isEqualTo("hi");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void withoutRedisANotificationIsDeadLetteredWithThatReason() throws Exception {
        List<InboundRecord> in = new ArrayList<>();
        notify(in, "{\"id\":\"n-1\",\"to\":{\"platform\":\"telegram\",\"userId\":\"42\"},\"text\":\"hi\"}");
        Outputs out = run(in, List.of());
        assertThat(out.replies).isEmpty();
        assertThat(out.deadLetter("n-1").headers()).containsEntry(Headers.ERROR_CLASS, "no-route")
                .containsEntry(Headers.ERROR, "this job runs without Redis (--redis), so it knows no routes");
    }

    private static void route(Identities ids, String person, Identities.Route route) throws Exception {
        ids.recordRoute("support", person, route).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void notify(List<InboundRecord> in, String json) {
        in.add(new InboundRecord("chat.notify", 0, in.size(), NOW, null, json.getBytes(StandardCharsets.UTF_8),
                Map.of(Headers.RECEIVED_AT, Long.toString(NOW))));
    }

    private record Outputs(List<OutboundRecord> replies, List<OutboundRecord> deadLetters) {
        OutboundRecord reply(String source) {
            List<OutboundRecord> r = replies.stream().filter(o -> source.equals(o.headers().get(Headers.SOURCE_MESSAGE_ID))).toList();
            assertThat(r).as("replies to " + source).hasSize(1);
            return r.get(0);
        }

        OutboundRecord deadLetter(String id) throws Exception {
            for (OutboundRecord d : deadLetters) {
                if (d.key() != null && id.equals(new String(d.key(), StandardCharsets.UTF_8))) {
                    return d;
                }
            }
            throw new AssertionError("no dead letter for " + id + " in " + deadLetters);
        }
    }

    private static Outputs run(List<InboundRecord> in, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", "unused:9092", "--parallelism", "2", "--intent-model", "rules"));
        args.addAll(extra);
        JobConfig config = JobConfig.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(SwitchboardJob.jobConfiguration(config));
        env.setParallelism(2);
        DataStream<InboundRecord> records = env.fromData(TypeInformation.of(InboundRecord.class), in.toArray(InboundRecord[]::new));
        AtomicReference<CloseableIterator<OutboundRecord>> replies = new AtomicReference<>();
        AtomicReference<CloseableIterator<OutboundRecord>> deadLetters = new AtomicReference<>();
        AtomicReference<CloseableIterator<OutboundRecord>> handoffs = new AtomicReference<>();
        Pipeline.define(records, config, new Pipeline.Sinks(s -> replies.set(s.collectAsync()),
                s -> deadLetters.set(s.collectAsync()), s -> handoffs.set(s.collectAsync())));
        env.execute("notification-pipeline-test");
        return new Outputs(drain(replies.get()), drain(deadLetters.get()));
    }

    private static List<OutboundRecord> drain(CloseableIterator<OutboundRecord> it) throws Exception {
        List<OutboundRecord> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static JsonNode json(OutboundRecord r) throws Exception {
        return Json.MAPPER.readTree(r.value());
    }
}
