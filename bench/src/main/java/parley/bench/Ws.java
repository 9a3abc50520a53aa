package parley.bench;

/**
 * The generator's WebSocket client, as its connections see it. Two implementations: {@link NioWs} (the default:
 * one selector thread per process, frames parsed in place) and {@link PekkoWs} (Pekko HTTP's client, which
 * materializes a substream per received message; kept to reproduce the comparison in docs/benchmarks.md).
 */
interface Ws {
  /** Opens a socket to {@code url} (ws://), with a bearer token on the handshake when not null. */
  Socket open(String url, String bearer, Listener listener);

  /** Drops every open socket at once (TCP reset where the client can). */
  void abortAll();

  /** One socket. */
  interface Socket {
    /** Queues a text frame; false when the socket is not open or its send queue is full. */
    boolean sendText(String text);

    /** Drops the connection. */
    void abort();
  }

  /** What a socket reports, one event at a time. */
  interface Listener {
    void onText(String text);

    /** The socket ended: closed by the server (failure null), dropped, refused, or broken. Called once. */
    void onClosed(Throwable failure);
  }
}
