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
        return super.createMessageProcessor(stack, address, port, transport);
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
