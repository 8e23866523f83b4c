package dev.switchboard.job;

import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.LlmFake;
import dev.switchboard.testkit.MiniClusters;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Knowledge answers and generated replies over Kafka: the clinic example (encoder head, knowledge, generation against
 * the local chat-completions fake) and the shipped support bot (n-gram intents, knowledge) in one job on a mini-cluster
 * with a real broker. Telegram updates in, sendMessage bodies out with {@code knowledge-id} and {@code generated-by}
 * headers; a session's second open question waits for the first's slow answer and its prompt holds it.
 */
class AnswersITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static String telegram(long updateId, long messageId, long chatId, String text) {
        return "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + messageId + ",\"from\":{\"id\":" + chatId
                + ",\"is_bot\":false,\"first_name\":\"Ana\"},\"chat\":{\"id\":" + chatId + ",\"first_name\":\"Ana\","
                + "\"type\":\"private\"},\"date\":1764000000,\"text\":\"" + text + "\"}}";
    }

    @Test
    void knowledgeAndGeneratedRepliesOverKafka(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); LlmFake llm = new LlmFake(0)) {
            llm.delayRequest(1, 1_500);
            Topics topics = new Topics("answers.chat.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            String clinic = Files.readString(Path.of("..", "bots", "examples", "clinic.yaml"))
                    .replace("http://localhost:8090/v1/chat/completions", llm.endpoint())
                    .replace("  api_key_env: CLINIC_LLM_KEY\n", "");
            Path clinicFile = Files.writeString(dir.resolve("clinic.yaml"), clinic);

            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
                send(producer, topics, 501, "clinic", telegram(1, 1, 501, "what time do you open on saturday"));
                send(producer, topics, 502, "clinic", telegram(2, 1, 502, "what is the weather like today"));
                send(producer, topics, 502, "clinic", telegram(3, 2, 502, "can you recommend a good toothpaste"));
                send(producer, topics, 503, "clinic", telegram(4, 1, 503, "有停车场吗"));
                send(producer, topics, 504, "support", telegram(5, 1, 504, "do you deliver to canada"));
                send(producer, topics, 505, "clinic", telegram(6, 1, 505, "I'd like to book an appointment"));
                producer.flush();
            }

            JobConfig config = JobConfig.parse(List.of(
                    "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--group-id", "it-answers", "--delivery-guarantee", "at-least-once",
                    "--checkpoint-interval", "1s", "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(),
                    "--parallelism", "2", "--partition-discovery-interval", "1s",
                    "--bot", Path.of("..", "bots", "support.yaml").toString(), "--bot", clinicFile.toString()));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(SwitchboardJob.jobConfiguration(config));
            JobClient job = SwitchboardJob.build(env, config).executeAsync("switchboard-answers-it");
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka, "it-answers-reader", true)) {
                consumer.subscribe(Pattern.compile(Pattern.quote(topics.outbound("telegram"))));
                long deadline = System.currentTimeMillis() + 120_000;
                while (System.currentTimeMillis() < deadline && out.size() < 6) {
                    consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                }
            } finally {
                job.cancel().get();
            }

            assertThat(out).hasSize(6);
            ConsumerRecord<byte[], byte[]> hours = only(out, "501");
            assertThat(KafkaClients.header(hours, "knowledge-id")).isEqualTo("opening-hours");
            assertThat(text(hours)).contains("Saturday 9:00–13:00");
            ConsumerRecord<byte[], byte[]> parking = only(out, "503");
            assertThat(KafkaClients.header(parking, "knowledge-id")).isEqualTo("parking");
            assertThat(text(parking)).contains("免费停车场");
            ConsumerRecord<byte[], byte[]> abroad = only(out, "504");
            assertThat(KafkaClients.header(abroad, "knowledge-id")).isEqualTo("shipping-abroad");
            assertThat(KafkaClients.header(abroad, "bot-id")).isEqualTo("support");
            ConsumerRecord<byte[], byte[]> booking = only(out, "505");
            assertThat(KafkaClients.header(booking, "knowledge-id")).isNull();
            assertThat(text(booking)).isEqualTo("Which day suits you?");

            List<ConsumerRecord<byte[], byte[]>> open = out.stream().filter(r -> key(r).equals("502")).toList();
            assertThat(open).hasSize(2);
            assertThat(open).allSatisfy(r -> assertThat(KafkaClients.header(r, "generated-by")).isEqualTo("qwen2.5-7b-instruct"));
            assertThat(text(open.get(0))).startsWith("Generated answer 1 (local fake model) to: what is the weather like today");
            assertThat(text(open.get(1))).startsWith("Generated answer 2 (local fake model) to: can you recommend a good toothpaste");
            assertThat(llm.requests()).hasSize(2);
            assertThat(llm.promptText(1)).contains("assistant: Generated answer 1 (local fake model) to: what is the weather like today");
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, long chat, String bot, String json) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.inbound("telegram"),
                Long.toString(chat).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
        r.headers().add("bot-id", bot.getBytes(StandardCharsets.UTF_8));
        producer.send(r);
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> only(List<ConsumerRecord<byte[], byte[]>> records, String chat) {
        List<ConsumerRecord<byte[], byte[]>> matching = records.stream().filter(r -> key(r).equals(chat)).toList();
        assertThat(matching).as("replies to chat %s", chat).hasSize(1);
        return matching.get(0);
    }

    private static String text(ConsumerRecord<byte[], byte[]> r) throws Exception {
        return dev.switchboard.model.Json.MAPPER.readTree(r.value()).path("text").asText();
    }
}
