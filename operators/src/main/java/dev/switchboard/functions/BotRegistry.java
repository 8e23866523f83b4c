package dev.switchboard.functions;

import dev.switchboard.bot.BotDefinition;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bot versions published to a running job, on this TaskManager JVM: filled by every subtask of
 * {@link BotDefinitionsFunction} (each receives every published version through Flink's broadcast, and
 * restores them from its broadcast state), read by normalize, understand and dialogue for each message. Per
 * job id, so jobs sharing a JVM (a session cluster, tests) never see each other's bots. A bot nobody
 * published answers with the definition the job was started with.
 */
public final class BotRegistry {
    private static final Map<String, Map<String, BotDefinition>> PUBLISHED = new ConcurrentHashMap<>();
    private static final Map<String, Integer> HOLDERS = new ConcurrentHashMap<>();

    private BotRegistry() {}

    /** Makes {@code bot} the version in force for its id in job {@code jobId}. */
    static void publish(String jobId, BotDefinition bot) {
        PUBLISHED.computeIfAbsent(jobId, j -> new ConcurrentHashMap<>()).put(bot.id(), bot);
    }

    /** The published version of {@code botId} in this job, else {@code startup} (null when neither exists). */
    public static BotDefinition current(String jobId, String botId, BotDefinition startup) {
        Map<String, BotDefinition> bots = PUBLISHED.get(jobId);
        BotDefinition published = bots == null ? null : bots.get(botId);
        return published != null ? published : startup;
    }

    /** Whether a version of {@code botId} was published to this job. */
    public static boolean published(String jobId, String botId) {
        Map<String, BotDefinition> bots = PUBLISHED.get(jobId);
        return bots != null && bots.containsKey(botId);
    }

    static synchronized void hold(String jobId) {
        HOLDERS.merge(jobId, 1, Integer::sum);
    }

    /** The last holder of a job on this JVM forgets its versions (they live on in the job's state). */
    static synchronized void release(String jobId) {
        Integer left = HOLDERS.merge(jobId, -1, Integer::sum);
        if (left != null && left <= 0) {
            HOLDERS.remove(jobId);
            PUBLISHED.remove(jobId);
        }
    }
}
