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
import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.UDPMessageChannel;
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

    /** Private fields of JAIN-SIP's UDP listener the receiving loop below needs, or null (then JAIN-SIP's loop runs). */
    private static final java.lang.reflect.Field STACK_THREADS = field(SIPTransactionStack.class, "threadPoolSize");
    private static final java.lang.reflect.Field MAX_DATAGRAM = field(UDPMessageProcessor.class, "maxMessageSize");

    private static java.lang.reflect.Field field(Class<?> owner, String name) {
        try {
            java.lang.reflect.Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f.getType() == int.class ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * JAIN-SIP's UDP listener with {@link FreshDatagramQueue} between its receiving thread and its workers, and a
     * receiving loop that reuses one buffer: JAIN-SIP's allocates (and zeroes) a buffer of the largest message size,
     * 8 KB, for every datagram, most of them a few hundred bytes; that was a tenth of everything the server allocated
     * per registration. Here each datagram is copied out of the buffer at its own length.
     */
    static final class Udp extends UDPMessageProcessor implements io.palisade.sip.edge.DatagramResponder {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Udp.class);
        /** Answers waiting for the sending thread; beyond this they are dropped like any datagram under overload. */
        private final java.util.concurrent.LinkedBlockingQueue<java.net.DatagramPacket> outgoing =
                new java.util.concurrent.LinkedBlockingQueue<>(UDP_BACKLOG);
        private volatile boolean sending;
        /**
         * Held while the edge's answers are sent: a worker that finds it free sends at once, one that finds it taken
         * hands the answer to the sending thread instead of waiting. The JDK sends a datagram under a lock of its own
         * held for the whole system call; a worker preempted there made the others park behind it.
         */
        private final java.util.concurrent.locks.ReentrantLock sendLock = new java.util.concurrent.locks.ReentrantLock();
        /** When a worker last logged a failed send (at most one line every 10 s). */
        private volatile long workerSendReport;
        private final java.util.concurrent.atomic.LongAdder dropped = new java.util.concurrent.atomic.LongAdder();

        Udp(InetAddress address, SIPTransactionStack stack, int port) throws IOException {
            super(address, stack, port);
            messageQueue = new FreshDatagramQueue(UDP_BACKLOG, UDP_MAX_WAIT_MILLIS, System::currentTimeMillis);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void run() {
            int workers;
            int maxDatagram;
            try {
                workers = STACK_THREADS == null ? -1 : STACK_THREADS.getInt(sipStack);
                maxDatagram = MAX_DATAGRAM == null ? -1 : MAX_DATAGRAM.getInt(this);
            } catch (IllegalAccessException e) {
                workers = -1;
                maxDatagram = -1;
            }
            if (workers < 1 || maxDatagram < 1) {
                super.run(); // not what this loop expects (no worker pool): JAIN-SIP's own loop
                return;
            }
            messageChannels = new java.util.LinkedList<>();
            String stackName = sipStack instanceof gov.nist.javax.sip.SipStackImpl named ? named.getStackName() : "sip";
            for (int i = 0; i < workers; i++) {
                // the workers take datagrams from messageQueue; an anonymous subclass reaches the protected constructor
                messageChannels.add(new UDPMessageChannel(sipStack, this,
                        stackName + "-UDPMessageChannelThread-" + i) {
                });
            }
            Thread sender = new Thread(this::sendAnswers, stackName + "-UDPAnswerSender");
            sender.setDaemon(true);
            sending = true;
            sender.start();
            byte[] buffer = new byte[maxDatagram];
            java.net.DatagramPacket receiving = new java.net.DatagramPacket(buffer, buffer.length);
            long lastReport = 0;
            while (isRunning) {
                try {
                    receiving.setLength(buffer.length);
                    sock.receive(receiving);
                    int n = receiving.getLength();
                    java.net.DatagramPacket datagram = new java.net.DatagramPacket(java.util.Arrays.copyOf(buffer, n),
                            n, receiving.getAddress(), receiving.getPort());
                    messageQueue.offer(new DatagramQueuedMessageDispatch(datagram, System.currentTimeMillis()));
                } catch (java.net.SocketException e) {
                    if (!isRunning) {
                        return; // stop() closed the socket
                    }
                    lastReport = report(e, lastReport);
                } catch (IOException | RuntimeException e) {
                    lastReport = report(e, lastReport); // the listener goes on whatever one datagram did
                }
            }
        }

        @Override
        public boolean respond(byte[] datagram, InetAddress address, int port) {
            java.net.DatagramPacket p = new java.net.DatagramPacket(datagram, datagram.length, address, port);
            if (!sending) {
                try {
                    sock.send(p); // JAIN-SIP's own loop runs: no sending thread
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }
            if (sendLock.tryLock()) {
                try {
                    sock.send(p); // nobody else is sending: no hand-over to the sending thread and no wake-up
                    return true;
                } catch (IOException | RuntimeException e) {
                    if (isRunning) { // a closed socket at shutdown is not worth a line
                        workerSendReport = report(e, workerSendReport);
                    }
                    return false; // as a lost datagram: the client's retransmission is answered again
                } finally {
                    sendLock.unlock();
                }
            }
            if (outgoing.offer(p)) {
                return true;
            }
            dropped.increment();
            return false;
        }

        /**
         * The sending thread: sends the answers a worker found the socket busy for, so that no worker waits on the
         * socket.
         */
        private void sendAnswers() {
            long lastReport = 0;
            long droppedReported = 0;
            try {
                while (isRunning) {
                    java.net.DatagramPacket p;
                    try {
                        p = outgoing.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (p == null) {
                        continue;
                    }
                    sendLock.lock();
                    try {
                        sock.send(p);
                    } catch (IOException | RuntimeException e) {
                        if (!isRunning) {
                            return;
                        }
                        lastReport = report(e, lastReport);
                    } finally {
                        sendLock.unlock();
                    }
                    long d = dropped.sum();
                    if (d != droppedReported && System.currentTimeMillis() - lastReport >= 10_000) {
                        LOG.warn("UDP overload: {} answers dropped so far because {} were waiting to be sent", d,
                                UDP_BACKLOG);
                        droppedReported = d;
                        lastReport = System.currentTimeMillis();
                    }
                }
            } finally {
                sending = false;
            }
        }

        private static long report(Exception e, long lastReport) {
            long now = System.currentTimeMillis();
            if (now - lastReport >= 10_000) {
                LOG.warn("UDP listener: {} (reported at most every 10 s)", e.getClass().getName());
                return now;
            }
            return lastReport;
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
