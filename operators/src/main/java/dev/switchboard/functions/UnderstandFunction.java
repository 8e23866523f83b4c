package dev.switchboard.functions;

import dev.switchboard.model.InboundMessage;
import dev.switchboard.understand.InferenceService;
import dev.switchboard.understand.InferenceSettings;
import dev.switchboard.understand.Languages;
import dev.switchboard.understand.OnnxIntentSession;
import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.understand.BotKeywordRules;
import dev.switchboard.understand.BotModels;
import dev.switchboard.understand.BotSemantics;
import dev.switchboard.understand.EncoderService;
import dev.switchboard.understand.RecentTexts;
import dev.switchboard.understand.SentenceEncoder;
import dev.switchboard.understand.IntentClassifier;
import dev.switchboard.understand.Understanding;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The understand step: classifies each message's text with its bot's intent model without blocking the
 * operator thread. By default each bot's model is trained from its definition's examples when the function
 * opens (once per TaskManager JVM and bot version, shared by the slots) and served by the TaskManager's
 * {@link InferenceService}.
 *
 * <p>Order: run by {@code AsyncDataStream.unorderedWait} after {@code keyBy(session)}, and releases
 * each result only once the previous message of the same session has been released. A session keeps
 * its order, while a slow classification holds back only its own session's later messages, not every
 * message behind it on the subtask (which is what {@code orderedWait} would do).
 *
 * <p>The bot's keywords stay beside the model: a message whose classification fails, times out or finds
 * the inference queue full (after {@value #OVERLOAD_RETRIES} retries {@value #OVERLOAD_RETRY_MILLIS} ms apart)
 * is understood by its bot's keywords (counted, marked in {@link Understanding#source()}). The bot's
 * {@code min_confidence} and its urgency keywords are the policy's to apply.
 */
public class UnderstandFunction extends RichAsyncFunction<InboundMessage, UnderstoodMessage> {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UnderstandFunction.class);

    /** The source of a link command's or notification's understanding: not classified. */
    public static final String CONTROL = "control";
    public static final String FALLBACK_TIMEOUT = "rules-fallback:timeout";
    public static final String FALLBACK_ERROR = "rules-fallback:error";
    public static final String FALLBACK_OVERLOADED = "rules-fallback:overloaded";
    /** A full inference queue is transient: try this many more times, this far apart, before the rules answer. */
    public static final int OVERLOAD_RETRIES = 2;
    public static final long OVERLOAD_RETRY_MILLIS = 5;
    /** Flink's external resource name for GPUs (the GPU plugin). */
    public static final String GPU_RESOURCE = "gpu";

    private final InferenceSettings settings;
    private final Bots bots;
    private final SerializableSupplier<IntentClassifier> classifierFactory;
    private final SerializableFunction<IntentClassifier, IntentClassifier> decorator;

    /** Per bot id: the version in use here, its model (null when the keywords alone decide) and its keywords. */
    private transient Map<String, Loaded> loaded;
    private transient String jobId;
    private transient Integer gpu;
    private transient Counter versionsLoaded;
    /** Per bot: messages its keywords answered because its model failed, timed out or was overloaded. */
    private transient PlatformCounters botFallbacks;
    private transient Counter fallbacks;
    private transient Counter timeouts;
    private transient Counter overloaded;
    /** Messages whose embedding failed (no knowledge answer for them). */
    private transient Counter knowledgeUnavailable;
    private transient Counter analysesReused;
    /** Per bot id: a published version loading in the background. */
    private transient Map<String, Pending> loading;
    /** Per session, the release of its latest message in flight. */
    private transient Map<String, CompletableFuture<Void>> sessionTails;
    /** The release of each message in flight, by identity (the operator passes the same object to timeout). */
    private transient Map<InboundMessage, CompletableFuture<Void>> releases;

    /** Production: each bot's model on the shared inference service with these settings (or the keywords alone). */
    public UnderstandFunction(InferenceSettings settings, Bots bots) {
        this(settings, bots, null);
    }

    /**
     * The shared inference service, seen through {@code decorator} in each parallel instance: a seam for
     * what wraps the model from outside the job (the benchmark's delayed results, a drill's failures). The
     * keyword rules, the fallback and the order per session stay the function's own.
     */
    public UnderstandFunction(InferenceSettings settings, Bots bots,
            SerializableFunction<IntentClassifier, IntentClassifier> decorator) {
        this.settings = settings;
        this.bots = bots;
        this.classifierFactory = null;
        this.decorator = decorator;
    }

    /** One classifier for every bot, created in each parallel instance (tests, other model servers). */
    public UnderstandFunction(Bots bots, SerializableSupplier<IntentClassifier> classifierFactory) {
        this.settings = InferenceSettings.RULES_ONLY;
        this.bots = bots;
        this.classifierFactory = classifierFactory;
        this.decorator = null;
    }

    /**
     * One bot version as this subtask serves it: {@code semantics} and {@code encoders} when the bot classifies with
     * the encoder or has knowledge ({@link BotDefinition#usesEncoder()}), else null and empty; {@code analyses}: the
     * analysis (encoder-head intent, closest knowledge) of recent texts (null when the encoder cache is off), so a
     * phrasing seen before costs neither an embedding lookup nor the scan over the questions and examples.
     */
    private record Loaded(BotDefinition definition, IntentClassifier classifier, BotKeywordRules rules,
                          InferenceService service, BotSemantics semantics, Map<SentenceEncoder.Model, EncoderService> encoders,
                          RecentTexts<BotSemantics.Analysis> analyses) {
        Loaded(BotDefinition definition, IntentClassifier classifier, BotKeywordRules rules, InferenceService service) {
            this(definition, classifier, rules, service, null, Map.of(), null);
        }

        /** The version understood by its keywords alone. */
        static Loaded keywordsOnly(BotDefinition definition) {
            return new Loaded(definition, null, new BotKeywordRules(definition), null);
        }

        void release() {
            if (service != null) {
                service.release();
            }
            encoders.values().forEach(EncoderService::release);
        }
    }

    /**
     * Bot semantics built on this JVM, by {@link BotSemantics#contentHash}: the slots of a TaskManager, and versions
     * that change only replies, share one build (embedding the examples is the expensive part of loading a bot).
     */
    private static final Map<String, CompletableFuture<BotSemantics>> SEMANTICS = new ConcurrentHashMap<>();
    private static final int SEMANTICS_KEPT = 32;
    private static final Map<String, RecentTexts<BotSemantics.Analysis>> ANALYSES = new ConcurrentHashMap<>();

    @Override
    public void open(OpenContext openContext) {
        sessionTails = new ConcurrentHashMap<>();
        releases = Collections.synchronizedMap(new IdentityHashMap<>());
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        fallbacks = group.counter("understandFallbacks");
        timeouts = group.counter("understandTimeouts");
        overloaded = group.counter("understandOverloaded");
        knowledgeUnavailable = group.counter("knowledgeUnavailable");
        analysesReused = group.counter("understandingReused");
        versionsLoaded = group.counter("botVersionsLoaded");
        botFallbacks = new PlatformCounters(group, "botFallbacks", "bot");
        jobId = getRuntimeContext().getJobInfo().getJobId().toString();
        gpu = classifierFactory == null && !settings.rulesOnly() ? assignedGpu() : null;
        loaded = new ConcurrentHashMap<>();
        loading = new ConcurrentHashMap<>();
        // The bots the job was started with load now, so a model that cannot load fails the start, not a message.
        for (BotDefinition bot : bots.all()) {
            loaded.put(bot.id(), load(bot));
        }
        loaded.values().stream().flatMap(l -> l.encoders().values().stream()).findFirst().ifPresent(encoder -> {
            group.histogram("encoderBatchSize", encoder.batchSizes());
            group.histogram("encoderQueueWaitMicros", encoder.queueWaitMicros());
            group.histogram("encoderLatencyMicros", encoder.inferenceMicros());
            group.gauge("encoderCacheHits", (Gauge<Long>) encoder::cacheHits);
            group.gauge("encoderTextsEncoded", (Gauge<Long>) encoder::encoded);
        });
        InferenceService first = loaded.get(bots.first().id()).service();
        if (first != null) {
            // The first bot's service stands for the TaskManager's inference in the metrics (per-bot labels: not yet).
            String provider = first.model().provider().name();
            group.gauge("inferenceProvider", (Gauge<String>) () -> provider);
            group.gauge("inferenceOnGpu", (Gauge<Integer>) () -> "CUDA".equals(provider) ? 1 : 0);
            group.histogram("inferenceBatchSize", first.batchSizes());
            group.histogram("inferenceQueueWaitMicros", first.queueWaitMicros());
            group.histogram("inferenceLatencyMicros", first.inferenceMicros());
        }
    }

    /**
     * The analyses of recent texts for the bot's content (what its vectors and decisions depend on), shared on this JVM
     * like the semantics: the slots of a TaskManager, and versions that differ only in replies, reuse each other's.
     * None when the encoder cache is off.
     */
    private RecentTexts<BotSemantics.Analysis> analyses(BotDefinition bot, String hash) {
        if (settings.encoderCacheSize() <= 0) {
            return null;
        }
        if (ANALYSES.size() >= SEMANTICS_KEPT) {
            ANALYSES.clear();
        }
        return ANALYSES.computeIfAbsent(hash + "|" + bot.defaultLanguage() + "|"
                + settings.encoderCacheSize(), k -> new RecentTexts<>(settings.encoderCacheSize()));
    }

    /** How many messages this function answered with an analysis reused from an earlier message (tests). */
    long understandingReused() {
        return analysesReused.getCount();
    }

    private Loaded load(BotDefinition bot) {
        versionsLoaded.inc();
        if (classifierFactory != null) {
            return new Loaded(bot, classifierFactory.get(), new BotKeywordRules(bot), null);
        }
        if (settings.rulesOnly()) {
            return Loaded.keywordsOnly(bot);
        }
        if (!bot.usesEncoder()) {
            InferenceService service = acquire(bot, gpu);
            return new Loaded(bot, decorator == null ? service : decorator.apply(service), new BotKeywordRules(bot), service);
        }
        // The encoders the bot's languages need, then its examples and questions embedded (once per JVM and content).
        Map<SentenceEncoder.Model, EncoderService> encoders = new java.util.LinkedHashMap<>();
        InferenceService service = null;
        CompletableFuture<InferenceService> training = null;
        // What the embeddings and their analyses depend on: the key of both per-JVM caches.
        String hash = BotSemantics.contentHash(bot);
        try {
            for (String language : bot.languages()) {
                SentenceEncoder.Model model = SentenceEncoder.forLanguage(language);
                if (!encoders.containsKey(model)) {
                    encoders.put(model, EncoderService.acquire(model, settings, gpu));
                }
            }
            if (bot.settings().understanding() == BotDefinition.UnderstandingMode.ENCODER) {
                return new Loaded(bot, null, new BotKeywordRules(bot), null, semantics(bot, hash, encoders),
                        Map.copyOf(encoders), analyses(bot, hash));
            }
            // The n-gram model is trained on another thread while this one embeds: a start waits for the longer of
            // the two instead of their sum.
            training = CompletableFuture.supplyAsync(() -> acquire(bot, gpu), TRAINER);
            BotSemantics semantics = semantics(bot, hash, encoders);
            service = join(training);
            return new Loaded(bot, decorator == null ? service : decorator.apply(service), new BotKeywordRules(bot), service,
                    semantics, Map.copyOf(encoders), analyses(bot, hash));
        } catch (RuntimeException e) {
            encoders.values().forEach(EncoderService::release);
            if (service != null) {
                service.release();
            } else if (training != null) {
                training.thenAccept(InferenceService::release);
            }
            throw e;
        }
    }

    /** The future's value, or the exception it failed with (not wrapped). */
    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * The bot's semantics, built once per JVM and content: the slots of a TaskManager opening at the same time wait for
     * the one that builds it instead of each embedding the same examples (which doubled a start's embedding work).
     */
    private static BotSemantics semantics(BotDefinition bot, String hash, Map<SentenceEncoder.Model, EncoderService> encoders) {
        CompletableFuture<BotSemantics> mine = new CompletableFuture<>();
        if (SEMANTICS.size() >= SEMANTICS_KEPT) {
            SEMANTICS.values().removeIf(CompletableFuture::isDone);
        }
        CompletableFuture<BotSemantics> existing = SEMANTICS.putIfAbsent(hash, mine);
        if (existing != null) {
            return join(existing);
        }
        try {
            long start = System.nanoTime();
            BotSemantics built = BotSemantics.build(bot, (model, texts) -> encoders.get(model).embedAll(texts));
            LOG.info("Bot {} version {}: {} examples and {} knowledge entries embedded in {} ms", bot.id(), bot.version(),
                    BotModels.examples(bot).size(), bot.knowledge().entries().size(), (System.nanoTime() - start) / 1_000_000);
            mine.complete(built);
            return built;
        } catch (RuntimeException e) {
            // Not kept: the next load tries again.
            SEMANTICS.remove(hash, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * The version of the message's bot in force now (a published one, else the one the job started with),
     * loaded here on its first message: its model is trained (or taken from this TaskManager's cache) right
     * then, once per version. A published version whose model cannot load is answered by its keywords.
     */
    private Loaded loadedFor(String botId) {
        BotDefinition current = BotRegistry.current(jobId, botId, bots.get(botId));
        if (current == null) {
            return null;
        }
        Loaded l = loaded.get(botId);
        if (l != null && l.definition() == current) {
            return l;
        }
        if (current.usesEncoder() && classifierFactory == null && !settings.rulesOnly()) {
            return loadingInBackground(botId, current, l);
        }
        Loaded fresh;
        try {
            fresh = load(current);
        } catch (RuntimeException e) {
            LOG.warn("Bot {} version {}: its intent model cannot be loaded ({}); its keywords answer", botId,
                    current.version(), e.getMessage());
            fresh = Loaded.keywordsOnly(current);
        }
        swap(botId, l, fresh);
        return fresh;
    }

    private void swap(String botId, Loaded before, Loaded fresh) {
        loaded.put(botId, fresh);
        if (before != null) {
            before.release();
        }
    }

    /**
     * A published version that needs the encoder (embedding its examples takes seconds) loads on a background thread,
     * not the task thread: until it is ready here, the version before answers (or, for a bot new to this job, its
     * keywords), so the subtask neither stalls nor delays a checkpoint.
     */
    private Loaded loadingInBackground(String botId, BotDefinition current, Loaded before) {
        Pending pending = loading.get(botId);
        if (pending == null || pending.definition() != current) {
            if (pending != null) {
                pending.future().thenAccept(Loaded::release);
            }
            CompletableFuture<Loaded> future = CompletableFuture.supplyAsync(() -> load(current), LOADER);
            pending = new Pending(current, future);
            loading.put(botId, pending);
        }
        if (pending.future().isDone()) {
            loading.remove(botId);
            Loaded fresh;
            try {
                fresh = pending.future().join();
            } catch (RuntimeException e) {
                LOG.warn("Bot {} version {}: its models cannot be loaded ({}); its keywords answer", botId,
                        current.version(), e.getMessage());
                fresh = Loaded.keywordsOnly(current);
            }
            swap(botId, before, fresh);
            return fresh;
        }
        return before != null ? before : Loaded.keywordsOnly(current);
    }

    /** A bot version loading in the background. */
    private record Pending(BotDefinition definition, CompletableFuture<Loaded> future) {}

    /** Trains a loading bot's n-gram model while the loading thread embeds its examples (daemon threads, per JVM). */
    private static final java.util.concurrent.ExecutorService TRAINER = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "switchboard-bot-trainer");
        t.setDaemon(true);
        return t;
    });

    /** Loads published versions that need the encoder, off the task threads (one per JVM, daemon). */
    private static final java.util.concurrent.ExecutorService LOADER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-bot-loader");
        t.setDaemon(true);
        return t;
    });

    /**
     * The bot's model on this TaskManager: a bring-your-own file when the settings name one for this bot,
     * else trained from the definition's examples (once per JVM and training hash).
     */
    private InferenceService acquire(BotDefinition bot, Integer gpu) {
        if (settings.modelPath() != null && bot.id().equals(settings.modelBot())) {
            return InferenceService.acquire(settings, "file:" + settings.modelPath() + "|" + bot.id(), () -> {
                byte[] bytes;
                try {
                    bytes = OnnxIntentSession.readBytes(settings.modelPath());
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("cannot read intent model " + settings.modelPath() + ": " + e.getMessage(), e);
                }
                return OnnxIntentSession.load(bytes, "intent model " + settings.modelPath(), BotModels.labels(bot), gpu);
            }, gpu);
        }
        return InferenceService.acquire(settings, "bot:" + BotModels.trainingHash(bot) + "|" + String.join(",", BotModels.labels(bot)),
                () -> OnnxIntentSession.load(BotModels.train(bot), "intent model of bot " + bot.id(), BotModels.labels(bot), gpu),
                gpu);
    }

    /** The index of the GPU Flink assigned to this TaskManager, or null. */
    private Integer assignedGpu() {
        Set<ExternalResourceInfo> gpus = getRuntimeContext().getExternalResourceInfos(GPU_RESOURCE);
        for (ExternalResourceInfo gpu : gpus) {
            String index = gpu.getProperty("index").orElse(null);
            if (index != null) {
                try {
                    return Integer.parseInt(index.trim());
                } catch (NumberFormatException e) {
                    // not an index: keep looking
                }
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        if (loaded != null) {
            loaded.values().forEach(Loaded::release);
            loaded.clear();
        }
        if (loading != null) {
            // What finishes loading after the close is released as soon as it does.
            loading.values().forEach(p -> p.future().thenAccept(Loaded::release));
            loading.clear();
        }
        super.close();
    }

    @Override
    public void asyncInvoke(InboundMessage input, ResultFuture<UnderstoodMessage> resultFuture) {
        String text = input.message().text();
        Loaded bot = loadedFor(input.message().botId());
        CompletableFuture<Understanding> understood = input.control() != null
                // A link command or a notification: nothing for the model; the language tells the reply's.
                ? CompletableFuture.completedFuture(new Understanding(BotDefinition.OTHER, 1.0, false, Languages.detect(text), CONTROL))
                : text == null || text.isBlank() || bot == null ? CompletableFuture.completedFuture(rulesOf(bot, text))
                : understand(bot, text);

        // Release after the session's previous message: the operator emits in completion order.
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> previous = sessionTails.put(input.sessionKey(), release);
        releases.put(input, release);
        CompletableFuture<?> ready = previous == null ? understood : CompletableFuture.allOf(understood, previous);
        ready.whenComplete((ignored, error) -> {
            resultFuture.complete(List.of(new UnderstoodMessage(input, understood.join())));
            release(input, release);
        });
    }

    private void release(InboundMessage input, CompletableFuture<Void> release) {
        releases.remove(input);
        sessionTails.remove(input.sessionKey(), release);
        release.complete(null);
    }

    /**
     * One message's text: by the bot's model (its keywords when it has none, or when the model fails); for a bot that
     * needs the embedding, embedded by its language's encoder, the intent from the encoder head (or, for
     * {@code understanding: ngram}, from the n-gram model, in parallel) and the knowledge entry when one answers. When
     * the encoder fails, the intent falls back as usual and no knowledge answers.
     */
    private CompletableFuture<Understanding> understand(Loaded bot, String text) {
        BotSemantics semantics = bot.semantics();
        String detected = Languages.detect(text);
        // No letters (an order number, an emoji): no question to match, so no embedding unless the head needs one.
        String side = semantics == null || detected == null && !semantics.classifiesIntents() ? null : semantics.sideFor(detected);
        if (side == null) {
            return bot.classifier() == null ? CompletableFuture.completedFuture(rulesOf(bot, text))
                    : attempt(bot.classifier(), text, OVERLOAD_RETRIES).handle((u, error) -> decide(bot, text, u, error));
        }
        EncoderService encoder = bot.encoders().get(semantics.modelOf(side));
        RecentTexts<BotSemantics.Analysis> analyses = bot.analyses();
        // By the text as the encoder reads it (long numbers written 0000): "order 48213" and "order 51177" share one.
        String key = analyses == null ? null : SentenceEncoder.normalize(semantics.modelOf(side), text);
        BotSemantics.Analysis seen = key == null ? null : analyses.get(key);
        CompletableFuture<BotSemantics.Analysis> analysis;
        if (seen != null) {
            analysesReused.inc();
            analysis = CompletableFuture.completedFuture(seen);
        } else {
            analysis = attempt(() -> encoder.embed(text), OVERLOAD_RETRIES).thenApply(vector -> {
                BotSemantics.Analysis a = semantics.analyse(vector, side, detected, encoder.encoder().name());
                if (key != null) {
                    analyses.put(key, a);
                }
                return a;
            });
        }
        CompletableFuture<Understanding> intent = semantics.classifiesIntents()
                ? analysis.thenApply(BotSemantics.Analysis::intent)
                : bot.classifier() == null ? CompletableFuture.completedFuture(rulesOf(bot, text))
                : attempt(bot.classifier(), text, OVERLOAD_RETRIES);
        return intent.handle((u, error) -> decide(bot, text, u, error))
                .thenCombine(analysis.handle((a, error) -> {
                    if (error != null) {
                        knowledgeUnavailable.inc();
                    }
                    return a;
                }), (u, a) -> {
                    if (a == null || a.knowledge() == null) {
                        return u;
                    }
                    Understanding with = u.withRelatedKnowledge(a.knowledge().related());
                    return a.knowledge().answers() ? with.withKnowledge(a.knowledge().entryId(), a.knowledge().similarity()) : with;
                });
    }

    /** One classification, retried a few milliseconds later while the inference queue is full. */
    private CompletableFuture<Understanding> attempt(IntentClassifier classifier, String text, int retriesLeft) {
        return attempt(() -> classifier.classify(text), retriesLeft);
    }

    /** One call to a batching service, retried a few milliseconds later while its queue is full. */
    private static <T> CompletableFuture<T> attempt(java.util.function.Supplier<CompletableFuture<T>> call, int retriesLeft) {
        CompletableFuture<T> first = call.get();
        if (retriesLeft == 0) {
            return first;
        }
        return first.handle((understanding, error) -> {
            if (error != null && cause(error) instanceof RejectedExecutionException) {
                return CompletableFuture.runAsync(() -> { },
                                CompletableFuture.delayedExecutor(OVERLOAD_RETRY_MILLIS, TimeUnit.MILLISECONDS))
                        .thenCompose(ignored -> attempt(call, retriesLeft - 1));
            }
            return error == null ? CompletableFuture.completedFuture(understanding)
                    : CompletableFuture.<T>failedFuture(error);
        }).thenCompose(f -> f);
    }

    private Understanding decide(Loaded bot, String text, Understanding understanding, Throwable error) {
        if (error != null || understanding == null) {
            botFallbacks.inc(bot == null ? null : bot.definition().id());
            if (cause(error) instanceof RejectedExecutionException) {
                overloaded.inc();
                return rulesOf(bot, text).withSource(FALLBACK_OVERLOADED);
            }
            fallbacks.inc();
            return rulesOf(bot, text).withSource(FALLBACK_ERROR);
        }
        return understanding;
    }

    /** The bot's keywords on the text; for a bot this function does not know (never, after normalize): other. */
    private static Understanding rulesOf(Loaded bot, String text) {
        return bot != null ? bot.rules().understand(text)
                : new Understanding(BotDefinition.OTHER, 1.0, false, Languages.detect(text), BotKeywordRules.SOURCE);
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    @Override
    public void timeout(InboundMessage input, ResultFuture<UnderstoodMessage> resultFuture) {
        timeouts.inc();
        botFallbacks.inc(input.message().botId());
        resultFuture.complete(List.of(new UnderstoodMessage(input,
                rulesOf(loaded.get(input.message().botId()), input.message().text()).withSource(FALLBACK_TIMEOUT))));
        CompletableFuture<Void> release = releases.get(input);
        if (release != null) {
            release(input, release);
        }
    }
}
