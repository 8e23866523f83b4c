package dev.switchboard.bot;

import dev.switchboard.bot.BotDefinition.Slot;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a slot's value in a message, by the slot's type only: a value is accepted when it matches the type
 * (a whitelist), so nothing a user types reaches a slot unvalidated. Values are canonical: a choice's value
 * key, a date as ISO {@code yyyy-mm-dd}, a number as digits, an e-mail with its domain lowercased, a
 * pattern's match as found. Input beyond {@link #MAX_INPUT} characters is not looked at.
 */
public final class SlotValues {
    private SlotValues() {}

    /** Characters of a message that slot extraction reads. */
    public static final int MAX_INPUT = 2_000;

    private static final Pattern DIGITS = Pattern.compile("(?<![\\d.,])(\\d{1,15})(?![\\d]|[.,]\\d)");
    private static final Pattern CHINESE_NUMBER = Pattern.compile("[一二两三四五六七八九十]{1,3}");
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]{1,64})@([A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})*\\.[A-Za-z]{2,24})(?![A-Za-z0-9-])");

    /** A value and where in the text it was found. */
    record Found(String value, int start, int end) {}

    /** The order in which a message's slots are looked for: the most specific first, numbers last. */
    private static final List<BotDefinition.SlotType> ORDER = List.of(BotDefinition.SlotType.PATTERN,
            BotDefinition.SlotType.EMAIL, BotDefinition.SlotType.DATE, BotDefinition.SlotType.CHOICE,
            BotDefinition.SlotType.NUMBER);

    /** The slot's value in {@code text}, canonical, or null when the text holds none. */
    public static String extract(Slot slot, String text, LocalDate today) {
        return new Extractor(List.of(slot)).extractAll(text, today).get(slot.name());
    }

    /** Every slot's value in {@code text}: {@link Extractor#extractAll} for slots used once. */
    public static Map<String, String> extractAll(Collection<Slot> slots, String text, LocalDate today) {
        return new Extractor(slots).extractAll(text, today);
    }

    /**
     * A bot's slots made ready once (patterns compiled, choice synonyms lowercased, the slots in lookup order),
     * so that extracting them from each message compiles and allocates nothing per slot.
     */
    public static final class Extractor {
        private final List<Prepared> slots = new ArrayList<>();

        public Extractor(Collection<Slot> slots) {
            for (BotDefinition.SlotType type : ORDER) {
                for (Slot slot : slots) {
                    if (slot.type() == type) {
                        this.slots.add(new Prepared(slot, slot.type() == BotDefinition.SlotType.PATTERN
                                ? Pattern.compile(slot.pattern()) : null, synonyms(slot)));
                    }
                }
            }
        }

        /**
         * Every slot's value in {@code text}, each piece of text used by one slot only: the most specific types
         * first (pattern, e-mail, date, choice), then numbers, so "12/3 for 4 people" gives the date 12/3 and the
         * number 4, and a phone number's digits are not a number too. Slots without a value are absent.
         */
        public Map<String, String> extractAll(String text, LocalDate today) {
            Map<String, String> out = new LinkedHashMap<>();
            if (text == null || text.isBlank()) {
                return out;
            }
            StringBuilder rest = new StringBuilder(text.length() > MAX_INPUT ? text.substring(0, MAX_INPUT) : text);
            for (Prepared p : slots) {
                Found f = p.find(rest.toString(), today);
                if (f != null) {
                    out.put(p.slot().name(), f.value());
                    for (int i = f.start(); i < f.end(); i++) {
                        rest.setCharAt(i, ' ');
                    }
                }
            }
            return out;
        }

        private static List<Synonym> synonyms(Slot slot) {
            List<Synonym> out = new ArrayList<>();
            for (Map.Entry<String, Map<String, List<String>>> value : slot.values().entrySet()) {
                out.add(new Synonym(value.getKey(), value.getKey().toLowerCase(Locale.ROOT)));
                value.getValue().values().forEach(words -> words.forEach(
                        w -> out.add(new Synonym(value.getKey(), w.toLowerCase(Locale.ROOT)))));
            }
            return out;
        }
    }

    /** One slot ready for extraction. */
    private record Prepared(Slot slot, Pattern pattern, List<Synonym> synonyms) {
        Found find(String input, LocalDate today) {
            return switch (slot.type()) {
                case CHOICE -> choice(synonyms, input);
                case DATE -> Dates.find(input, today);
                case NUMBER -> number(input);
                case EMAIL -> email(input);
                case PATTERN -> match(pattern, input);
            };
        }
    }

    /** A choice's synonym, lowercased, with the value it stands for. */
    private record Synonym(String value, String lower) {}

    /** How a reply shows a slot's value: a choice by its first synonym in the language, others as stored. */
    public static String display(Slot slot, String value, String language, String defaultLanguage) {
        if (value == null) {
            return "";
        }
        if (slot.type() == BotDefinition.SlotType.CHOICE) {
            Map<String, List<String>> synonyms = slot.values().get(value);
            if (synonyms != null) {
                List<String> in = synonyms.getOrDefault(language, synonyms.get(defaultLanguage));
                if (in != null && !in.isEmpty()) {
                    return in.get(0);
                }
            }
        }
        return value;
    }

    // --- per type ----------------------------------------------------------------------------------

    /** The value whose synonym (any language, case-insensitive) occurs first; the longer synonym on a tie. */
    private static Found choice(List<Synonym> synonyms, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String best = null;
        int bestAt = Integer.MAX_VALUE;
        int bestLength = 0;
        for (Synonym synonym : synonyms) {
            int at = find(lower, synonym.lower());
            if (at >= 0 && (at < bestAt || (at == bestAt && synonym.lower().length() > bestLength))) {
                best = synonym.value();
                bestAt = at;
                bestLength = synonym.lower().length();
            }
        }
        return best == null ? null : new Found(best, bestAt, bestAt + bestLength);
    }

    /**
     * Where {@code word} occurs in {@code text}: as a whole word when it starts or ends with a letter or digit
     * of a spaced script ("heart" not in "hearth"), anywhere for CJK ("心内科" in "我要挂心内科").
     */
    /** Whether {@code word} occurs in {@code text} as {@link #find} defines it (both lowercased by the caller). */
    public static boolean contains(String text, String word) {
        return find(text, word) >= 0;
    }

    static int find(String text, String word) {
        if (word.isEmpty()) {
            return -1;
        }
        int from = 0;
        while (true) {
            int at = text.indexOf(word, from);
            if (at < 0) {
                return -1;
            }
            int end = at + word.length();
            boolean startOk = at == 0 || !joins(text.codePointBefore(at), word.codePointAt(0));
            boolean endOk = end == text.length() || !joins(word.codePointBefore(word.length()), text.codePointAt(end));
            if (startOk && endOk) {
                return at;
            }
            from = at + 1;
        }
    }

    /** Whether two adjacent characters belong to one word of a spaced script. */
    private static boolean joins(int a, int b) {
        return spaced(a) && spaced(b);
    }

    private static boolean spaced(int c) {
        return Character.isLetterOrDigit(c) && !isCjk(c);
    }

    static boolean isCjk(int c) {
        Character.UnicodeScript s = Character.UnicodeScript.of(c);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL;
    }

    static Found number(String text) {
        Matcher m = DIGITS.matcher(text);
        Matcher c = CHINESE_NUMBER.matcher(text);
        int digitsAt = m.find() ? m.start() : Integer.MAX_VALUE;
        Integer chinese = null;
        int chineseAt = Integer.MAX_VALUE;
        while (c.find()) {
            Integer v = chineseNumber(c.group());
            if (v != null) {
                chinese = v;
                chineseAt = c.start();
                break;
            }
        }
        if (digitsAt == Integer.MAX_VALUE && chinese == null) {
            return null;
        }
        if (digitsAt <= chineseAt) {
            return new Found(Long.toString(Long.parseLong(m.group(1))), m.start(), m.end());
        }
        return new Found(Integer.toString(chinese), c.start(), c.end());
    }

    /** 一 … 九十九 (两 as 2); null for what is not such a number. */
    static Integer chineseNumber(String s) {
        String digits = "零一二三四五六七八九";
        s = s.replace('两', '二');
        int ten = s.indexOf('十');
        if (ten < 0) {
            return s.length() == 1 ? digits.indexOf(s.charAt(0)) : null;
        }
        if (s.indexOf('十', ten + 1) >= 0 || s.length() > 3) {
            return null;
        }
        int tens = ten == 0 ? 1 : digits.indexOf(s.charAt(0));
        if (ten > 1 || tens <= 0) {
            return null;
        }
        int ones = ten == s.length() - 1 ? 0 : digits.indexOf(s.charAt(ten + 1));
        return ones < 0 ? null : tens * 10 + ones;
    }

    static Found email(String text) {
        Matcher m = EMAIL.matcher(text);
        return m.find() ? new Found(m.group(1) + "@" + m.group(2).toLowerCase(Locale.ROOT), m.start(), m.end()) : null;
    }

    static Found match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (!m.group().isBlank()) {
                return new Found(m.group().strip(), m.start(), m.end());
            }
            if (m.end() >= text.length()) {
                break;
            }
        }
        return null;
    }

    /** Dates in English and Chinese, relative to a given day (the bot's "today" in its time zone). */
    static final class Dates {
        private Dates() {}

        private static final String WEEKDAY_EN = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
                + "|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun";
        private static final String MONTH_EN = "january|february|march|april|may|june|july|august|september|october"
                + "|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";
        private static final List<Pattern> PATTERNS = List.of(
                Pattern.compile("(?<!\\d)(\\d{4})-(\\d{1,2})-(\\d{1,2})(?!\\d)"),
                Pattern.compile("(?<!\\d)(\\d{4})年(\\d{1,2})月(\\d{1,2})[日号]"),
                Pattern.compile("(?<![\\d年])(\\d{1,2})月(\\d{1,2})[日号]"),
                Pattern.compile("(?<![\\d/])(\\d{1,2})/(\\d{1,2})(?![\\d/])"),
                Pattern.compile("(?i)\\b(" + MONTH_EN + ")\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b"),
                Pattern.compile("(?i)\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(" + MONTH_EN + ")\\b"),
                Pattern.compile("(?i)\\b(day after tomorrow|today|tonight|tomorrow|tmrw|tmr)\\b"),
                Pattern.compile("大后天|后天|明天|明日|今天|今日|今晚"),
                Pattern.compile("(?i)\\b(next\\s+|this\\s+|on\\s+)?(" + WEEKDAY_EN + ")\\b"),
                Pattern.compile("(下个?)?(?:周|星期|礼拜)([一二三四五六日天])"));

        /** The first date in the text, as ISO {@code yyyy-mm-dd}; null when none. */
        static Found find(String text, LocalDate today) {
            LocalDate best = null;
            int bestAt = Integer.MAX_VALUE;
            int bestEnd = 0;
            for (int p = 0; p < PATTERNS.size(); p++) {
                Matcher m = PATTERNS.get(p).matcher(text);
                while (m.find()) {
                    if (m.start() >= bestAt) {
                        break;
                    }
                    LocalDate d = date(p, m, today);
                    if (d != null) {
                        best = d;
                        bestAt = m.start();
                        bestEnd = m.end();
                        break;
                    }
                }
            }
            return best == null ? null : new Found(best.toString(), bestAt, bestEnd);
        }

        private static LocalDate date(int pattern, Matcher m, LocalDate today) {
            try {
                return switch (pattern) {
                    case 0, 1 -> LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)));
                    case 2, 3 -> upcoming(today, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
                    case 4 -> upcoming(today, month(m.group(1)), Integer.parseInt(m.group(2)));
                    case 5 -> upcoming(today, month(m.group(2)), Integer.parseInt(m.group(1)));
                    case 6 -> switch (m.group(1).toLowerCase(Locale.ROOT)) {
                        case "today", "tonight" -> today;
                        case "day after tomorrow" -> today.plusDays(2);
                        default -> today.plusDays(1);
                    };
                    case 7 -> switch (m.group()) {
                        case "大后天" -> today.plusDays(3);
                        case "后天" -> today.plusDays(2);
                        case "明天", "明日" -> today.plusDays(1);
                        default -> today;
                    };
                    case 8 -> weekday(today, weekdayEn(m.group(2)), m.group(1) != null
                            && m.group(1).strip().equalsIgnoreCase("next"));
                    default -> weekday(today, DayOfWeek.of("一二三四五六日".indexOf(m.group(2).replace('天', '日')) + 1),
                            m.group(1) != null);
                };
            } catch (DateTimeException | IllegalArgumentException e) {
                return null; // 2/30, 13/45: not a date
            }
        }

        /** Month and day without a year: this year's, or next year's when this year's has passed. */
        private static LocalDate upcoming(LocalDate today, int month, int day) {
            LocalDate d = LocalDate.of(today.getYear(), month, day);
            return d.isBefore(today) ? LocalDate.of(today.getYear() + 1, month, day) : d;
        }

        /**
         * A weekday: the nearest such day from today on (today when it is that day); with "next" / 下, the
         * one in the following week (Monday to Sunday after this week).
         */
        private static LocalDate weekday(LocalDate today, DayOfWeek day, boolean nextWeek) {
            if (nextWeek) {
                return today.with(TemporalAdjusters.next(DayOfWeek.MONDAY)).with(TemporalAdjusters.nextOrSame(day));
            }
            return today.with(TemporalAdjusters.nextOrSame(day));
        }

        private static int month(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            String[] months = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
            for (int i = 0; i < months.length; i++) {
                if (n.startsWith(months[i])) {
                    return i + 1;
                }
            }
            throw new IllegalArgumentException(name);
        }

        private static DayOfWeek weekdayEn(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            for (DayOfWeek d : DayOfWeek.values()) {
                if (d.name().toLowerCase(Locale.ROOT).startsWith(n.substring(0, 3))) {
                    return d;
                }
            }
            throw new IllegalArgumentException(name);
        }
    }
}
