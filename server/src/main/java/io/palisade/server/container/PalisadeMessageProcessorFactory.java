// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.container;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NIOMode;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/**
 * JAIN-SIP's NIO message processors, with one race fixed. The first requests on a new TCP or TLS connection are
 * processed on different threads; each may find the connection "not cached yet" and cache it, and JAIN-SIP's
 * {@code cacheMessageChannel} closes whatever channel it finds under the key, even the very same one. The client's
 * connection was then reset right after its first messages (PipeliningIT). Here an already cached channel is left
 * alone. Their channels frame what they read with {@link StreamFramer} ({@link FramedChannels}), for connections a
 * peer opens and connections the stack opens alike. Set as {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}.
 *
 * <p>JAIN-SIP makes the channel for a connection it opens in a package-private method, reached through two public
 * {@code createMessageChannel} methods; those are overridden here with the same steps (look up the key, else make,
 * cache and mark cached under the processor's lock, wake the selector in blocking mode).
 *
 * <p>UDP is JAIN-SIP's listener with a bounded queue ({@link FreshDatagramQueue}): overload drops datagrams before
 * they are parsed instead of building a backlog of seconds.
 */
public final class PalisadeMessageProcessorFactory extends NioMessageProcessorFactory {

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
                                                   String transport) throws IOException {
        if ("TCP".equalsIgnoreCase(transport)) {
            return new Tcp(address, stack, port);
        }
        if ("TLS".equalsIgnoreCase(transport)) {
            return new Tls(address, stack, port);
        }
        if ("UDP".equalsIgnoreCase(transport) && UDP_FLAG != null) {
            Udp udp = new Udp(address, stack, port);
            try {
                UDP_FLAG.setBoolean(stack, true); // what JAIN-SIP's factory sets: answers leave from the listening socket
            } catch (IllegalAccessException e) {
                throw new IOException("cannot prepare the UDP listener", e);
            }
            return udp;
        }
        return super.createMessageProcessor(stack, address, port, transport);
    }

    /** Datagrams waiting for a worker at most: a few hundred milliseconds of work at full speed. */
    static final int UDP_BACKLOG = 4096;
    /** The longest a datagram may wait for a worker: 2 * T1, by when its sender has retransmitted it twice. */
    static final long UDP_MAX_WAIT_MILLIS = 1000;

    /**
     * JAIN-SIP's factory marks the stack as having a UDP listener (package-private {@code udpFlag}), without which
     * every UDP answer would leave from a new socket on a random port. Pinned JAIN-SIP version; when the field is not
     * there, UDP stays on JAIN-SIP's own listener (with its unbounded queue).
     */
    private static final java.lang.reflect.Field UDP_FLAG = udpFlag();

    private static java.lang.reflect.Field udpFlag() {
        try {
            java.lang.reflect.Field f = SIPTransactionStack.class.getDeclaredField("udpFlag");
            f.setAccessible(true);
            return f.getType() == boolean.class ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(PalisadeMessageProcessorFactory.class)
                    .warn("UDP keeps JAIN-SIP's unbounded queue: {}", e.getClass().getName());
            return null;
        }
    }

    /** JAIN-SIP's UDP listener with {@link FreshDatagramQueue} between its receiving thread and its workers. */
    static final class Udp extends UDPMessageProcessor {
        Udp(InetAddress address, SIPTransactionStack stack, int port) throws IOException {
            super(address, stack, port);
            messageQueue = new FreshDatagramQueue(UDP_BACKLOG, UDP_MAX_WAIT_MILLIS, System::currentTimeMillis);
        }
    }

    static final class Tcp extends NioTcpMessageProcessor {
        Tcp(InetAddress address, SIPTransactionStack stack, int port) {
            super(address, stack, port);
        }

        @Override
        public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client)
                throws IOException {
            if (nioHandler.getMessageChannel(client) == null) {
                nioHandler.putMessageChannel(client, new FramedChannels.Tcp(processor, client));
            }
            return super.createMessageChannel(processor, client); // finds it, and sets what it sets on every channel
        }

        @Override
        public MessageChannel createMessageChannel(HostPort target) throws IOException {
            String key = MessageChannel.getKey(target, transport);
            MessageChannel c = messageChannels.get(key);
            return c != null ? c : connect(key, target.getInetAddress(), target.getPort());
        }

        @Override
        public MessageChannel createMessageChannel(InetAddress host, int port) throws IOException {
            String key = MessageChannel.getKey(host, port, transport);
            MessageChannel c = messageChannels.get(key);
            return c != null ? c : connect(key, host, port);
        }

        private synchronized MessageChannel connect(String key, InetAddress host, int port) throws IOException {
            ConnectionOrientedMessageChannel c = messageChannels.get(key);
            if (c == null) {
                FramedChannels.Tcp made = new FramedChannels.Tcp(host, port, sipStack, this);
                messageChannels.put(key, made);
                made.markCached();
                if (sipStack.nioMode == NIOMode.BLOCKING) {
                    selector.wakeup();
                }
                c = made;
            }
            return c;
        }

        @Override
        protected synchronized void cacheMessageChannel(ConnectionOrientedMessageChannel channel) {
            if (messageChannels.get(channel.getKey()) != channel) {
                super.cacheMessageChannel(channel);
            }
        }
    }

    static final class Tls extends NioTlsMessageProcessor {
        Tls(InetAddress address, SIPTransactionStack stack, int port) {
            super(address, stack, port);
        }

        @Override
        public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client)
                throws IOException {
            if (nioHandler.getMessageChannel(client) == null) {
                nioHandler.putMessageChannel(client, new FramedChannels.Tls(processor, client));
            }
            return super.createMessageChannel(processor, client);
        }

        @Override
        public MessageChannel createMessageChannel(HostPort target) throws IOException {
            String key = MessageChannel.getKey(target, transport);
            MessageChannel c = messageChannels.get(key);
            return c != null ? c : connect(key, target.getInetAddress(), target.getPort());
        }

        @Override
        public MessageChannel createMessageChannel(InetAddress host, int port) throws IOException {
            String key = MessageChannel.getKey(host, port, transport);
            MessageChannel c = messageChannels.get(key);
            return c != null ? c : connect(key, host, port);
        }

        private synchronized MessageChannel connect(String key, InetAddress host, int port) throws IOException {
            ConnectionOrientedMessageChannel c = messageChannels.get(key);
            if (c == null) {
                FramedChannels.Tls made = new FramedChannels.Tls(host, port, sipStack, this);
                messageChannels.put(key, made);
                made.markCached();
                if (sipStack.nioMode == NIOMode.BLOCKING) {
                    selector.wakeup();
                }
                c = made;
            }
            return c;
        }

        @Override
        protected synchronized void cacheMessageChannel(ConnectionOrientedMessageChannel channel) {
            if (messageChannels.get(channel.getKey()) != channel) {
                super.cacheMessageChannel(channel);
            }
        }
    }
}
