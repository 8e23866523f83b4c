package dev.switchboard.functions;

import dev.switchboard.dialogue.IntentClassifier;
import dev.switchboard.dialogue.KeywordIntentRules;
import dev.switchboard.dialogue.Understanding;
import dev.switchboard.model.InboundMessage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.function.SerializableSupplier;

import java.util.List;

/**
 * The understand step: classifies each message's text through an {@link IntentClassifier} without
 * blocking the operator thread (run by {@code AsyncDataStream.orderedWait}, so each session keeps its
 * order). The keyword rules stay beside any classifier: when it fails or the async timeout fires the
 * message is understood by the rules instead (counted), and the rules always decide urgency.
 */
public class UnderstandFunction extends RichAsyncFunction<InboundMessage, UnderstoodMessage> {
    private static final long serialVersionUID = 1L;

    private final SerializableSupplier<IntentClassifier> classifierFactory;

    private transient IntentClassifier classifier;
    private transient KeywordIntentRules rules;
    private transient Counter fallbacks;
    private transient Counter timeouts;

    /** @param classifierFactory creates the primary classifier in each parallel instance */
    public UnderstandFunction(SerializableSupplier<IntentClassifier> classifierFactory) {
        this.classifierFactory = classifierFactory;
    }

    /** Understanding by the keyword rules alone. */
    public static UnderstandFunction withRules() {
        return new UnderstandFunction(KeywordIntentRules::new);
    }

    @Override
    public void open(OpenContext openContext) {
        classifier = classifierFactory.get();
        rules = new KeywordIntentRules();
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        fallbacks = group.counter("understandFallbacks");
        timeouts = group.counter("understandTimeouts");
    }

    @Override
    public void asyncInvoke(InboundMessage input, ResultFuture<UnderstoodMessage> resultFuture) {
        String text = input.message().text();
        if (text == null || text.isBlank() || classifier instanceof KeywordIntentRules) {
            resultFuture.complete(List.of(new UnderstoodMessage(input, rules.understand(text))));
            return;
        }
        classifier.classify(text).whenComplete((understanding, error) -> {
            Understanding result;
            if (error != null || understanding == null) {
                fallbacks.inc();
                result = rules.understand(text);
            } else {
                boolean urgent = understanding.urgent() || KeywordIntentRules.isUrgent(text);
                result = new Understanding(understanding.intent(), understanding.confidence(), urgent,
                        understanding.language(), understanding.source());
            }
            resultFuture.complete(List.of(new UnderstoodMessage(input, result)));
        });
    }

    @Override
    public void timeout(InboundMessage input, ResultFuture<UnderstoodMessage> resultFuture) {
        timeouts.inc();
        resultFuture.complete(List.of(new UnderstoodMessage(input, rules.understand(input.message().text()))));
    }
}
