package dev.switchboard.demo;

import dev.switchboard.model.Json;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's linked person: Mia asks about an order on Telegram, links her Slack account with the code the bot
 * gives her, finishes the conversation on Slack (the order's status comes from Redis), and a notification the
 * company sends to her Telegram account reaches her on Slack, where she was last seen. Each step is printed.
 */
final class DemoShowcase implements Runnable {
    static final long TELEGRAM_USER = 7_000_001L;
    static final String SLACK_USER = "U0MIA0001";
    static final String SLACK_CHANNEL = "D0MIA0001";
    static final String ORDER = "10042";

    private final String bootstrap;
    private final Topics topics;
    private final PrintStream out;

    DemoShowcase(String bootstrap, Topics topics, PrintStream out) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.out = out;
    }

    @Override
    public void run() {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> replies = KafkaClients.consumer(bootstrap, "switchboard-demo-showcase", true)) {
            replies.subscribe(Pattern.compile(Pattern.quote(topics.outbound("telegram")) + "|" + Pattern.quote(topics.outbound("slack"))));
            telegram(producer, 1, "where is my order?");
            await(replies, "telegram", Long.toString(TELEGRAM_USER));
            telegram(producer, 2, "/link");
            String codeReply = await(replies, "telegram", Long.toString(TELEGRAM_USER));
            Matcher code = Pattern.compile("<b>(\\d{6})</b>").matcher(codeReply == null ? "" : codeReply);
            if (!code.find()) {
                out.println("  linked person: no link code came back (" + codeReply + ")");
                return;
            }
            slack(producer, "1700000001.000100", "link " + code.group(1));
            await(replies, "slack", SLACK_CHANNEL);
            slack(producer, "1700000002.000100", ORDER);
            await(replies, "slack", SLACK_CHANNEL);
            String notification = "{\"id\":\"demo-shipped-" + ORDER + "\",\"botId\":\"support\",\"to\":{\"platform\":\"telegram\","
                    + "\"userId\":\"" + TELEGRAM_USER + "\"},\"text\":\"Good news: order **" + ORDER + "** is out for delivery.\"}";
            out.println("  linked person: chat.notify    → to telegram user " + TELEGRAM_USER + ": " + notification);
            producer.send(new ProducerRecord<>(topics.notifications(), null, notification.getBytes(StandardCharsets.UTF_8))).get();
            await(replies, "slack", SLACK_CHANNEL);
            // A question the bot's knowledge answers, then an open one for the (fake) language model.
            slack(producer, "1700000003.000100", "do you ship to canada?");
            await(replies, "slack", SLACK_CHANNEL);
            slack(producer, "1700000004.000100", "can I get a discount if I buy ten?");
            await(replies, "slack", SLACK_CHANNEL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            out.println("  linked person: stopped: " + e);
        }
    }

    private void telegram(KafkaProducer<byte[], byte[]> producer, long n, String text) throws Exception {
        out.println("  linked person: telegram  Mia → " + text);
        String update = "{\"update_id\":" + (900_000_000L + n) + ",\"message\":{\"message_id\":" + (900_000 + n)
                + ",\"from\":{\"id\":" + TELEGRAM_USER + ",\"is_bot\":false,\"first_name\":\"Mia\"},\"chat\":{\"id\":"
                + TELEGRAM_USER + ",\"type\":\"private\"},\"date\":" + System.currentTimeMillis() / 1000 + ",\"text\":\"" + text + "\"}}";
        producer.send(new ProducerRecord<>(topics.inbound("telegram"), Long.toString(TELEGRAM_USER).getBytes(StandardCharsets.UTF_8),
                update.getBytes(StandardCharsets.UTF_8))).get();
    }

    private void slack(KafkaProducer<byte[], byte[]> producer, String ts, String text) throws Exception {
        out.println("  linked person: slack     Mia → " + text);
        String event = "{\"token\":\"demo\",\"team_id\":\"T0DEMO\",\"api_app_id\":\"A0DEMO\",\"event\":{\"type\":\"message\","
                + "\"channel\":\"" + SLACK_CHANNEL + "\",\"user\":\"" + SLACK_USER + "\",\"text\":\"" + text + "\",\"ts\":\"" + ts
                + "\",\"event_ts\":\"" + ts + "\",\"channel_type\":\"im\"},\"type\":\"event_callback\",\"event_id\":\"Ev" + ts.replace(".", "")
                + "\",\"event_time\":" + System.currentTimeMillis() / 1000 + "}";
        producer.send(new ProducerRecord<>(topics.inbound("slack"), SLACK_CHANNEL.getBytes(StandardCharsets.UTF_8),
                event.getBytes(StandardCharsets.UTF_8))).get();
    }

    /** The next reply to {@code chat} on {@code platform} (printed), or null after 60 s. */
    private String await(KafkaConsumer<byte[], byte[]> consumer, String platform, String chat) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(topics.outbound(platform)) && chat.equals(KafkaClients.key(r))) {
                    String text = Json.MAPPER.readTree(r.value()).path("text").asText();
                    out.println("  linked person: " + String.format("%-9s", platform) + " bot → " + text);
                    return text;
                }
            }
        }
        out.println("  linked person: no reply on " + platform + " within 60 s");
        return null;
    }
}
