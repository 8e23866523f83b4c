package dev.switchboard.understand;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The keyword/rule intent classifier for English and Chinese. It stays when a model takes over as the
 * primary classifier: as the fallback when inference times out or fails, and as the urgency detector.
 *
 * <p>English keywords match whole words (so "hi" does not fire inside "this"); Chinese keywords match
 * as substrings, since Chinese is written without spaces. When several intents match, the one listed
 * first in {@link #RULES} wins: asking for a person or a refund outranks a greeting in the same message.
 */
public final class KeywordIntentRules implements IntentClassifier, Serializable {
    private static final long serialVersionUID = 1L;
    public static final String SOURCE = "rules";

    private record Rule(Intent intent, Pattern english, List<String> chinese) {}

    private static final List<Rule> RULES = List.of(
            rule(Intent.HUMAN_HANDOFF,
                    "human|humans|agent|real person|representative|operator|talk to (a |an )?(someone|person)"
                            + "|speak to (a |an )?(someone|person|manager)|customer service|live chat|manager",
                    "人工", "转人工", "真人", "客服", "人工客服"),
            rule(Intent.REFUND,
                    "refund|refunds|refunded|money back|reimburse|reimbursement|chargeback|return (it|this|my order)"
                            + "|send (it|this) back",
                    "退款", "退货", "退钱", "返款", "退回"),
            rule(Intent.COMPLAINT,
                    "complain|complaint|terrible|awful|angry|unacceptable|worst|disappointed|disappointing"
                            + "|ridiculous|horrible|useless|bad service|scam|furious",
                    "投诉", "太差", "差评", "生气", "不满", "垃圾", "失望", "气死"),
            rule(Intent.ORDER_STATUS,
                    "order|orders|where is my|wheres my|where's my|tracking|track|shipped|shipping|delivery|delivered"
                            + "|package|parcel|shipment|arrive|arrived|eta",
                    "订单", "物流", "快递", "发货", "到哪", "查单", "包裹", "配送", "单号", "到货"),
            rule(Intent.GOODBYE,
                    "bye|goodbye|bye bye|see you|see ya|that's all|thats all|good night",
                    "再见", "拜拜", "回头见", "晚安", "先这样"),
            rule(Intent.THANKS,
                    "thanks|thank you|thx|ty|appreciate it|appreciated|cheers|many thanks",
                    "谢谢", "多谢", "感谢", "谢了", "谢啦"),
            rule(Intent.GREETING,
                    "hi|hello|hey|hiya|howdy|good morning|good afternoon|good evening|yo|greetings",
                    "你好", "您好", "嗨", "哈喽", "早上好", "下午好", "晚上好", "在吗", "在不在"));

    private static final Pattern URGENT_EN = words("urgent|urgently|asap|emergency|immediately|right now|critical");
    private static final List<String> URGENT_ZH = List.of("紧急", "重要", "急", "马上", "立刻", "尽快", "赶紧");

    private static Rule rule(Intent intent, String english, String... chinese) {
        return new Rule(intent, words(english), List.of(chinese));
    }

    private static Pattern words(String alternatives) {
        return Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternatives + ")(?![\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE);
    }

    @Override
    public CompletableFuture<Understanding> classify(String text) {
        return CompletableFuture.completedFuture(understand(text));
    }

    /** Synchronous form, for the fallback path. */
    public Understanding understand(String text) {
        String language = Languages.detect(text);
        if (text == null || text.isBlank()) {
            return new Understanding(Intent.OTHER.label(), 1.0, false, language, SOURCE);
        }
        String lower = text.toLowerCase(Locale.ROOT);
        Map<Intent, Integer> hits = new EnumMap<>(Intent.class);
        for (Rule rule : RULES) {
            int n = (int) rule.english().matcher(lower).results().count();
            for (String zh : rule.chinese()) {
                if (lower.contains(zh)) {
                    n++;
                }
            }
            if (n > 0) {
                hits.put(rule.intent(), n);
            }
        }
        Intent intent = Intent.OTHER;
        for (Rule rule : RULES) {
            if (hits.containsKey(rule.intent())) {
                intent = rule.intent();
                break;
            }
        }
        // Confidence: the share of keyword hits that went to the winning intent.
        int total = hits.values().stream().mapToInt(Integer::intValue).sum();
        double confidence = total == 0 ? 0.5 : hits.get(intent) / (double) total;
        return new Understanding(intent.label(), confidence, isUrgent(lower), language, SOURCE);
    }

    public static boolean isUrgent(String text) {
        if (text == null) {
            return false;
        }
        if (URGENT_EN.matcher(text).find()) {
            return true;
        }
        for (String zh : URGENT_ZH) {
            if (text.contains(zh)) {
                return true;
            }
        }
        return false;
    }
}
