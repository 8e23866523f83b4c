package dev.switchboard.model;

import java.util.List;

/** Platform names as they appear in topics ({@code chat.in.<platform>}) and in {@code platform}. */
public final class Platforms {
    public static final String TELEGRAM = "telegram";
    public static final String SLACK = "slack";
    public static final String WHATSAPP = "whatsapp";
    public static final String DISCORD = "discord";
    public static final String LINE = "line";
    public static final String FEISHU = "feishu";
    public static final String DINGTALK = "dingtalk";
    public static final String WECOM = "wecom";
    public static final String WECHAT = "wechat";

    /** Platforms this build can normalize and format. */
    public static final List<String> SUPPORTED = List.of(TELEGRAM, SLACK, WHATSAPP, DISCORD, LINE, FEISHU, DINGTALK, WECOM, WECHAT);

    private Platforms() {}
}
