package dev.switchboard.normalize;

import dev.switchboard.model.MalformedPayloadException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The flat reader of the WeChat family's XML, on the shapes their callbacks have and on what must be refused. */
class XmlTest {
    private static Map<String, String> flat(String xml) throws MalformedPayloadException {
        return Xml.flat(xml.getBytes(StandardCharsets.UTF_8), "wecom");
    }

    @Test
    void readsTheRootsChildrenAsTextWithCdataAndTheFirstOfEachName() throws Exception {
        Map<String, String> f = flat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml>\n"
                + "  <ToUserName><![CDATA[ww1a2b3c]]></ToUserName>\n  <CreateTime>1409659813</CreateTime>\n"
                + "  <Content><![CDATA[订单 48213 <b>到了吗</b>]]> &amp; more </Content>\n"
                + "  <ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult>1</ScanResult></ScanCodeInfo>\n"
                + "  <MsgId>1</MsgId><MsgId>2</MsgId>\n</xml>");
        assertThat(f).containsEntry("ToUserName", "ww1a2b3c").containsEntry("CreateTime", "1409659813")
                .containsEntry("Content", "订单 48213 <b>到了吗</b> & more").containsEntry("ScanCodeInfo", "qrcode1")
                .containsEntry("MsgId", "1");
        assertThat(f.keySet()).containsExactly("ToUserName", "CreateTime", "Content", "ScanCodeInfo", "MsgId");
        assertThat(flat("<xml/>")).isEmpty();
    }

    @Test
    void refusesDoctypesOtherRootsAndBrokenDocumentsWithAReason() {
        assertThatThrownBy(() -> flat("<!DOCTYPE xml><xml><Content>x</Content></xml>"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("DOCTYPE is not allowed");
        assertThatThrownBy(() -> flat("<xml><Content>&undeclared;</Content></xml>"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("not well-formed XML");
        assertThatThrownBy(() -> flat("<html><Content>x</Content></html>")).hasMessageContaining("root element is not <xml>");
        assertThatThrownBy(() -> flat("<xml><Content>x</Content>")).hasMessageContaining("not well-formed XML");
        assertThatThrownBy(() -> flat("{\"text\":\"json\"}")).hasMessageContaining("not well-formed XML");
        assertThatThrownBy(() -> flat("")).hasMessageContaining("empty payload");
    }
}
