package dev.switchboard.job;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.connectors.KafkaSettings;
import dev.switchboard.dialogue.DialogueSettings;
import dev.switchboard.dialogue.StateCipher;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.redis.Identities;
import dev.switchboard.redis.RedisSettings;
import dev.switchboard.understand.InferenceSettings;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's configuration, parsed once from {@code --name value} arguments (or {@code --name=value}),
 * validated with messages that name the option, and passed to the topology through constructors.
 * Durations accept Flink's forms: {@code 500ms}, {@code 30s}, {@code 10min}, {@code 2h}.
 */
public record JobConfig(
        KafkaSettings kafka,
        Topics topics,
        String defaultBotId,
        DialogueSettings dialogue,
        Duration checkpointInterval,
        String checkpointDir,
        Duration bufferTimeout,
        int parallelism,
        Duration understandTimeout,
        int understandCapacity,
        InferenceSettings inference,
        BotSettings bots,
        String groupPolicy,
        boolean answerEdits,
        Bots definitions,
        StateCipher stateCipher,
        RedisSettings redis,
        Map<String, String> flinkOptions) {

    /** Every option with its default ({@code null}: required or unset) and meaning, for --help and the README. */
    public static final Map<String, String[]> OPTIONS = options();

    private static Map<String, String[]> options() {
        Map<String, String[]> o = new LinkedHashMap<>();
        o.put("bootstrap-servers", new String[] {null, "Kafka bootstrap servers, host:port[,host:port] (required)"});
        o.put("topic-prefix", new String[] {Topics.DEFAULT_PREFIX, "prefix of all topics: <prefix>in.<platform>, <prefix>out.<platform>, <prefix>dlq, <prefix>handoff"});
        o.put("group-id", new String[] {"switchboard", "consumer group of the inbound source"});
        o.put("bot", new String[] {null, "a bot definition file (YAML); repeat for several bots. Default: the shipped support bot (bots/support.yaml)"});
        o.put("bots-dir", new String[] {null, "a directory of bot definitions (*.yaml, *.yml), one bot per file"});
        o.put("state-key-file", new String[] {null, "keys that seal sensitive slot values in state (AES-256-GCM): lines '<id> <base64 of 32 bytes>', the last current; required when a bot has sensitive slots"});
        o.put("default-bot-id", new String[] {null, "bot id of inbound records without a bot-id header; default: the first bot's"});
        o.put("delivery-guarantee", new String[] {"at-least-once", "at-least-once or exactly-once (Kafka transactions, committed on checkpoints)"});
        o.put("transactional-id-prefix", new String[] {"switchboard", "prefix of the sinks' transactional ids (exactly-once); unique per job"});
        o.put("transaction-timeout", new String[] {"15min", "producer transaction.timeout.ms (exactly-once); at most the broker's 15 min maximum"});
        o.put("start-from", new String[] {"earliest", "where a consumer group without committed offsets starts: earliest or latest"});
        o.put("partition-discovery-interval", new String[] {"30s", "how often new chat.in.* topics and partitions are discovered"});
        o.put("checkpoint-interval", new String[] {"10s", "checkpoint interval; with exactly-once, replies become visible at this pace"});
        o.put("checkpoint-dir", new String[] {null, "checkpoint storage URI (file://, s3://, ...); default: the cluster's configuration"});
        o.put("buffer-timeout", new String[] {"5ms", "longest time a record waits in a network buffer (Flink's default is 100ms)"});
        o.put("parallelism", new String[] {null, "job parallelism; default: the cluster's configuration"});
        o.put("session-timeout", new String[] {"30min", "idle time after which a session and all its state expire"});
        o.put("history-size", new String[] {"20", "user and bot turns kept per session"});
        o.put("dedup-window", new String[] {"64", "redelivery keys remembered per session"});
        o.put("understand-timeout", new String[] {"2s", "async understand timeout, after which the keyword rules decide"});
        o.put("understand-capacity", new String[] {"1000", "in-flight messages per understand subtask"});
        o.put("group-policy", new String[] {"addressed", "in group chats answer only messages addressed to the bot (mention, app_mention, @ of the robot), or answer-all"});
        o.put("answer-edits", new String[] {"false", "answer an edited message as a new question (true), or only count it (false)"});
        o.put("bots-file", new String[] {null, "properties file of per-bot platform settings: identities (<bot>.telegram.username=acme_bot, <bot>.discord.user-id=...) and secrets (<bot>.feishu.encrypt-key=..., <bot>.wecom.aes-key=...); * for every bot"});
        o.put("intent-model", new String[] {"trained", "each bot's intent model: trained (from its definition's examples, when the job starts), rules (the bots' keywords only), or FILE / BOT=FILE: a bring-your-own ONNX model of the same contract for the default bot / bot BOT, its labels the bot's intents"});
        o.put("redis", new String[] {null, "Redis for what spans sessions (linked identities, routes, notifications, lookups): redis://host:port, rediss://host:port, or a Redisson YAML file (Sentinel, Cluster, TLS, auth). Unset: none of those"});
        o.put("redis-timeout", new String[] {"500ms", "longest wait for one Redis call; then the message goes on without it"});
        o.put("redis-key-prefix", new String[] {Identities.DEFAULT_PREFIX, "prefix of the keys the job writes in Redis"});
        o.put("identity-cache-size", new String[] {"1000000", "accounts' identities kept per TaskManager in the near cache"});
        o.put("identity-cache-ttl", new String[] {"5min", "longest time a near-cache entry is trusted without an invalidation"});
        o.put("inference-batch-size", new String[] {"64", "largest batch of one ONNX Runtime run"});
        o.put("inference-max-delay", new String[] {"2ms", "longest wait of the oldest queued request for its batch to fill"});
        o.put("inference-workers", new String[] {"2", "threads per TaskManager forming batches and running the model"});
        o.put("encoder-cache-size", new String[] {"10000", "distinct recent texts whose embeddings each TaskManager's encoder keeps (0: none)"});
        o.put("inference-queue-capacity", new String[] {"10000", "requests queued per TaskManager before new ones are refused (retried, then answered by the rules)"});
        return java.util.Collections.unmodifiableMap(o);
    }

    /**
     * Parses arguments; {@code kafka.<property>} options pass client properties through, {@code flink.<option>} options
     * Flink configuration options into the job's configuration.
     */
    public static JobConfig parse(List<String> args) {
        Args a = Args.parse(args, OPTIONS, java.util.Set.of("bot", "bots-dir"), true);
        return fromValues(a, definitions(a.repeated("bot").stream().map(Path::of).toList(),
                a.repeated("bots-dir").stream().map(Path::of).toList()));
    }

    /** The bots: the given files and directories, or the shipped support bot. */
    static Bots definitions(List<Path> files, List<Path> directories) {
        if (files.isEmpty() && directories.isEmpty()) {
            return Bots.of(Bots.shippedSupport());
        }
        try {
            return Bots.read(files, directories);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the bot definitions: " + e.getMessage(), e);
        }
    }

    private static JobConfig fromValues(Args v, Bots definitions) {
        String bootstrap = v.get("bootstrap-servers");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-servers is required");
        }
        DeliveryGuarantee guarantee = switch (v.get("delivery-guarantee")) {
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            default -> throw new IllegalArgumentException(
                    "--delivery-guarantee must be at-least-once or exactly-once, was '" + v.get("delivery-guarantee") + "'");
        };
        String startFrom = v.get("start-from");
        if (!startFrom.equals("earliest") && !startFrom.equals("latest")) {
            throw new IllegalArgumentException("--start-from must be earliest or latest, was '" + startFrom + "'");
        }
        KafkaSettings kafka;
        DialogueSettings dialogue;
        Topics topics;
        try {
            kafka = new KafkaSettings(bootstrap, v.get("group-id"), guarantee, v.get("transactional-id-prefix"),
                    v.duration("transaction-timeout", false), v.duration("partition-discovery-interval", false),
                    startFrom.equals("earliest"), v.kafka());
            dialogue = new DialogueSettings(v.integer("history-size"), v.integer("dedup-window"),
                    v.duration("session-timeout", false), DialogueSettings.DEFAULTS.maxTurnTextLength());
            topics = new Topics(v.get("topic-prefix"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Duration checkpointInterval = v.duration("checkpoint-interval", false);
        if (checkpointInterval.toMillis() < 10) {
            throw new IllegalArgumentException("--checkpoint-interval must be at least 10ms");
        }
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE
                && kafka.transactionTimeout().compareTo(checkpointInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("--transaction-timeout must be at least twice --checkpoint-interval");
        }
        String parallelism = v.get("parallelism");
        int p = parallelism == null ? -1 : v.integer("parallelism");
        if (parallelism != null && p < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1");
        }
        String botId = v.get("default-bot-id");
        if (botId == null) {
            botId = definitions.first().id();
        }
        if (!definitions.contains(botId)) {
            throw new IllegalArgumentException("--default-bot-id '" + botId + "' is none of the bots given ("
                    + String.join(", ", definitions.ids()) + ")");
        }
        int capacity = v.integer("understand-capacity");
        if (capacity < 1) {
            throw new IllegalArgumentException("--understand-capacity must be at least 1");
        }
        String groupPolicy = v.get("group-policy");
        if (!groupPolicy.equals("addressed") && !groupPolicy.equals("answer-all")) {
            throw new IllegalArgumentException("--group-policy must be addressed or answer-all, was '" + groupPolicy + "'");
        }
        String model = v.get("intent-model");
        String modelPath = null;
        String modelBot = null;
        if (!model.equals("trained") && !model.equals("rules")) {
            int eq = model.indexOf('=');
            modelBot = eq > 0 ? model.substring(0, eq) : botId;
            modelPath = eq > 0 ? model.substring(eq + 1) : model;
            if (!definitions.contains(modelBot)) {
                throw new IllegalArgumentException("--intent-model " + model + ": no bot '" + modelBot + "' (bots: "
                        + String.join(", ", definitions.ids()) + ")");
            }
        }
        InferenceSettings inference;
        try {
            inference = model.equals("rules") ? InferenceSettings.RULES_ONLY
                    : new InferenceSettings(modelPath, modelBot, false,
                            v.integer("inference-batch-size"), v.duration("inference-max-delay", false),
                            v.integer("inference-queue-capacity"), v.integer("inference-workers"),
                            v.integer("encoder-cache-size"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (--inference-batch-size, --inference-max-delay,"
                    + " --inference-queue-capacity, --inference-workers, --encoder-cache-size)", e);
        }
        return new JobConfig(kafka, topics, botId, dialogue, checkpointInterval, v.get("checkpoint-dir"),
                v.duration("buffer-timeout", false), p,
                v.duration("understand-timeout", false), capacity, inference, botSettings(v.get("bots-file")), groupPolicy,
                v.bool("answer-edits"), definitions, stateCipher(v.get("state-key-file"), definitions), redis(v),
                java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(v.flink())));
    }

    private static RedisSettings redis(Args v) {
        String address = v.get("redis");
        if (address == null) {
            return null;
        }
        if (!address.startsWith("redis://") && !address.startsWith("rediss://") && !java.nio.file.Files.isRegularFile(Path.of(address))) {
            throw new IllegalArgumentException("--redis must be redis://host:port, rediss://host:port or a Redisson YAML file; '"
                    + address + "' is neither");
        }
        String prefix = v.get("redis-key-prefix");
        if (prefix.contains("{") || prefix.contains("}") || prefix.isBlank()) {
            throw new IllegalArgumentException("--redis-key-prefix must be non-empty and without braces, was '" + prefix + "'");
        }
        long size;
        try {
            size = Long.parseLong(v.get("identity-cache-size").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--identity-cache-size must be an integer, was '" + v.get("identity-cache-size") + "'");
        }
        return new RedisSettings(address, prefix, v.duration("redis-timeout", false), size, v.duration("identity-cache-ttl", false));
    }

    /** The state key file's keys; required when a bot has sensitive slots, so that none is stored in the clear. */
    static StateCipher stateCipher(String file, Bots definitions) {
        if (file == null) {
            for (BotDefinition bot : definitions.all()) {
                List<String> sensitive = bot.slots().values().stream().filter(BotDefinition.Slot::sensitive)
                        .map(BotDefinition.Slot::name).toList();
                if (!sensitive.isEmpty()) {
                    throw new IllegalArgumentException("bot '" + bot.id() + "' has sensitive slots (" + String.join(", ", sensitive)
                            + "): give --state-key-file so that they are encrypted in state");
                }
            }
            return null;
        }
        try {
            return StateCipher.fromFile(Path.of(file));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--state-key-file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Reads a secrets file; the values travel with the job, so keep the file itself out of version control. */
    public static BotSettings botSettings(String file) {
        return file == null ? BotSettings.NONE : BotSettings.fromFile(Path.of(file));
    }

}
