package dev.switchboard.bot;

import dev.switchboard.bot.BotDefinition.Slot;
import dev.switchboard.bot.BotDefinition.SlotType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SlotValuesTest {
    /** A Wednesday. */
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 2);
    private static final Slot DATE = new Slot("date", SlotType.DATE, Map.of(), null, false);
    private static final Slot NUMBER = new Slot("n", SlotType.NUMBER, Map.of(), null, false);
    private static final Slot EMAIL = new Slot("email", SlotType.EMAIL, Map.of(), null, false);

    private static BotDefinition trattoria;

    @BeforeAll
    static void load() throws Exception {
        trattoria = BotDefinitionReader.read(Files.readAllBytes(Path.of("..", "bots", "trattoria.yaml")), "trattoria.yaml")
                .orThrow();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "today please | 2026-12-02",
            "tomorrow evening | 2026-12-03",
            "the day after tomorrow | 2026-12-04",
            "on Friday | 2026-12-04",
            "this wednesday | 2026-12-02",
            "next friday | 2026-12-11",
            "sun | 2026-12-06",
            "2026-12-24 | 2026-12-24",
            "12/3 | 2026-12-03",
            "11/3 | 2027-11-03",
            "Dec 24th | 2026-12-24",
            "the 3rd of January | 2027-01-03",
            "今天 | 2026-12-02",
            "明天晚上 | 2026-12-03",
            "后天 | 2026-12-04",
            "大后天 | 2026-12-05",
            "周五 | 2026-12-04",
            "下周五 | 2026-12-11",
            "星期天 | 2026-12-06",
            "礼拜三 | 2026-12-02",
            "12月24日 | 2026-12-24",
            "2027年1月5号 | 2027-01-05",
            "tomorrow or friday | 2026-12-03",
    })
    void datesInEnglishAndChineseRelativeToToday(String text, String iso) {
        assertThat(SlotValues.extract(DATE, text, TODAY)).isEqualTo(iso);
    }

    @Test
    void notADate() {
        for (String text : List.of("2/30", "2026-13-01", "monsoon season", "hello", "13/45", "1234567")) {
            assertThat(SlotValues.extract(DATE, text, TODAY)).as(text).isNull();
        }
    }

    @Test
    void choicesBySynonymInAnyLanguageAsWholeWords() {
        Slot sitting = trattoria.slots().get("sitting");
        assertThat(SlotValues.extract(sitting, "DINNER please", TODAY)).isEqualTo("dinner");
        assertThat(SlotValues.extract(sitting, "我想订晚餐", TODAY)).isEqualTo("dinner");
        assertThat(SlotValues.extract(sitting, "lunch or dinner?", TODAY)).isEqualTo("lunch");
        assertThat(SlotValues.extract(sitting, "the dinnerware is broken", TODAY)).isNull();
        assertThat(SlotValues.display(sitting, "dinner", "zh", "zh")).isEqualTo("晚餐");
        assertThat(SlotValues.display(sitting, "dinner", "en", "zh")).isEqualTo("dinner");
        assertThat(SlotValues.display(sitting, "dinner", "fr", "zh")).isEqualTo("晚餐");
    }

    @Test
    void numbersInDigitsOrChinese() {
        assertThat(SlotValues.extract(NUMBER, "a table for 4", TODAY)).isEqualTo("4");
        assertThat(SlotValues.extract(NUMBER, "四个人", TODAY)).isEqualTo("4");
        assertThat(SlotValues.extract(NUMBER, "十二位", TODAY)).isEqualTo("12");
        assertThat(SlotValues.extract(NUMBER, "二十五个", TODAY)).isEqualTo("25");
        assertThat(SlotValues.extract(NUMBER, "两位", TODAY)).isEqualTo("2");
        assertThat(SlotValues.extract(NUMBER, "007", TODAY)).isEqualTo("7");
        assertThat(SlotValues.extract(NUMBER, "about 3.5", TODAY)).isNull();
        assertThat(SlotValues.extract(NUMBER, "none", TODAY)).isNull();
    }

    @Test
    void emailsAndPatterns() {
        assertThat(SlotValues.extract(EMAIL, "mail me at Ana.Li+table@Example.COM please", TODAY)).isEqualTo("Ana.Li+table@example.com");
        assertThat(SlotValues.extract(EMAIL, "ana@localhost", TODAY)).isNull();
        Slot phone = trattoria.slots().get("phone");
        assertThat(SlotValues.extract(phone, "call 138 1234 5678 thanks", TODAY)).isEqualTo("138 1234 5678");
        assertThat(SlotValues.extract(phone, "tel. 021-6543-2100", TODAY)).isEqualTo("021-6543-2100");
        assertThat(SlotValues.extract(phone, "order 12345", TODAY)).isNull();
    }

    @Test
    void oneMessageFillsSeveralSlotsEachFromItsOwnText() {
        Map<String, String> found = SlotValues.extractAll(trattoria.slots().values(),
                "dinner on 12/3 for 4 people, call 138 0013 8000", TODAY);
        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of("phone", "138 0013 8000", "date", "2026-12-03",
                "sitting", "dinner", "party_size", "4"));
        Map<String, String> zh = SlotValues.extractAll(trattoria.slots().values(), "明天晚上六位，电话13800138000", TODAY);
        assertThat(zh).containsExactlyInAnyOrderEntriesOf(Map.of("phone", "13800138000", "date", "2026-12-03",
                "sitting", "dinner", "party_size", "6"));
    }

    @Test
    void inputIsCapped() {
        String text = "x ".repeat(SlotValues.MAX_INPUT) + "tomorrow";
        assertThat(SlotValues.extract(DATE, text, TODAY)).isNull();
    }
}
