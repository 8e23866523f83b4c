package dev.switchboard.bench;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.job.JobConfig;
import dev.switchboard.job.SwitchboardJob;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.dialogue.BotPolicy;
import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.understand.BotClassifier;
import dev.switchboard.understand.BotKeywordRules;
import dev.switchboard.understand.BotModels;
import dev.switchboard.understand.OnnxIntentSession;
import dev.switchboard.understand.Understanding;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What a bot definition costs, in one run: reading and checking it, training its intent model, loading that
 * into ONNX Runtime (the steps between publishing a definition and answering with it), for a generated
 * definition of 20 intents × 2 languages × 50 examples against the shipped support bot (8 intents, 1,138
 * examples) as the baseline; and the definition-driven policy's decisions per second against the model's
 * single-message classification and the keyword matcher on the same messages; with {@code --swap}, the time
 * from publishing a definition to a running job to that bot's first reply. Run: {@code bin/bench definitions [ROUNDS] [--swap]}.
 */
public final class DefinitionBenchmark {
    private DefinitionBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : 5;
        byte[] support = Bots.shippedYaml("support").getBytes(StandardCharsets.UTF_8);
        byte[] generated = generated(20, 50).getBytes(StandardCharsets.UTF_8);
        System.out.println("bench: " + rounds + " rounds of read, train and load for each definition ...");
        double[] supportMs = steps(support, "support.yaml", rounds);
        double[] generatedMs = steps(generated, "generated.yaml", rounds);

        BotDefinition bot = BotDefinitionReader.read(support, "support.yaml").orThrow();
        List<String> texts = List.of("hi", "where is my order?", "it's #48213", "thanks!", "I want a refund", "order 51177",
                "this is unacceptable", "URGENT: I need to talk to a human asap", "你好", "我的订单到哪了？", "订单号 48213",
                "谢谢", "我要退款", "再见", "what's the weather like?");
        List<String> swapNames = List.of("generated: 20 intents × 2 languages × 50 examples, a new bot",
                "a copy of the support bot, a new bot");
        List<Long> swapMs = Arrays.asList(args).contains("--swap")
                ? swap(List.of(generated, Bots.shippedYaml("support").replace("bot: support", "bot: support_copy")
                        .getBytes(StandardCharsets.UTF_8)), swapNames)
                : List.of();
        double policy = policyPerSecond(bot, texts, 2.0);
        double keywords = keywordsPerSecond(bot, texts, 2.0);
        double model;
        try (BotClassifier classifier = BotClassifier.trained(bot)) {
            model = modelPerSecond(classifier, texts, 2.0);
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "bin/bench definitions %s — %s, %d cores, %s%n", String.join(" ", args), LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.println("| definition | read + check ms | train ms | load into ONNX Runtime ms | total ms | total ÷ support bot |");
        System.out.println("|---|---|---|---|---|---|");
        row("support bot: 8 intents, 1,138 examples", supportMs, supportMs[3]);
        row("generated: 20 intents × 2 languages × 50 examples (2,000)", generatedMs, supportMs[3]);
        System.out.println();
        System.out.println("| step, one thread, shipped support bot | messages/s | ÷ model classification |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| intent model, one message per run (featurize + ONNX Runtime) | %,.0f | 1.00 |%n", model);
        System.out.printf(Locale.ROOT, "| keyword fallback | %,.0f | %.2f |%n", keywords, keywords / model);
        System.out.printf(Locale.ROOT, "| policy: slots, flows, templates, escaping (BotPolicy.decide) | %,.0f | %.2f |%n", policy, policy / model);

        if (!swapMs.isEmpty()) {
            System.out.println();
            System.out.println("| publish → first reply of the new bot, running job (mini-cluster p=2, embedded broker) | ms |");
            System.out.println("|---|---|");
            for (int i = 0; i < swapMs.size(); i++) {
                System.out.printf(Locale.ROOT, "| %s | %,d |%n", swapNames.get(i), swapMs.get(i));
            }
        }
    }


    /**
     * Publishes definitions to a running job and measures, for each, the time from the publish to the first
     * reply that bot gives: the check, the broadcast, training its model on each TaskManager and answering.
     * A message to the bot is sent every 50 ms until one is answered.
     */
    private static List<Long> swap(List<byte[]> definitions, List<String> names) throws Exception {
        List<Long> swapMs = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            Topics topics = new Topics("swapbench.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            Path checkpoints = Files.createTempDirectory("switchboard-bench-swap");
            JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix",
                    topics.prefix(), "--parallelism", "2", "--checkpoint-dir", checkpoints.toUri().toString(),
                    "--partition-discovery-interval", "1s"));
            JobClient job = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(
                    SwitchboardJob.jobConfiguration(config)), config).executeAsync("swap-bench");
            try (KafkaConsumer<byte[], byte[]> replies = KafkaClients.consumer(kafka, "swap-bench", false)) {
                replies.subscribe(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(topics.outbound("telegram"))));
                // The job is up once the support bot answers.
                awaitReply(producer, replies, topics, "support", 1);
                for (int i = 0; i < definitions.size(); i++) {
                    String id = BotDefinitionReader.read(definitions.get(i), names.get(i)).orThrow().id();
                    long start = System.nanoTime();
                    producer.send(new ProducerRecord<>(topics.bots(), id.getBytes(StandardCharsets.UTF_8), definitions.get(i))).get();
                    awaitReply(producer, replies, topics, id, 1000 + i);
                    swapMs.add((System.nanoTime() - start) / 1_000_000);
                    System.out.printf(Locale.ROOT, "bench: %s answered %d ms after it was published%n", names.get(i),
                            swapMs.get(swapMs.size() - 1));
                }
            } finally {
                job.cancel().get();
            }
        }
        return swapMs;
    }

    private static void awaitReply(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> replies, Topics topics,
            String bot, long chat) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        long update = chat * 1_000;
        while (System.currentTimeMillis() < deadline) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.inbound("telegram"),
                    Long.toString(chat).getBytes(StandardCharsets.UTF_8),
                    KafkaClients.telegramUpdate(update++, chat, "hello").getBytes(StandardCharsets.UTF_8));
            r.headers().add("bot-id", bot.getBytes(StandardCharsets.UTF_8));
            producer.send(r);
            for (var reply : replies.poll(Duration.ofMillis(50))) {
                if (bot.equals(KafkaClients.header(reply, "bot-id"))) {
                    return;
                }
            }
        }
        throw new IllegalStateException("bot " + bot + " did not answer within 120 s");
    }


    private static void row(String name, double[] ms, double baseline) {
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.2f |%n", name, ms[0], ms[1], ms[2], ms[3], ms[3] / baseline);
    }

    /** Median milliseconds of read + check, train, load, and their sum. */
    private static double[] steps(byte[] yaml, String name, int rounds) throws Exception {
        double[][] samples = new double[4][rounds + 1];
        for (int r = 0; r <= rounds; r++) { // round 0 warms up, not counted
            long t0 = System.nanoTime();
            BotDefinition bot = BotDefinitionReader.read(yaml, name).orThrow();
            long t1 = System.nanoTime();
            byte[] onnx = BotModels.train(bot);
            long t2 = System.nanoTime();
            try (OnnxIntentSession session = OnnxIntentSession.load(onnx, name, BotModels.labels(bot), null)) {
                long t3 = System.nanoTime();
                samples[0][r] = (t1 - t0) / 1e6;
                samples[1][r] = (t2 - t1) / 1e6;
                samples[2][r] = (t3 - t2) / 1e6;
                samples[3][r] = (t3 - t0) / 1e6;
                session.labels();
            }
            System.out.printf(Locale.ROOT, "bench: %s round %d: %.0f ms%n", name, r, samples[3][r]);
        }
        double[] out = new double[4];
        for (int i = 0; i < 4; i++) {
            double[] counted = Arrays.copyOfRange(samples[i], 1, rounds + 1);
            Arrays.sort(counted);
            out[i] = counted[counted.length / 2];
        }
        return out;
    }

    private static double policyPerSecond(BotDefinition bot, List<String> texts, double seconds) {
        BotPolicy policy = new BotPolicy(bot);
        BotKeywordRules keywords = new BotKeywordRules(bot);
        List<Understanding> understood = new ArrayList<>();
        for (String t : texts) {
            understood.add(keywords.understand(t));
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long n = 0;
        long start = System.nanoTime();
        DialogueState state = new DialogueState();
        while (System.nanoTime() < end) {
            for (int i = 0; i < texts.size(); i++) {
                UnifiedMessage m = new UnifiedMessage("telegram", bot.id(), Long.toString(n), "42", ChatType.DIRECT, null, null,
                        new Sender("42", "Ana", false), MessageKind.TEXT, texts.get(i), List.of(), List.of(), 0L, "r" + n);
                // Never quiet after a handoff: every decision takes the policy's full path.
                state.handoffUntil = 0;
                policy.decide(state, m, understood.get(i), 1_764_666_000_000L + n * 1_000L);
                n++;
            }
            state = new DialogueState(); // one conversation per pass over the texts
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double keywordsPerSecond(BotDefinition bot, List<String> texts, double seconds) {
        BotKeywordRules keywords = new BotKeywordRules(bot);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long n = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            for (String t : texts) {
                keywords.understand(t);
                n++;
            }
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double modelPerSecond(BotClassifier model, List<String> texts, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long n = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            for (String t : texts) {
                model.classify(t);
                n++;
            }
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** A definition of {@code intents} intents with {@code examples} examples per language, texts made from word lists. */
    static String generated(int intents, int examples) {
        String[] en = {"account", "billing", "delivery", "password", "invoice", "warranty", "coupon", "address", "subscription",
                "return", "exchange", "gift card", "loyalty points", "size", "colour", "store hours", "appointment", "repair",
                "installation", "newsletter"};
        String[] zh = {"账户", "账单", "配送", "密码", "发票", "保修", "优惠券", "地址", "订阅", "退货", "换货", "礼品卡", "积分", "尺码",
                "颜色", "营业时间", "预约", "维修", "安装", "订阅邮件"};
        String[] enFrames = {"I have a question about my %s", "help with %s please", "%s problem", "can you check the %s",
                "what about the %s", "my %s is wrong", "%s?", "how do I change the %s", "is there news on the %s",
                "I need the %s sorted"};
        String[] zhFrames = {"我想问一下%s", "%s有问题", "帮我查%s", "%s怎么改", "关于%s", "%s不对", "%s？", "请处理%s", "%s的情况", "需要%s"};
        Random random = new Random(7);
        StringBuilder y = new StringBuilder("bot: generated\nversion: \"1\"\nlanguages: [en, zh]\nintents:\n");
        for (int i = 0; i < intents; i++) {
            y.append("  topic_").append(i).append(":\n    examples:\n      en:\n");
            for (int e = 0; e < examples; e++) {
                y.append("        - \"").append(String.format(Locale.ROOT, enFrames[e % enFrames.length], en[i % en.length]))
                        .append(e >= enFrames.length ? " " + (e / enFrames.length) + random.nextInt(1000) : "").append("\"\n");
            }
            y.append("      zh:\n");
            for (int e = 0; e < examples; e++) {
                y.append("        - \"").append(String.format(Locale.ROOT, zhFrames[e % zhFrames.length], zh[i % zh.length]))
                        .append(e >= zhFrames.length ? " " + (e / zhFrames.length) + random.nextInt(1000) : "").append("\"\n");
            }
            y.append("    reply: {en: \"About ").append(en[i % en.length]).append(".\", zh: \"关于").append(zh[i % zh.length]).append("。\"}\n");
        }
        y.append("  other:\n    reply: {en: \"Sorry?\", zh: \"抱歉？\"}\n");
        return y.toString();
    }
}
