package dev.switchboard.testkit;

import dev.switchboard.model.Headers;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated users: a pool of conversations, each following a script in English or Chinese (orders
 * with and without the number, refunds, complaints, urgent handoffs, small talk), spread over Telegram,
 * Slack and WhatsApp, written to {@code chat.in.<platform>} at a steady rate. A small share of
 * deliveries is repeated (as platforms redeliver webhooks) or truncated (malformed).
 */
public final class DemoTraffic implements Runnable {
    private static final List<List<String>> SCRIPTS = List.of(
            List.of("hi", "where is my order?", "it's #{order}", "thanks!", "bye"),
            List.of("hello there", "I want a refund", "order {order}", "thank you"),
            List.of("my package hasn't arrived yet, order {order}", "thanks"),
            List.of("this is unacceptable, worst service ever", "hello? anyone?"),
            List.of("URGENT: I need to talk to a human asap"),
            List.of("hey", "what's the weather like?", "where's my parcel", "A-{order}", "ok bye"),
            List.of("你好", "我的订单到哪了？", "订单号 {order}", "谢谢"),
            List.of("我要退款", "{order}", "再见"),
            List.of("紧急！请转人工客服"),
            List.of("快递还没到，单号{order}", "谢谢"));
    /** The second tenant's users: table reservations, hours and the menu, in Chinese and English. */
    private static final List<List<String>> SECOND_TENANT_SCRIPTS = List.of(
            List.of("你好", "帮我订明天晚上4位", "13800138000"),
            List.of("hi", "a table for 2 on friday", "dinner", "021-6543-2100", "thanks bye"),
            List.of("营业时间是多少", "有素食吗", "再见"),
            List.of("can I see the menu", "do you have vegetarian dishes", "let me talk to someone"));
    private static final String[] NAMES = {"Alice", "Bob", "Chen Wei", "Dana", "Eve", "李娜", "Farid", "Grace", "王芳", "Hiro"};

    private final String bootstrapServers;
    private final Topics topics;
    private final double ratePerSecond;
    private final int conversations;
    private final Random random = new Random(42);
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;

    private final List<Conversation> pool = new ArrayList<>();
    /** Cumulative weights of the pool's slots when activity is skewed; null when uniform. */
    private final double[] skew;
    private final double malformedShare;
    private final double redeliveryShare;
    private long nextConversation;
    private long updateId = 500_000_000L;

    /** The simulated users talk to the shipped support bot (its scripts are order status, refunds, handoffs). */
    public static final String BOT_ID = "support";
    /**
     * Order numbers the simulated users ask about: from {@code FIRST_ORDER}, {@code ORDER_SPAN} of them. The demo's
     * order system knows the first 5,000, so about one order in six is not found.
     */
    public static final int FIRST_ORDER = 10_000;
    public static final int ORDER_SPAN = 6_000;
    /** With a second tenant, every fourth conversation is with the shipped restaurant bot. */
    public static final String SECOND_BOT_ID = "trattoria";

    private final boolean secondTenant;

    public DemoTraffic(String bootstrapServers, Topics topics, double ratePerSecond, int conversations, boolean secondTenant) {
        this(bootstrapServers, topics, ratePerSecond, conversations, false, 0.01, 0.02, 42, secondTenant);
    }

    public DemoTraffic(String bootstrapServers, Topics topics, double ratePerSecond, int conversations, boolean skewed,
                double malformedShare, double redeliveryShare, long seed) {
        this(bootstrapServers, topics, ratePerSecond, conversations, skewed, malformedShare, redeliveryShare, seed, false);
    }

    private DemoTraffic(String bootstrapServers, Topics topics, double ratePerSecond, int conversations, boolean skewed,
                double malformedShare, double redeliveryShare, long seed, boolean secondTenant) {
        this.secondTenant = secondTenant;
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.ratePerSecond = ratePerSecond;
        this.conversations = conversations;
        this.malformedShare = malformedShare;
        this.redeliveryShare = redeliveryShare;
        this.random.setSeed(seed);
        if (skewed) {
            skew = new double[conversations];
            double total = 0;
            for (int i = 0; i < conversations; i++) {
                total += 1.0 / (i + 1);
                skew[i] = total;
            }
        } else {
            skew = null;
        }
    }

    public long sent() {
        return sent.get();
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long intervalNanos = (long) (1_000_000_000L / ratePerSecond);
            long next = System.nanoTime();
            while (running) {
                long now = System.nanoTime();
                if (now < next) {
                    long sleepMs = (next - now) / 1_000_000;
                    if (sleepMs > 0) {
                        Thread.sleep(Math.min(sleepMs, 100));
                    }
                    continue;
                }
                next += intervalNanos;
                sendOne(producer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendOne(KafkaProducer<byte[], byte[]> producer) {
        for (ProducerRecord<byte[], byte[]> record : next(System.currentTimeMillis()).records()) {
            producer.send(record);
            sent.incrementAndGet();
        }
    }

    /** One user action: its delivery, or a truncated one, or the delivery twice (a redelivery). */
    public record Deliveries(List<ProducerRecord<byte[], byte[]>> records, boolean malformed, boolean redelivered) {}

    /**
     * The next user action of a conversation from the pool, stamped {@code receivedAt} (the received-at
     * header). With a skewed pool, conversation i is picked with probability proportional to 1/(i+1):
     * a few very active conversations and a long tail.
     */
    public Deliveries next(long receivedAt) {
        if (pool.isEmpty()) {
            for (int i = 0; i < conversations; i++) {
                pool.add(newConversation());
            }
        }
        int slot = skew == null ? random.nextInt(pool.size()) : skewedSlot();
        Conversation c = pool.get(slot);
        String text = c.script.get(c.step).replace("{order}", c.order);
        long now = receivedAt;
        byte[] payload = switch (c.platform) {
            // One case per platform: a platform without demo traffic fails loudly here.
            case Platforms.TELEGRAM -> DemoPayloads.telegram(updateId++, c.step + 1, Long.parseLong(c.userId), c.name, text, now);
            case Platforms.SLACK -> DemoPayloads.slack("Ev" + Long.toString(updateId++, 36).toUpperCase(), c.chatId, c.userId, text, now, updateId);
            case Platforms.DISCORD -> DemoPayloads.discord(updateId, Long.toString(1_300_000_000_000_000_000L + updateId++),
                    c.chatId, c.userId, c.name, text, now);
            case Platforms.FEISHU -> DemoPayloads.feishu("ev" + Long.toString(updateId, 36), "om_demo" + Long.toString(updateId++, 36),
                    c.chatId, c.userId, text, now);
            case Platforms.DINGTALK -> DemoPayloads.dingtalk("msgDemo" + Long.toString(updateId++, 36) + "==", "cidDemo" + c.userId,
                    c.userId, c.name, text, now);
            case Platforms.WECOM, Platforms.WECHAT -> DemoPayloads.wechatFamily(Platforms.WECOM.equals(c.platform),
                    Long.toString(24_000_000_000_000_000L + updateId++), c.userId, text, now);
            case Platforms.LINE -> DemoPayloads.line("01DEMO" + Long.toString(updateId, 36).toUpperCase(),
                    Long.toString(500_000_000_000_000_000L + updateId++), c.userId, text, now);
            case Platforms.WHATSAPP -> DemoPayloads.whatsapp("wamid.DEMO" + Long.toString(updateId++, 36).toUpperCase(), c.userId, c.name, text, now);
            default -> throw new IllegalStateException("the demo has no traffic for " + c.platform);
        };
        double dice = random.nextDouble();
        boolean malformed = dice < malformedShare;
        if (malformed) {
            payload = java.util.Arrays.copyOf(payload, payload.length / 2); // a truncated delivery
        }
        boolean redelivered = !malformed && dice > 1 - redeliveryShare;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        records.add(record(c, payload, now));
        if (redelivered) {
            records.add(record(c, payload, now)); // the platform redelivers the same webhook
        }
        c.step++;
        if (c.step >= c.script.size()) {
            pool.set(slot, newConversation());
        }
        return new Deliveries(records, malformed, redelivered);
    }

    private int skewedSlot() {
        double u = random.nextDouble() * skew[skew.length - 1];
        int i = java.util.Arrays.binarySearch(skew, u);
        return Math.min(skew.length - 1, i >= 0 ? i : -i - 1);
    }

    private ProducerRecord<byte[], byte[]> record(Conversation c, byte[] payload, long now) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.inbound(c.platform),
                c.chatId.getBytes(StandardCharsets.UTF_8), payload);
        record.headers().add(Headers.BOT_ID, c.botId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(Headers.RECEIVED_AT, Long.toString(now).getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private Conversation newConversation() {
        long n = nextConversation++;
        String platform = Platforms.MESSAGING.get((int) (n % Platforms.MESSAGING.size()));
        String name = NAMES[random.nextInt(NAMES.length)];
        String userId;
        String chatId;
        switch (platform) {
            case Platforms.TELEGRAM -> {
                userId = Long.toString(700_000_000L + n);
                chatId = userId;
            }
            case Platforms.SLACK -> {
                userId = "U0" + Long.toString(1_000_000 + n, 36).toUpperCase();
                chatId = "D0" + Long.toString(1_000_000 + n, 36).toUpperCase();
            }
            case Platforms.DISCORD -> {
                userId = Long.toString(1_100_000_000_000_000_000L + n);
                chatId = Long.toString(1_200_000_000_000_000_000L + n);
            }
            case Platforms.LINE -> {
                userId = String.format(Locale.ROOT, "U%032x", n);
                chatId = userId;
            }
            case Platforms.FEISHU -> {
                userId = String.format(Locale.ROOT, "ou_%032x", n);
                chatId = String.format(Locale.ROOT, "oc_%032x", n);
            }
            case Platforms.DINGTALK -> {
                userId = Long.toString(10_000_000_000L + n);
                chatId = userId;
            }
            case Platforms.WECOM -> {
                userId = "demo" + n;
                chatId = userId;
            }
            case Platforms.WECHAT -> {
                userId = String.format(Locale.ROOT, "oDemo%023x", n);
                chatId = userId;
            }
            case Platforms.WHATSAPP -> {
                userId = Long.toString(4915_100_000_000L + n);
                chatId = userId;
            }
            default -> throw new IllegalStateException("the demo has no traffic for " + platform);
        }
        boolean second = secondTenant && n % 4 == 3;
        List<List<String>> scripts = second ? SECOND_TENANT_SCRIPTS : SCRIPTS;
        return new Conversation(second ? SECOND_BOT_ID : BOT_ID, platform, userId, chatId, name,
                scripts.get(random.nextInt(scripts.size())), Integer.toString(FIRST_ORDER + random.nextInt(ORDER_SPAN)));
    }

    private static final class Conversation {
        final String botId;
        final String platform;
        final String userId;
        final String chatId;
        final String name;
        final List<String> script;
        final String order;
        int step;

        Conversation(String botId, String platform, String userId, String chatId, String name, List<String> script,
                String order) {
            this.botId = botId;
            this.platform = platform;
            this.userId = userId;
            this.chatId = chatId;
            this.name = name;
            this.script = script;
            this.order = order;
        }
    }
}
