// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import io.palisade.core.edge.HeaderSyntax;
import java.text.ParseException;
import java.util.Optional;

/**
 * JAIN-SIP's parser with the raw header section checked on the way ({@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY};
 * UDP datagrams and TCP/TLS framed messages both pass through it). JAIN-SIP repairs some invalid requests silently:
 * it keeps one of two Content-Length values and drops the whitespace inside {@code < >}, so by the time the
 * {@link EdgeValve} sees the message the fault is gone. The parser notes what {@link HeaderSyntax} found on the
 * request ({@link SyntaxFault} as its application data) and the edge refuses it with a 400 naming the fault, counted
 * as a malformed message like every other sanity failure.
 */
public final class StrictMessageParserFactory implements MessageParserFactory {
    /** JAIN-SIP's own factory shares one parser between all channels; so does this one. */
    private static final MessageParser PARSER = new StrictParser(new DirectHeaderParsers());

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return PARSER;
    }

    /** What {@link HeaderSyntax} found in a request's raw headers. */
    public record SyntaxFault(String reason) {
        /** The fault noted on a parsed message, if any. */
        public static Optional<String> of(SIPMessage m) {
            return m.getApplicationData() instanceof SyntaxFault f ? Optional.of(f.reason()) : Optional.empty();
        }
    }

    private static final class StrictParser implements MessageParser {
        private final MessageParser delegate;

        StrictParser(MessageParser delegate) {
            this.delegate = delegate;
        }

        @Override
        public SIPMessage parseSIPMessage(byte[] bytes, boolean readBody, boolean strict, ParseExceptionListener listener)
                throws ParseException {
            SIPMessage m = delegate.parseSIPMessage(bytes, readBody, strict, listener);
            if (m instanceof SIPRequest) {
                HeaderSyntax.fault(bytes).ifPresent(reason -> m.setApplicationData(new SyntaxFault(reason)));
            }
            return m;
        }
    }
}
