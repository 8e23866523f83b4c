package dev.switchboard.understand;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class KeywordIntentRulesTest {
    private final KeywordIntentRules rules = new KeywordIntentRules();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "hi there|greeting|en",
            "Good morning!|greeting|en",
            "where is my order?|order_status|en",
            "my parcel hasn't arrived|order_status|en",
            "I want a refund|refund|en",
            "can I talk to a human please|human_handoff|en",
            "this is unacceptable|complaint|en",
            "thanks a lot|thanks|en",
            "ok bye|goodbye|en",
            "what's the weather like?|other|en",
            "this|other|en",
            "你好|greeting|zh",
            "我的订单到哪了？|order_status|zh",
            "我要退款|refund|zh",
            "转人工|human_handoff|zh",
            "我要投诉你们|complaint|zh",
            "谢谢|thanks|zh",
            "再见|goodbye|zh",
            "hi, I want a refund for my order|refund|en",
    })
    void classifies(String text, String intent, String language) {
        Understanding u = rules.understand(text);
        assertThat(u.intent()).isEqualTo(intent);
        assertThat(u.language()).isEqualTo(language);
        assertThat(u.source()).isEqualTo("rules");
    }

    @Test
    void detectsUrgency() {
        assertThat(rules.understand("URGENT: need help asap").urgent()).isTrue();
        assertThat(rules.understand("紧急！转人工").urgent()).isTrue();
        assertThat(rules.understand("这个很重要").urgent()).isTrue();
        assertThat(rules.understand("where is my order").urgent()).isFalse();
    }

    @Test
    void noTextIsOtherWithoutLanguage() {
        Understanding u = rules.understand(null);
        assertThat(u.intent()).isEqualTo("other");
        assertThat(u.language()).isNull();
        assertThat(rules.understand("12345").language()).isNull();
    }
}
