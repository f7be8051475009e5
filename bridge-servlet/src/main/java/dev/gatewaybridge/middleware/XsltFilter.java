package dev.gatewaybridge.middleware;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import javax.xml.XMLConstants;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.ErrorListener;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Templates;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.URIResolver;
import javax.xml.transform.sax.SAXSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;

import org.xml.sax.InputSource;
import org.xml.sax.XMLReader;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;

/**
 * Post-processes XML responses with an XSLT stylesheet (javax.xml.transform, the JDK's own processor),
 * the classic middleware of the WSGI design notes. The stylesheet is compiled once, here; responses whose
 * media type is one of {@value #CONTENT_TYPES} (and that are not content-encoded) are transformed, with
 * Content-Type and Content-Length set for the output; every other response streams through untouched.
 *
 * <p>Secure processing is on: no external DTD, entity, stylesheet or document() access, no extension
 * functions, the JDK's entity-expansion limits. A response document that tries (XXE) fails the request
 * with a 500, naming the parse error.
 */
public final class XsltFilter implements GatewayApplication {

    /** Init-param: the stylesheet, a file path or {@code classpath:name} (required). */
    public static final String STYLESHEET = "xslt.stylesheet";
    /** Init-param: the media types to transform, comma/space separated; default {@code application/xml text/xml}. */
    public static final String CONTENT_TYPES = "xslt.content-types";
    /** Init-param: Content-Type of the output; default from the stylesheet's xsl:output (media-type, encoding). */
    public static final String OUTPUT_CONTENT_TYPE = "xslt.output-content-type";
    /** Init-param: the largest response transformed, in bytes (default 16 MiB); a larger one fails with a 500. */
    public static final String MAX_BYTES = "xslt.max-bytes";
    /** Init-param prefix: {@code xslt.param.NAME=value} sets the top-level stylesheet parameter NAME. */
    public static final String PARAM_PREFIX = "xslt.param.";

    // Representation metadata that describes the app's bytes, not ours (RFC 9110 §8).
    private static final Set<String> REPLACED = Set.of("content-type", "content-length", "etag", "content-md5");

    private final GatewayApplication next;
    private final Templates templates;
    private final Set<String> contentTypes;
    private final String outputType;
    private final Map<String, String> parameters;
    private final int maxBytes;

    /** The stylesheet at {@code stylesheet} applied to application/xml and text/xml responses. */
    public XsltFilter(GatewayApplication next, Path stylesheet) {
        this(next, Map.of(STYLESHEET, stylesheet.toString()));
    }

    /** From web.xml params; a missing or broken stylesheet fails here, naming the file and line. */
    public XsltFilter(GatewayApplication next, Map<String, String> params) {
        this.next = next;
        MiddlewareParams.known(params, "xslt.", List.of(STYLESHEET, CONTENT_TYPES, OUTPUT_CONTENT_TYPE, MAX_BYTES), PARAM_PREFIX);
        String location = MiddlewareParams.require(params, STYLESHEET);
        this.templates = compile(location, MiddlewareParams.read(STYLESHEET, location));
        List<String> types = MiddlewareParams.list(params, CONTENT_TYPES);
        this.contentTypes = (types.isEmpty() ? List.of("application/xml", "text/xml") : types).stream()
                .map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.outputType = MiddlewareParams.get(params, OUTPUT_CONTENT_TYPE, defaultOutputType(templates));
        HeaderRules.checkValue(OUTPUT_CONTENT_TYPE, outputType);
        this.parameters = Map.copyOf(MiddlewareParams.withPrefix(params, PARAM_PREFIX));
        this.maxBytes = MiddlewareParams.integer(params, MAX_BYTES, 16 << 20, 1, Integer.MAX_VALUE - 8);
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        if ("HEAD".equals(environ.get(Environ.REQUEST_METHOD))) {
            return next.call(environ, startResponse); // no body to transform
        }
        var outcome = Interception.run(next, environ, startResponse, this::transforms, maxBytes);
        if (outcome instanceof Interception.Held held) {
            byte[] output = transform(held.body(), held.headers());
            startResponse.start(held.status(), headers(held.headers(), output.length));
            return List.of(output);
        }
        return ((Interception.Passed) outcome).body();
    }

    /** Whether a response is ours: a configured XML media type, a status with a body, no Content-Encoding. */
    private boolean transforms(String status, List<Header> headers) {
        if (status.startsWith("204") || status.startsWith("304")) {
            return false;
        }
        String type = null;
        for (Header h : headers) {
            if (h.is("Content-Encoding") && !h.value().trim().equalsIgnoreCase("identity")) {
                return false; // compressed bytes are not XML we can parse
            }
            if (h.is("Content-Type") && type == null) {
                type = h.value().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            }
        }
        return type != null && contentTypes.contains(type);
    }

    private byte[] transform(byte[] document, List<Header> headers) {
        try {
            Transformer transformer = templates.newTransformer();
            transformer.setURIResolver(REFUSE);
            transformer.setErrorListener(STRICT);
            parameters.forEach(transformer::setParameter);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            transformer.transform(source(document), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException | org.xml.sax.SAXException | javax.xml.parsers.ParserConfigurationException e) {
            throw new HttpStatusException(500, "XSLT post-processing failed for the response of type "
                    + HeaderRules.quote(contentType(headers)) + ": " + location(e), e);
        }
    }

    /** A parser that loads no external DTD and refuses external entities (XXE, CWE-611). */
    private static SAXSource source(byte[] document)
            throws org.xml.sax.SAXException, javax.xml.parsers.ParserConfigurationException {
        SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        XMLReader reader = factory.newSAXParser().getXMLReader();
        reader.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, ""); // an external entity is an error, not a read
        reader.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return new SAXSource(reader, new InputSource(new ByteArrayInputStream(document)));
    }

    private List<Header> headers(List<Header> original, int length) {
        List<Header> out = new ArrayList<>();
        for (Header h : original) {
            if (!REPLACED.contains(h.name().toLowerCase(Locale.ROOT))) {
                out.add(h);
            }
        }
        out.add(Header.of("Content-Type", outputType));
        out.add(Header.of("Content-Length", Integer.toString(length)));
        return out;
    }

    private static String contentType(List<Header> headers) {
        return headers.stream().filter(h -> h.is("Content-Type")).map(Header::value).findFirst().orElse("");
    }

    /** Compiles the stylesheet once, securely; a broken one fails naming the file and line. */
    private static Templates compile(String location, byte[] xsl) {
        TransformerFactory factory = TransformerFactory.newDefaultInstance(); // the JDK's XSLTC, not a classpath surprise
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true); // no extension functions
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, ""); // no xsl:import/include, document()
        } catch (TransformerException | IllegalArgumentException e) {
            throw new IllegalStateException("the JDK's XSLT processor refuses secure processing", e);
        }
        factory.setURIResolver(REFUSE);
        CompileErrors errors = new CompileErrors();
        factory.setErrorListener(errors);
        try {
            Templates compiled = factory.newTemplates(new StreamSource(new ByteArrayInputStream(xsl), location));
            if (compiled == null) { // XSLTC may report through the listener and return null
                throw new TransformerException("stylesheet did not compile");
            }
            return compiled;
        } catch (TransformerException e) {
            throw new IllegalArgumentException("init-param " + STYLESHEET + ": stylesheet "
                    + HeaderRules.quote(location) + " is broken: " + errors.describe(e), e);
        }
    }

    private static String location(Exception e) {
        if (e instanceof TransformerException te && te.getLocator() != null && te.getLocator().getLineNumber() > 0) {
            return "line " + te.getLocator().getLineNumber() + ": " + te.getMessage();
        }
        if (e instanceof org.xml.sax.SAXParseException pe) {
            return "line " + pe.getLineNumber() + ": " + pe.getMessage();
        }
        Throwable cause = e.getCause();
        if (cause instanceof org.xml.sax.SAXParseException pe) {
            return "line " + pe.getLineNumber() + ": " + pe.getMessage();
        }
        return e.getMessage();
    }

    private static String defaultOutputType(Templates templates) {
        Properties output = templates.getOutputProperties();
        String media = output.getProperty(OutputKeys.MEDIA_TYPE);
        if (media == null) {
            String method = output.getProperty(OutputKeys.METHOD, "xml");
            media = switch (method) {
                case "html" -> "text/html";
                case "text" -> "text/plain";
                default -> "application/xml";
            };
        }
        return media + "; charset=" + output.getProperty(OutputKeys.ENCODING, StandardCharsets.UTF_8.name());
    }

    /** No stylesheet or document may pull in another resource. */
    private static final URIResolver REFUSE = (href, base) -> {
        throw new TransformerException("external resource refused (secure processing): " + HeaderRules.quote(href));
    };

    /** Warnings pass; errors fail the transform instead of being printed to stderr. */
    private static final ErrorListener STRICT = new ErrorListener() {
        @Override
        public void warning(TransformerException e) {
            // not a failure
        }

        @Override
        public void error(TransformerException e) throws TransformerException {
            throw e;
        }

        @Override
        public void fatalError(TransformerException e) throws TransformerException {
            throw e;
        }
    };

    /**
     * Collects every compile error: XSLTC reports an XPath syntax error without a line, then the failing
     * element with "file: line N", and both belong in the message.
     */
    private static final class CompileErrors implements ErrorListener {
        private final List<String> messages = new ArrayList<>();

        @Override
        public void warning(TransformerException e) {
            // not a failure
        }

        @Override
        public void error(TransformerException e) {
            messages.add(location(e));
        }

        @Override
        public void fatalError(TransformerException e) throws TransformerException {
            messages.add(location(e));
            throw e;
        }

        String describe(TransformerException thrown) {
            String last = location(thrown);
            if (!messages.contains(last)) {
                messages.add(last);
            }
            return String.join("; ", messages);
        }
    }
}
