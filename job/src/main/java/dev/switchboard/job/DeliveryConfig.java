package dev.switchboard.job;

import dev.switchboard.connectors.KafkaSettings;
import dev.switchboard.delivery.DeliverySettings;
import dev.switchboard.delivery.PlatformApis;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import org.apache.flink.connector.base.DeliveryGuarantee;

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
        Args v = Args.parse(args, OPTIONS, java.util.Set.of("api-base"));
        Map<String, String> bases = new TreeMap<>();
        for (String value : v.repeated("api-base")) {
            int at = value.indexOf('=');
            String platform = at > 0 ? value.substring(0, at) : "";
            String url = at > 0 ? value.substring(at + 1) : "";
            if (!PlatformApis.supports(platform) || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("--api-base must be <platform>=http(s)://host[:port] with a platform of "
                        + PlatformApis.platforms() + ", was '" + value + "'");
            }
            bases.put(platform, url);
        }
        String bootstrap = v.get("bootstrap-servers");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-servers is required");
        }
        String startFrom = v.get("start-from");
        if (!startFrom.equals("earliest") && !startFrom.equals("latest")) {
            throw new IllegalArgumentException("--start-from must be earliest or latest, was '" + startFrom + "'");
        }
        KafkaSettings kafka = new KafkaSettings(bootstrap, v.get("group-id"), DeliveryGuarantee.AT_LEAST_ONCE,
                "switchboard-delivery", Duration.ofMinutes(15), v.duration("partition-discovery-interval", true),
                startFrom.equals("earliest"), v.kafka());
        Topics topics = new Topics(v.get("topic-prefix"));
        float failureRate;
        try {
            failureRate = Float.parseFloat(v.get("breaker-failure-rate"));
        } catch (NumberFormatException e) {
            failureRate = -1;
        }
        if (failureRate <= 0 || failureRate > 1) {
            throw new IllegalArgumentException("--breaker-failure-rate must be in (0, 1], was '" + v.get("breaker-failure-rate") + "'");
        }
        DeliverySettings delivery = new DeliverySettings(topics.prefix(), v.get("default-bot-id"), bases,
                v.positive("max-attempts"), v.duration("backoff-initial", true), v.duration("backoff-max", true),
                v.duration("rate-limit-fallback", true), v.duration("request-timeout", true), failureRate,
                v.positive("breaker-window"), v.duration("breaker-open", true));
        String parallelism = v.get("parallelism");
        return new DeliveryConfig(kafka, topics, delivery, JobConfig.botSettings(v.get("bots-file")),
                v.duration("dedup-ttl", true), v.duration("recovery-lookback", true), v.positive("capacity"), v.duration("checkpoint-interval", true),
                v.get("checkpoint-dir"), parallelism == null ? -1 : v.positive("parallelism"));
    }

    /** Client properties for the delivery log's own producer and recovery reader. */
    public Map<String, String> logClientProperties() {
        Map<String, String> p = new TreeMap<>(kafka.extraProperties());
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return p;
    }

}
