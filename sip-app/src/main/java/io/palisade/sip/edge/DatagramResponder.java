// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import java.net.InetAddress;

/**
 * A UDP listener that sends the edge's answers from its own socket on one thread of its own. The workers that
 * answer then never wait for each other on the socket: the JDK sends a datagram under a lock held for the whole
 * system call, which on loopback also delivers it, and a worker preempted there made the others queue behind it
 * (parks of tens of milliseconds in the registrar benchmark, and timeouts). Implemented by the server's UDP
 * message processor; without it the edge sends through JAIN-SIP's channel.
 */
public interface DatagramResponder {
    /**
     * Sends {@code datagram} to {@code address}:{@code port} from the listening socket, soon; returns false when
     * it was dropped because too many wait (the client's retransmission is answered again).
     */
    boolean respond(byte[] datagram, InetAddress address, int port);
}
