package dev.switchboard.normalize;

import dev.switchboard.model.Json;
import dev.switchboard.model.MalformedPayloadException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

/**
 * Reading the flat {@code <xml>} documents of the WeChat family safely: DOCTYPE declarations are
 * refused outright (so no external entities and no entity expansion bombs), secure processing is on,
 * and only the root's direct children are read, as text.
 */
public final class Xml {
    private static final DocumentBuilderFactory FACTORY = factory();

    private Xml() {}

    private static DocumentBuilderFactory factory() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            return f;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made safe", e);
        }
    }

    /** The root's child elements as name → text (CDATA included); nested elements are ignored. */
    public static Map<String, String> flat(byte[] payload, String platform) throws MalformedPayloadException {
        if (payload == null || payload.length == 0) {
            throw MalformedPayloadException.malformed(platform + ": empty payload");
        }
        if (payload.length > Json.MAX_PAYLOAD_BYTES) {
            throw MalformedPayloadException.malformed(platform + ": payload of " + payload.length + " bytes exceeds " + Json.MAX_PAYLOAD_BYTES);
        }
        Document doc;
        try {
            DocumentBuilder builder = FACTORY.newDocumentBuilder();
            builder.setErrorHandler(null);
            doc = builder.parse(new ByteArrayInputStream(payload));
        } catch (SAXException | IOException | ParserConfigurationException | RuntimeException e) {
            throw MalformedPayloadException.malformed(platform + ": not well-formed XML: " + Json.firstLine(e.getMessage()));
        }
        Element root = doc.getDocumentElement();
        if (root == null || !"xml".equals(root.getTagName())) {
            throw MalformedPayloadException.malformed(platform + ": root element is not <xml>");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        NodeList children = root.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node n = children.item(i);
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                fields.putIfAbsent(n.getNodeName(), n.getTextContent().strip());
            }
        }
        return fields;
    }
}
