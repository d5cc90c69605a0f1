// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.container;

import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;

/**
 * JAIN-SIP's NIO message processors, with one race fixed. The first requests on a new TCP or TLS connection are
 * processed on different threads; each may find the connection "not cached yet" and cache it, and JAIN-SIP's
 * {@code cacheMessageChannel} closes whatever channel it finds under the key, even the very same one. The client's
 * connection was then reset right after its first messages (PipeliningIT). Here an already cached channel is left
 * alone. Set as {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}.
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
        protected synchronized void cacheMessageChannel(ConnectionOrientedMessageChannel channel) {
            if (messageChannels.get(channel.getKey()) != channel) {
                super.cacheMessageChannel(channel);
            }
        }
    }
}
