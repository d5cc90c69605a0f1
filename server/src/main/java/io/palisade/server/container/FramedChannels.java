// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.container;

import gov.nist.javax.sip.parser.NioPipelineParser;
import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's NIO TCP and TLS channels with the bytes they read framed by {@link StreamFramer} instead of JAIN-SIP's
 * {@code NioPipelineParser}, which reads them one at a time through a synchronized stream (about a quarter of the CPU
 * of TLS registrations) and finds only the long form of Content-Length (a compact {@code l:} framed the body as a
 * message of its own).
 *
 * <p>What happens to a framed message is unchanged: it becomes JAIN-SIP's own task ({@code NioPipelineParser.Dispatch},
 * made by a parser kept only for that), which parses it with the stack's parser and hands it to the channel; the task
 * goes to the stack's executor ({@link CallOrderedExecutor}, which keys it by its Call-ID). Reads of one connection
 * happen on one thread in order, so a connection's messages reach the executor in the order they were sent. The
 * channels hook in through what JAIN-SIP leaves open to subclasses: {@code addBytes} (TCP) and
 * {@code addPlaintextBytes} (TLS, after decryption).
 *
 * <p>A framing error (see {@link StreamFramer.Status}) closes the connection, as JAIN-SIP's framer did when its
 * reading failed: the rest of the stream cannot be split into messages.
 */
final class FramedChannels {
    private static final Logger LOG = LoggerFactory.getLogger(FramedChannels.class);
    /** Used if the stack has no limit of its own (Palisade always sets one: sip.max-message-size). */
    static final int DEFAULT_MAX_MESSAGE_SIZE = 65_535;

    private FramedChannels() {
    }

    /**
     * A channel's stream, made on its first read rather than in its constructor: the super constructor of a
     * connection to a peer hands the channel to the reading thread before a field of the subclass is set. Only the
     * one thread that reads a connection (the processor's selector thread) calls this.
     */
    private static Stream newStream(ConnectionOrientedMessageChannel channel) {
        return new Stream(channel, channel.getSIPStack());
    }

    /** One connection's framer and where its messages go. */
    static final class Stream implements StreamFramer.Sink {
        private final ConnectionOrientedMessageChannel channel;
        private final SIPTransactionStack stack;
        /** Never given bytes: it only makes JAIN-SIP's dispatch tasks, bound to its parser and the channel. */
        private final NioPipelineParser tasks;
        private final StreamFramer framer;

        Stream(ConnectionOrientedMessageChannel channel, SIPTransactionStack stack) {
            this.channel = channel;
            this.stack = stack;
            int max = stack.getMaxMessageSize() > 0 ? stack.getMaxMessageSize() : DEFAULT_MAX_MESSAGE_SIZE;
            this.tasks = new NioPipelineParser(stack, channel, max);
            this.framer = new StreamFramer(max, this);
        }

        /** Frames the bytes; false after a framing error, when the connection is to be closed. */
        synchronized boolean add(byte[] bytes) {
            StreamFramer.Status s = framer.feed(bytes, 0, bytes.length);
            if (s == StreamFramer.Status.OK) {
                return true;
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("closing the {} connection from {}:{}: framing error {}", channel.getTransport(),
                        channel.getPeerAddress(), channel.getPeerPort(), s);
            }
            return false;
        }

        @Override
        public void message(String head, byte[] body, String callId) {
            // any message proves the connection alive, as with JAIN-SIP's framer
            channel.cancelPingKeepAliveTimeoutTaskIfStarted();
            Runnable task = tasks.new Dispatch(new NioPipelineParser.UnparsedMessage(head, body), callId);
            Executor executor = stack.getSelfRoutingThreadpoolExecutor();
            if (executor != null) {
                executor.execute(task);
            } else {
                task.run();
            }
        }

        @Override
        public void ping() {
            try {
                channel.sendSingleCLRF();
            } catch (Exception e) {
                LOG.debug("could not answer a keep-alive ping", e);
            }
        }

        @Override
        public void crlf() {
            channel.cancelPingKeepAliveTimeoutTaskIfStarted();
        }
    }

    /** A TCP connection. */
    static final class Tcp extends NioTcpMessageChannel {
        private volatile Stream stream;

        /** A connection a peer opened. */
        Tcp(NioTcpMessageProcessor processor, SocketChannel socket) throws IOException {
            super(processor, socket);
        }

        /** A connection to a peer. */
        Tcp(InetAddress address, int port, SIPTransactionStack stack, NioTcpMessageProcessor processor)
                throws IOException {
            super(address, port, stack, processor);
        }

        @Override
        protected void addBytes(byte[] bytes) {
            if (!stream().add(bytes)) {
                close(true, false);
            }
        }

        private Stream stream() {
            Stream s = stream;
            return s != null ? s : (stream = newStream(this));
        }

        void markCached() {
            isCached = true;
        }
    }

    /** A TLS connection; bytes are framed once decrypted. */
    static final class Tls extends NioTlsMessageChannel {
        private volatile Stream stream;

        /** A connection a peer opened. */
        Tls(NioTcpMessageProcessor processor, SocketChannel socket) throws IOException {
            super(processor, socket);
        }

        /** A connection to a peer. */
        Tls(InetAddress address, int port, SIPTransactionStack stack, NioTcpMessageProcessor processor)
                throws IOException {
            super(address, port, stack, processor);
        }

        @Override
        public void addPlaintextBytes(byte[] bytes) {
            if (!stream().add(bytes)) {
                close(true, false);
            }
        }

        private Stream stream() {
            Stream s = stream;
            return s != null ? s : (stream = newStream(this));
        }

        void markCached() {
            isCached = true;
        }
    }
}
