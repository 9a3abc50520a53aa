package parley.client.net;

import parley.protocol.ClientFrame;

/**
 * The WebSocket half of protocol v1, kept up: once opened, a link reconnects by itself until closed or logged
 * out. Frames and status changes reach the listener on the client's own thread (see {@link Scheduler}).
 */
public interface Link {

  /** Start connecting; {@code listener} hears every frame and every status change from now on. */
  void open(LinkListener listener);

  /** Queue a frame on the current connection; false when there is none (the caller keeps it for later). */
  boolean send(ClientFrame frame);

  /** Drop the current connection as if the network had (a dead peer, a test); the link reconnects. */
  void drop();

  /** Close for good. */
  void close();
}
