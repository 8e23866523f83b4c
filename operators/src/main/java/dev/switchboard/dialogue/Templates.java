package dev.switchboard.dialogue;

import dev.switchboard.understand.Languages;

import java.util.Map;

/**
 * Reply texts per language, in the common markup ({@link dev.switchboard.markup.Markup});
 * {@code {order}} and {@code {name}} are filled in by the policy, escaped.
 */
final class Templates {
    private Templates() {}

    private static final Map<String, Map<String, String>> TEXTS = Map.of(
            Languages.ENGLISH, Map.ofEntries(
                    Map.entry("greeting", "Hi{name}! I can check an order, start a refund, or get you a person. What do you need?"),
                    Map.entry("ask_order_status", "Sure. What's your order number?"),
                    Map.entry("ask_refund", "I can help with a refund. What's the order number?"),
                    Map.entry("reask_order", "That doesn't look like an order number. It has at least 5 digits, like 10234 or #A-10234."),
                    Map.entry("order_status", "Got it: order **{order}**. I've requested its latest status and will post the update in this chat."),
                    Map.entry("refund", "Refund request noted for order **{order}**. A teammate will review it and confirm here."),
                    Map.entry("flow_abandoned", "I still don't have an order number, so I'll stop asking. Say \"agent\" any time to reach a person."),
                    Map.entry("handoff", "I'm connecting you with a person now; someone from the team will reply here."),
                    Map.entry("handoff_urgent", "Marked urgent. I'm connecting you with a person right away; someone from the team will reply here."),
                    Map.entry("complaint", "I'm sorry about this. I've passed your message to a teammate, who will follow up here."),
                    Map.entry("goodbye", "Bye! Write any time."),
                    Map.entry("thanks", "You're welcome! Anything else?"),
                    Map.entry("media", "I got your {kind}, but I can only read text for now. How can I help?"),
                    Map.entry("other", "Sorry, I didn't catch that. I can check an order status, start a refund, or connect you to a person."),
                    Map.entry("urgent_note", "I've flagged this as urgent.")),
            Languages.CHINESE, Map.ofEntries(
                    Map.entry("greeting", "您好{name}！我可以帮您查询订单、申请退款，或为您转接人工客服。请问需要什么帮助？"),
                    Map.entry("ask_order_status", "好的，请问您的订单号是多少？"),
                    Map.entry("ask_refund", "我可以帮您办理退款，请提供订单号。"),
                    Map.entry("reask_order", "这看起来不像订单号。订单号至少有 5 位数字，例如 10234 或 #A-10234。"),
                    Map.entry("order_status", "收到：订单 **{order}**。我已为您查询最新状态，结果会在此对话中通知您。"),
                    Map.entry("refund", "已记录订单 **{order}** 的退款申请，工作人员审核后会在这里确认。"),
                    Map.entry("flow_abandoned", "还是没有收到订单号，我先不再询问。随时回复“人工”即可联系工作人员。"),
                    Map.entry("handoff", "正在为您转接人工客服，工作人员会在这里回复您。"),
                    Map.entry("handoff_urgent", "已标记为紧急，正在立即为您转接人工客服，工作人员会在这里回复您。"),
                    Map.entry("complaint", "非常抱歉给您带来不便。我已将您的反馈转交给工作人员，他们会在这里跟进。"),
                    Map.entry("goodbye", "再见！有需要随时联系我们。"),
                    Map.entry("thanks", "不客气！还有其他可以帮您的吗？"),
                    Map.entry("media", "收到您的{kind}，不过我目前只能读取文字。请问需要什么帮助？"),
                    Map.entry("other", "抱歉，我没有理解。我可以帮您查询订单状态、申请退款，或转接人工客服。"),
                    Map.entry("urgent_note", "已为您标记为紧急。")));

    private static final Map<String, Map<String, String>> KIND_NAMES = Map.of(
            Languages.ENGLISH, Map.of("image", "image", "file", "file", "audio", "voice message", "video", "video",
                    "sticker", "sticker", "location", "location"),
            Languages.CHINESE, Map.of("image", "图片", "file", "文件", "audio", "语音", "video", "视频",
                    "sticker", "表情", "location", "位置"));

    static String text(String language, String key) {
        Map<String, String> texts = TEXTS.getOrDefault(language, TEXTS.get(Languages.ENGLISH));
        String t = texts.get(key);
        if (t == null) {
            throw new IllegalArgumentException("no template " + key);
        }
        return t;
    }

    static String kindName(String language, String kind) {
        return KIND_NAMES.getOrDefault(language, KIND_NAMES.get(Languages.ENGLISH)).getOrDefault(kind,
                Languages.CHINESE.equals(language) ? "消息" : "message");
    }
}
