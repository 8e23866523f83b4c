package dev.switchboard.understand;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.dialogue.BotPolicy;
import dev.switchboard.dialogue.Decision;
import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Knowledge answers through the real encoders, on two bots of different domains (the shipped support bot, a shop, and
 * the clinic example), in English and Chinese: hits, misses, intents that stay intents, flows.
 */
class KnowledgeTest {
    static BotDefinition support;
    static BotDefinition clinic;
    static BotUnderstander supportUnderstander;
    static BotUnderstander clinicUnderstander;

    @BeforeAll
    static void load() throws Exception {
        support = read("/bots/support.yaml");
        clinic = read("/bots/examples/clinic.yaml");
        supportUnderstander = BotUnderstander.load(support);
        clinicUnderstander = BotUnderstander.load(clinic);
    }

    @AfterAll
    static void close() throws Exception {
        supportUnderstander.close();
        clinicUnderstander.close();
    }

    static BotDefinition read(String resource) throws Exception {
        try (InputStream in = KnowledgeTest.class.getResourceAsStream(resource)) {
            return BotDefinitionReader.read(in.readAllBytes(), resource).orThrow();
        }
    }

    private static String knowledgeOf(BotUnderstander u, String text) {
        return u.understand(text).understanding().knowledgeId();
    }

    @Test
    void questionsWorthAnEntryAreAnsweredInBothLanguages() {
        assertThat(knowledgeOf(clinicUnderstander, "what time do you open on saturdays")).isEqualTo("opening-hours");
        assertThat(knowledgeOf(clinicUnderstander, "is there somewhere to park my car")).isEqualTo("parking");
        assertThat(knowledgeOf(clinicUnderstander, "can I pay by card")).isEqualTo("payment");
        assertThat(knowledgeOf(clinicUnderstander, "有停车的地方吗")).isEqualTo("parking");
        assertThat(knowledgeOf(clinicUnderstander, "周六几点开门")).isEqualTo("opening-hours");
        assertThat(knowledgeOf(supportUnderstander, "do you deliver to canada")).isEqualTo("shipping-abroad");
        assertThat(knowledgeOf(supportUnderstander, "do you accept apple pay")).isEqualTo("payment-methods");
        assertThat(knowledgeOf(supportUnderstander, "退货政策是什么")).isEqualTo("return-policy");
        assertThat(knowledgeOf(supportUnderstander, "周末有人工客服吗")).isEqualTo("support-hours");
    }

    @Test
    void intentsKeepTheirMessagesAndUnrelatedTextFindsNothing() {
        // Close to "what should I bring to my appointment" (what-to-bring), closer still to the booking examples.
        BotUnderstander.Result booking = clinicUnderstander.understand("I'd like to book an appointment");
        assertThat(booking.understanding().intent()).isEqualTo("book");
        assertThat(booking.understanding().knowledgeId()).isNull();
        assertThat(booking.knowledge().similarity()).isGreaterThan(0.75);
        assertThat(booking.knowledge().intentSimilarity()).isGreaterThan(booking.knowledge().similarity());
        assertThat(knowledgeOf(supportUnderstander, "where is my order")).isNull();
        assertThat(knowledgeOf(supportUnderstander, "I want a refund for order 12345")).isNull();
        assertThat(knowledgeOf(supportUnderstander, "我的订单到哪了")).isNull();
        assertThat(knowledgeOf(clinicUnderstander, "tell me a joke about pirates")).isNull();
        assertThat(knowledgeOf(clinicUnderstander, "讲个笑话吧")).isNull();
        assertThat(knowledgeOf(clinicUnderstander, "12345")).isNull();
    }

    @Test
    void theAnswerIsInTheReplyLanguageAndAFlowKeepsWaiting() {
        BotPolicy policy = new BotPolicy(clinic);
        DialogueState state = new DialogueState();
        Decision start = decide(policy, clinicUnderstander, state, "I'd like to book an appointment");
        assertThat(state.flow).isEqualTo("booking");
        assertThat(start.knowledgeId()).isNull();

        Decision asked = decide(policy, clinicUnderstander, state, "what should I bring with me");
        assertThat(asked.knowledgeId()).isEqualTo("what-to-bring");
        assertThat(asked.intent()).isEqualTo(Decision.KNOWLEDGE_INTENT);
        assertThat(asked.replies()).containsExactly("Please bring your insurance card, a photo ID and a list of any medicines you take.");
        assertThat(state.flow).as("the flow still waits for its day").isEqualTo("booking");

        Decision filled = decide(policy, clinicUnderstander, state, "friday");
        assertThat(filled.knowledgeId()).isNull();
        assertThat(state.flow).isNull();
        assertThat(state.slots).containsKey("day");

        Decision chinese = decide(policy, clinicUnderstander, new DialogueState(), "有停车场吗");
        assertThat(chinese.replies()).containsExactly("楼后有免费停车场，入口在磨坊巷。");
    }

    /** A flow waiting for a slot the message fills wins over a knowledge entry the message also matches. */
    @Test
    void aMessageThatFillsTheWaitingSlotContinuesTheFlow() {
        BotPolicy policy = new BotPolicy(support);
        DialogueState state = new DialogueState();
        decide(policy, supportUnderstander, state, "I want a refund");
        assertThat(state.flow).isEqualTo("refund");
        Understanding both = supportUnderstander.understand("what is your return policy").understanding();
        assertThat(both.knowledgeId()).isEqualTo("return-policy");
        UnifiedMessage withNumber = message("what is your return policy for order 48213");
        Decision d = policy.decide(state, withNumber, both, 0);
        assertThat(d.knowledgeId()).isNull();
        assertThat(state.slots).containsEntry("order_number", "48213");
    }

    /**
     * The same messages in different batch compositions (batches of 1, of 32, shuffled, mixed with other texts) give
     * the same decisions: the service's embeddings do not depend on their neighbours.
     */
    @Test
    void decisionsDoNotDependOnBatchComposition() throws Exception {
        List<String> texts = new ArrayList<>(List.of("when are you open", "what should I bring", "is there parking",
                "I'd like to book an appointment", "cancel my appointment", "how much is a cleaning",
                "do you take credit cards", "my tooth hurts", "what time do you close today", "hello"));
        texts.addAll(SentenceEncoderTest.texts(false));
        BotSemantics semantics = clinicUnderstander.semantics();
        Map<String, String> reference = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            InferenceSettings settings = new InferenceSettings(null, null, false, round == 0 ? 1 : 32,
                    Duration.ofMillis(round == 2 ? 20 : 2), 10_000, round == 0 ? 1 : 2);
            EncoderService service = EncoderService.acquire(SentenceEncoder.ENGLISH, settings, null);
            try {
                List<String> order = new ArrayList<>(texts);
                Collections.shuffle(order, new Random(round));
                List<CompletableFuture<float[]>> futures = new ArrayList<>();
                for (String t : order) {
                    futures.add(service.embed(t));
                }
                for (int i = 0; i < order.size(); i++) {
                    BotSemantics.Analysis a = semantics.analyse(futures.get(i).get(), "en", "en", "test");
                    String decision = a.intent().intent() + "|" + (a.knowledge().answers() ? a.knowledge().entryId() : "-");
                    String before = reference.putIfAbsent(order.get(i), decision);
                    if (before != null) {
                        assertThat(decision).as("%s in round %d", order.get(i), round).isEqualTo(before);
                    }
                }
                if (round > 0) {
                    assertThat(service.batchSizes().getStatistics().getMax()).isGreaterThan(1);
                }
            } finally {
                service.release();
            }
        }
        assertThat(reference).hasSize(texts.stream().distinct().toList().size());
        assertThat(reference.get("when are you open")).endsWith("|opening-hours");
    }

    private static Decision decide(BotPolicy policy, BotUnderstander u, DialogueState state, String text) {
        return policy.decide(state, message(text), u.understand(text).understanding(), 1_764_000_000_000L);
    }

    private static UnifiedMessage message(String text) {
        return new UnifiedMessage("telegram", "clinic", "c1", "u1", ChatType.DIRECT, null, null,
                new Sender("u1", "Ana", false), MessageKind.TEXT, text, List.of(), List.of(), 1_764_000_000_000L, "m1");
    }
}
