package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.bot.BotDefinition;
import dev.switchboard.demo.Demo;
import dev.switchboard.dialogue.BotPolicy;
import dev.switchboard.understand.BotClassifier;
import dev.switchboard.understand.Understanding;
import dev.switchboard.format.Formatter;
import dev.switchboard.format.Formatters;
import dev.switchboard.format.PlatformRequest;
import dev.switchboard.format.Reply;
import dev.switchboard.job.JobConfig;
import dev.switchboard.job.SwitchboardJob;
import dev.switchboard.model.Json;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.normalize.Normalized;
import dev.switchboard.normalize.Normalizer;
import dev.switchboard.normalize.Normalizers;
import dev.switchboard.savepoints.SavepointTools;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.understand.KeywordIntentRules;
import dev.switchboard.understand.Languages;
import dev.switchboard.understand.OnnxIntentSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/switchboard}: {@code demo}, {@code run}, {@code normalize <platform>},
 * {@code format <platform>}, {@code send <platform>}. Exit codes: 0 success, 1 bad input, 2 bad usage.
 */
public final class SwitchboardCli {
    static final int OK = 0;
    static final int BAD_INPUT = 1;
    static final int USAGE = 2;

    private static final ObjectMapper PRETTY = Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    /** Each command's usage line, printed by {@code <command> --help} (exit 0) and after a usage error (exit 2). */
    static final Map<String, String> USAGES = Map.ofEntries(
            Map.entry("check", CheckCommand.USAGE),
            Map.entry("chat", ChatCommand.USAGE),
            Map.entry("publish", PublishCommand.USAGE),
            Map.entry("erase-user", EraseUserCommand.USAGE),
            Map.entry("gateway", dev.switchboard.gateway.GatewayMain.USAGE),
            Map.entry("normalize", "usage: switchboard normalize <platform> [--bot-id ID] [--bots-file FILE] [--header NAME=VALUE ...] < payload"),
            Map.entry("format", "usage: switchboard format <platform> < reply.json   (reply: {chatId, text, replyToMessageId, threadId})"),
            Map.entry("classify", "usage: switchboard classify [--bot FILE | --model FILE] < utterances (one per line)"),
            Map.entry("kafka", "usage: switchboard kafka [--topic-prefix chat.]"),
            Map.entry("tail", "usage: switchboard tail --bootstrap-servers H:P [--topic-prefix chat.]"),
            Map.entry("send", Send.USAGE),
            Map.entry("run", "usage: switchboard run --bootstrap-servers H:P [options]"),
            Map.entry("deliver", "usage: switchboard deliver --bootstrap-servers H:P --bots-file FILE [--checkpoint-dir DIR] [--api-base PLATFORM=URL ...] [options]"),
            Map.entry("demo", "usage: switchboard demo [options]\n" + Demo.Options.USAGE));

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    /** Whether stdout is a person's terminal: readable output instead of JSON lines where a command offers both. */
    private final boolean terminal;

    SwitchboardCli(InputStream in, PrintStream out, PrintStream err) {
        this(in, out, err, false);
    }

    SwitchboardCli(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this.terminal = terminal;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) throws Exception {
        int code = new SwitchboardCli(System.in, System.out, System.err, System.console() != null).run(args);
        System.out.flush();
        System.exit(code);
    }

    int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? USAGE : OK;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (args[0].equals("savepoint")) {
            // Its subcommands answer --help themselves.
            return SavepointTools.run(rest, out, err);
        }
        String usage = USAGES.get(args[0]);
        if (usage != null && (rest.contains("--help") || rest.contains("-h"))) {
            out.println(usage);
            if (args[0].equals("run")) {
                out.println("options:");
                printOptions(out);
            }
            if (args[0].equals("deliver")) {
                out.println("options:");
                printDeliverOptions(out);
            }
            return OK;
        }
        switch (args[0]) {
            case "normalize":
                return normalize(rest);
            case "format":
                return format(rest);
            case "run":
                return runJob(rest);
            case "deliver":
                return deliver(rest);
            case "demo":
                return demo(rest);
            case "send":
                return send(rest);
            case "classify":
                return classify(rest);
            case "check":
                return CheckCommand.run(rest, out, err);
            case "chat":
                return ChatCommand.run(rest, in, out, err, terminal);
            case "publish":
                return PublishCommand.run(rest, out, err);
            case "kafka":
                return kafka(rest);
            case "tail":
                return tail(rest);
            case "erase-user":
                return EraseUserCommand.run(rest, out, err);
            case "gateway":
                return dev.switchboard.gateway.GatewayMain.run(rest, out, err);
            default:
                err.println("switchboard: unknown command '" + args[0] + "'");
                usage(err);
                return USAGE;
        }
    }

    private int normalize(List<String> args) throws IOException {
        String botId = "default";
        String secretsFile = null;
        Map<String, String> headers = new java.util.HashMap<>();
        for (int i = 1; i + 1 < args.size(); i += 2) {
            switch (args.get(i)) {
                case "--bot-id" -> botId = args.get(i + 1);
                case "--bots-file" -> secretsFile = args.get(i + 1);
                case "--header" -> {
                    // The Kafka headers an ingress would pass: WeCom/WeChat msg_signature, timestamp, nonce; web-user.
                    String h = args.get(i + 1);
                    int eq = h.indexOf('=');
                    if (eq <= 0) {
                        secretsFile = "\u0000";
                    } else {
                        headers.put(h.substring(0, eq), h.substring(eq + 1));
                    }
                }
                default -> secretsFile = "\u0000";
            }
        }
        if (args.isEmpty() || args.size() % 2 == 0 || "\u0000".equals(secretsFile)) {
            err.println(USAGES.get("normalize"));
            return USAGE;
        }
        Normalizers normalizers;
        try {
            normalizers = Normalizers.with(JobConfig.botSettings(secretsFile));
        } catch (IllegalArgumentException e) {
            err.println("switchboard normalize: " + e.getMessage());
            return USAGE;
        }
        Normalizer normalizer = normalizers.get(args.get(0)).orElse(null);
        if (normalizer == null) {
            err.println("switchboard normalize: unknown platform '" + args.get(0) + "' (supported: "
                    + String.join(", ", Normalizers.platforms()) + ")");
            return USAGE;
        }
        byte[] payload = in.readNBytes(Json.MAX_PAYLOAD_BYTES + 1);
        Normalized result;
        try {
            result = normalizer.normalize(payload, botId, headers);
        } catch (MalformedPayloadException e) {
            err.println("switchboard normalize: " + e.getMessage());
            return BAD_INPUT;
        }
        for (String reason : result.ignored()) {
            err.println("ignored: " + reason);
        }
        if (result.lacksTimestamps()) {
            // As the job does with the record's received-at: the time the payload was read stands in.
            err.println("note: the payload carries no usable time; timestamp is the time it was read");
            result = result.withTimestampsIfMissing(System.currentTimeMillis());
        }
        for (Normalized.Item item : result.messages()) {
            if (item.edit()) {
                err.println("note: message " + item.message().messageId() + " is an edit of an earlier message");
            }
        }
        List<UnifiedMessage> messages = result.unifiedMessages();
        out.println(PRETTY.writeValueAsString(messages.size() == 1 ? messages.get(0) : messages));
        return OK;
    }

    private int format(List<String> args) throws IOException {
        if (args.size() != 1) {
            err.println(USAGES.get("format"));
            return USAGE;
        }
        Formatter formatter = Formatters.forPlatform(args.get(0)).orElse(null);
        if (formatter == null) {
            err.println("switchboard format: unknown platform '" + args.get(0) + "' (supported: "
                    + String.join(", ", Platforms.SUPPORTED) + ")");
            return USAGE;
        }
        Reply reply;
        try {
            JsonNode node = Json.readObject(in.readNBytes(Json.MAX_PAYLOAD_BYTES + 1), "reply");
            for (var it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!List.of("chatId", "text", "replyToMessageId", "threadId", "accountId", "replyToken", "recipientId").contains(f)) {
                    throw new IllegalArgumentException("unknown field '" + f
                            + "' (fields: chatId, text, replyToMessageId, threadId, accountId, replyToken, recipientId)");
                }
            }
            if (node.has("text") && !node.get("text").isTextual()) {
                throw new IllegalArgumentException("text must be a string");
            }
            reply = new Reply(Json.id(node, "chatId"), Json.text(node, "text"), Json.id(node, "replyToMessageId"),
                    Json.id(node, "threadId"), Json.id(node, "accountId"), Json.text(node, "replyToken"),
                    Json.id(node, "recipientId"));
            List<PlatformRequest> requests = formatter.format(reply);
            ArrayNode bodies = PRETTY.createArrayNode();
            for (PlatformRequest r : requests) {
                bodies.add(Json.MAPPER.readTree(r.body()));
            }
            out.println(PRETTY.writeValueAsString(bodies.size() == 1 ? bodies.get(0) : bodies));
            return OK;
        } catch (MalformedPayloadException | IllegalArgumentException e) {
            err.println("switchboard format: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    /** One JSON line per input line: what the model makes of a bot owner's own phrases. */
    private int classify(List<String> args) throws Exception {
        String path = null;
        if (args.size() == 2 && args.get(0).equals("--bot")) {
            return classifyWithBot(args.get(1));
        }
        if (args.size() == 2 && args.get(0).equals("--model")) {
            path = args.get(1);
        } else if (!args.isEmpty()) {
            err.println(USAGES.get("classify"));
            return USAGE;
        }
        OnnxIntentSession model;
        try {
            model = OnnxIntentSession.load(path, null);
        } catch (IllegalArgumentException e) {
            err.println("switchboard classify: " + e.getMessage());
            return BAD_INPUT;
        }
        try (model; var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                float[] p = model.predict(List.of(model.featurizer().featurize(line)))[0];
                int best = OnnxIntentSession.argmax(p);
                var json = Json.MAPPER.createObjectNode();
                json.put("text", line);
                json.put("intent", model.labels().get(best));
                json.put("probability", Math.round(p[best] * 10_000) / 10_000.0);
                json.put("language", Languages.detect(line));
                json.put("urgent", KeywordIntentRules.isUrgent(line));
                out.println(Json.MAPPER.writeValueAsString(json));
            }
        }
        return OK;
    }

    /** One JSON line per utterance with the intent the bot's model (trained from its examples) gives it. */
    private int classifyWithBot(String file) throws Exception {
        BotFiles.Read read = BotFiles.read(java.nio.file.Path.of(file), err, false);
        if (read == null || !read.ok()) {
            return BAD_INPUT;
        }
        BotDefinition bot = read.result().definition();
        BotPolicy policy = new BotPolicy(bot);
        try (BotClassifier model = BotClassifier.trained(bot);
             var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Understanding u = model.classify(line);
                var json = Json.MAPPER.createObjectNode();
                json.put("text", line);
                json.put("intent", u.intent());
                json.put("probability", Math.round(u.confidence() * 10_000) / 10_000.0);
                json.put("acted_on", policy.intentOf(u));
                json.put("language", u.language());
                json.put("urgent", policy.urgent(line));
                out.println(Json.MAPPER.writeValueAsString(json));
            }
        }
        return OK;
    }

    /** A real single-node KRaft broker with the topics of the contract, until Ctrl-C. */
    private int kafka(List<String> args) throws Exception {
        boolean prefixGiven = args.size() == 2 && args.get(0).equals("--topic-prefix");
        String prefix = prefixGiven ? args.get(1) : Topics.DEFAULT_PREFIX;
        if (!args.isEmpty() && !prefixGiven) {
            err.println(USAGES.get("kafka"));
            return USAGE;
        }
        try (var broker = EmbeddedKafka.start()) {
            broker.createTopics(new Topics(prefix).all(Platforms.SUPPORTED), 2);
            out.println("Kafka broker: " + broker.bootstrapServers() + " (topics " + prefix + "in.*, " + prefix + "out.*, "
                    + prefix + "dlq, " + prefix + "handoff, " + prefix + "notify, " + prefix + "bots, " + prefix + "bots.errors, "
                    + prefix + "delivered, " + prefix + "delivery.dlq); Ctrl-C stops");
            out.flush();
            java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return OK;
    }

    /** Prints what arrives on the outbound, dead-letter and handoff topics, with headers, as JSON lines. */
    private int tail(List<String> args) {
        String bootstrap = null;
        String prefix = Topics.DEFAULT_PREFIX;
        for (int i = 0; i + 1 < args.size(); i += 2) {
            switch (args.get(i)) {
                case "--bootstrap-servers" -> bootstrap = args.get(i + 1);
                case "--topic-prefix" -> prefix = args.get(i + 1);
                default -> bootstrap = null;
            }
        }
        if (bootstrap == null || args.size() % 2 != 0) {
            err.println(USAGES.get("tail"));
            return USAGE;
        }
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(java.util.Map.of(
                "bootstrap.servers", bootstrap, "group.id", "switchboard-tail-" + System.nanoTime(),
                "auto.offset.reset", "earliest", "isolation.level", "read_committed",
                "key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class,
                "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class))) {
            consumer.subscribe(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "(out\\..+|dlq|handoff|delivered|delivery\\.dlq)"));
            while (!Thread.currentThread().isInterrupted()) {
                for (var r : consumer.poll(java.time.Duration.ofMillis(500))) {
                    var json = Json.MAPPER.createObjectNode();
                    json.put("topic", r.topic());
                    json.put("key", r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
                    var headers = json.putObject("headers");
                    r.headers().forEach(h -> headers.put(h.key(), new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
                    json.put("value", new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
                    out.println(json.toString());
                }
                out.flush();
            }
        }
        return OK;
    }

    private int send(List<String> args) throws Exception {
        byte[] payload = in.readNBytes(Json.MAX_PAYLOAD_BYTES + 1);
        try {
            out.println("sent to " + Send.send(args, payload));
            return OK;
        } catch (IllegalArgumentException e) {
            err.println("switchboard send: " + e.getMessage());
            return USAGE;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            err.println("switchboard send: could not write to Kafka: " + (e.getCause() == null ? e : e.getCause()).toString());
            return BAD_INPUT;
        }
    }

    private int runJob(List<String> args) throws Exception {
        try {
            JobConfig.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("switchboard run: " + e.getMessage());
            err.println("options:");
            printOptions(err);
            return USAGE;
        }
        SwitchboardJob.main(args.toArray(new String[0]));
        return OK;
    }

    private int deliver(List<String> args) throws Exception {
        dev.switchboard.job.DeliveryConfig config;
        try {
            config = dev.switchboard.job.DeliveryConfig.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("switchboard deliver: " + e.getMessage());
            err.println("options:");
            printDeliverOptions(err);
            return USAGE;
        }
        dev.switchboard.job.DeliveryJob.runLocal(config, out);
        return OK;
    }

    private static void printDeliverOptions(PrintStream s) {
        dev.switchboard.job.DeliveryConfig.OPTIONS.forEach((name, d) -> s.printf("  --%-30s %s%s%n", name, d[1],
                d[0] == null ? "" : " (default " + d[0] + ")"));
        s.println("  --kafka.<property>               any Kafka client property, passed to the source, the sink and the delivery log");
    }

    private int demo(List<String> args) throws Exception {
        Demo.Options options;
        try {
            options = Demo.Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("switchboard demo: " + e.getMessage());
            err.println(Demo.Options.USAGE);
            return USAGE;
        }
        new Demo(options, out).run();
        return OK;
    }

    private void usage(PrintStream s) {
        s.println("usage: switchboard <command> [arguments]");
        s.println();
        s.println("  demo [options]                 embedded Kafka broker + Flink mini-cluster (web UI :8081) + live traffic");
        s.println("  run --bootstrap-servers H:P    the job against an existing Kafka cluster");
        s.println("  deliver --bootstrap-servers H:P --bots-file FILE   the delivery job: chat.out.* to the platforms' APIs");
        s.println("  gateway --bootstrap-servers H:P --bots-file FILE [--port 8080]   platform webhooks, verified, into chat.in.<platform>");
        s.println("  normalize <platform>           raw payload on stdin -> unified message(s) as JSON");
        s.println("  format <platform>              reply JSON {chatId, text, replyToMessageId, threadId} on stdin -> request body");
        s.println("  savepoint inspect|show|erase-user|migrate ...  the dialogue state of a savepoint (see README, Savepoint tools)");
        s.println("  erase-user --redis URL --bot ID --platform P --user ID   a user's links and routes in Redis (with savepoint erase-user)");
        s.println("  kafka [--topic-prefix chat.]   a real single-node KRaft broker with the topics, until Ctrl-C");
        s.println("  tail --bootstrap-servers H:P   print replies, dead letters, handoffs and delivery outcomes as JSON lines");
        s.println("  classify [--bot FILE]          utterances on stdin, one per line -> the bot's intent and probability as JSON lines");
        s.println("  check --bot FILE               check a bot definition: problems as file:line:column, a summary, model accuracy");
        s.println("  chat --bot FILE                talk to a bot in the terminal (one JSON line per message when piped)");
        s.println("  publish --bot FILE --bootstrap-servers H:P   check a bot definition, then publish it to a running job");
        s.println("  send <platform> --bootstrap-servers H:P [--bot-id ID] [--key K]");
        s.println("                                 raw payload on stdin -> chat.in.<platform>, as an ingress writes it");
        s.println();
        s.println("platforms: " + String.join(", ", Platforms.SUPPORTED));
        s.println();
        s.println(Demo.Options.USAGE);
        s.println();
        s.println("run options:");
        printOptions(s);
    }

    private static void printOptions(PrintStream s) {
        for (Map.Entry<String, String[]> o : JobConfig.OPTIONS.entrySet()) {
            String def = o.getValue()[0] == null ? "" : " (default " + o.getValue()[0] + ")";
            s.printf("  --%-30s %s%s%n", o.getKey(), o.getValue()[1], def);
        }
        s.printf("  --%-30s %s%n", "kafka.<property> VALUE", "any Kafka client property, e.g. --kafka.security.protocol SASL_SSL");
        s.printf("  --%-30s %s%n", "flink.<option> VALUE", "any Flink configuration option for the job, e.g. --flink.state.backend.rocksdb.writebuffer.size 16mb");
    }

}
