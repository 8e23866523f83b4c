package dev.switchboard.job;

import dev.switchboard.connectors.KafkaSettings;
import dev.switchboard.delivery.DeliverySettings;
import dev.switchboard.delivery.PlatformApis;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The delivery job's configuration ({@code --name value} or {@code --name=value}), validated with the option's name. */
public record DeliveryConfig(
        KafkaSettings kafka,
        Topics topics,
        DeliverySettings delivery,
        BotSettings bots,
        Duration dedupTtl,
        Duration recoveryLookback,
        int capacity,
        Duration checkpointInterval,
        String checkpointDir,
        int parallelism) {

    /** Every option with its default ({@code null}: required or unset) and meaning. */
    public static final Map<String, String[]> OPTIONS = options();

    private static Map<String, String[]> options() {
        Map<String, String[]> o = new LinkedHashMap<>();
        o.put("bootstrap-servers", new String[] {null, "Kafka bootstrap servers, host:port[,host:port] (required)"});
        o.put("topic-prefix", new String[] {Topics.DEFAULT_PREFIX, "prefix of all topics: reads <prefix>out.<platform>, writes <prefix>delivered and <prefix>delivery.dlq"});
        o.put("group-id", new String[] {"switchboard-delivery", "consumer group of the outbound source (offsets committed on checkpoints)"});
        o.put("bots-file", new String[] {null, "properties file of the bots' platform credentials (<bot>.<platform>.<name>=value, * for every bot; see the README's table). Without it every record is dead-lettered no-credentials"});
        o.put("default-bot-id", new String[] {"support", "bot of records without a bot-id header"});
        o.put("api-base", new String[] {null, "<platform>=URL: scheme, host and port replacing the platform's API (paths stay the platform's); repeat per platform"});
        o.put("max-attempts", new String[] {"6", "sends of a record failing with 5xx, a timeout or a connection error before it is dead-lettered"});
        o.put("backoff-initial", new String[] {"500ms", "first retry wait; doubled per retry, with jitter"});
        o.put("backoff-max", new String[] {"30s", "longest retry wait"});
        o.put("rate-limit-fallback", new String[] {"1s", "wait after a rate-limit answer that names none (grows like the backoff)"});
        o.put("request-timeout", new String[] {"10s", "longest wait for one platform answer (also the connect timeout)"});
        o.put("breaker-failure-rate", new String[] {"0.5", "share of failed sends in the window that opens a host's circuit"});
        o.put("breaker-window", new String[] {"20", "sends the failure share is measured over"});
        o.put("breaker-open", new String[] {"10s", "how long an open circuit holds records before one probe"});
        o.put("dedup-ttl", new String[] {"24h", "how long a conversation remembers the idempotency keys it took"});
        o.put("recovery-lookback", new String[] {"15min", "a start without a checkpoint skips what the delivery log says was delivered this recently"});
        o.put("capacity", new String[] {"1000", "records in flight per send subtask (waiting for order, limits, retries or an answer); beyond it the source is backpressured"});
        o.put("start-from", new String[] {"earliest", "where a group without committed offsets starts: earliest or latest"});
        o.put("partition-discovery-interval", new String[] {"30s", "how often new chat.out.* topics and partitions are discovered"});
        o.put("checkpoint-interval", new String[] {"10s", "checkpoint interval"});
        o.put("checkpoint-dir", new String[] {null, "checkpoint storage URI; default: the cluster's configuration"});
        o.put("parallelism", new String[] {null, "job parallelism; default: the cluster's configuration"});
        return java.util.Collections.unmodifiableMap(o);
    }

    public static DeliveryConfig parse(List<String> args) {
        Map<String, String> v = new TreeMap<>();
        Map<String, String> kafkaProps = new TreeMap<>();
        Map<String, String> bases = new TreeMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (options are --name value)");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0 && !name.startsWith("api-base")) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (name.startsWith("api-base=")) {
                value = name.substring("api-base=".length());
                name = "api-base";
            } else {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (name.startsWith("kafka.")) {
                kafkaProps.put(name.substring("kafka.".length()), value);
            } else if (name.equals("api-base")) {
                int at = value.indexOf('=');
                String platform = at > 0 ? value.substring(0, at) : "";
                String url = at > 0 ? value.substring(at + 1) : "";
                if (!PlatformApis.supports(platform) || !(url.startsWith("http://") || url.startsWith("https://"))) {
                    throw new IllegalArgumentException("--api-base must be <platform>=http(s)://host[:port] with a platform of "
                            + PlatformApis.platforms() + ", was '" + value + "'");
                }
                bases.put(platform, url);
            } else if (OPTIONS.containsKey(name)) {
                v.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + name + " (known: " + String.join(", ", OPTIONS.keySet()) + ", kafka.<property>)");
            }
        }
        String bootstrap = get(v, "bootstrap-servers");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-servers is required");
        }
        String startFrom = get(v, "start-from");
        if (!startFrom.equals("earliest") && !startFrom.equals("latest")) {
            throw new IllegalArgumentException("--start-from must be earliest or latest, was '" + startFrom + "'");
        }
        KafkaSettings kafka = new KafkaSettings(bootstrap, get(v, "group-id"), DeliveryGuarantee.AT_LEAST_ONCE,
                "switchboard-delivery", Duration.ofMinutes(15), duration(v, "partition-discovery-interval"),
                startFrom.equals("earliest"), kafkaProps);
        Topics topics = new Topics(get(v, "topic-prefix"));
        float failureRate;
        try {
            failureRate = Float.parseFloat(get(v, "breaker-failure-rate"));
        } catch (NumberFormatException e) {
            failureRate = -1;
        }
        if (failureRate <= 0 || failureRate > 1) {
            throw new IllegalArgumentException("--breaker-failure-rate must be in (0, 1], was '" + get(v, "breaker-failure-rate") + "'");
        }
        DeliverySettings delivery = new DeliverySettings(topics.prefix(), get(v, "default-bot-id"), bases,
                positive(v, "max-attempts"), duration(v, "backoff-initial"), duration(v, "backoff-max"),
                duration(v, "rate-limit-fallback"), duration(v, "request-timeout"), failureRate,
                positive(v, "breaker-window"), duration(v, "breaker-open"));
        String parallelism = get(v, "parallelism");
        return new DeliveryConfig(kafka, topics, delivery, JobConfig.botSettings(get(v, "bots-file")),
                duration(v, "dedup-ttl"), duration(v, "recovery-lookback"), positive(v, "capacity"), duration(v, "checkpoint-interval"),
                get(v, "checkpoint-dir"), parallelism == null ? -1 : positive(v, "parallelism"));
    }

    /** Client properties for the delivery log's own producer and recovery reader. */
    public Map<String, String> logClientProperties() {
        Map<String, String> p = new TreeMap<>(kafka.extraProperties());
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return p;
    }

    private static String get(Map<String, String> values, String name) {
        return values.getOrDefault(name, OPTIONS.get(name)[0]);
    }

    private static int positive(Map<String, String> values, String name) {
        String raw = get(values, name);
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException("--" + name + " must be a positive integer, was '" + raw + "'");
    }

    private static Duration duration(Map<String, String> values, String name) {
        String raw = get(values, name);
        try {
            Duration d = TimeUtils.parseDuration(raw);
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (RuntimeException ignored) {
            // below
        }
        throw new IllegalArgumentException("--" + name + " must be a positive duration such as 30s or 10min, was '" + raw + "'");
    }
}
