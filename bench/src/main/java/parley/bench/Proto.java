package parley.bench;

/** The wire a target speaks: Parley's JSON frames (Parley and the limit baseline) or Socket.IO packets. */
public enum Proto {
  /** Parley protocol v1: bearer token on the handshake, JSON text frames; history over HTTP for resuming. */
  PARLEY,
  /** The limit baseline: the same frames, user and rooms on the handshake's query, no history. */
  LIMIT,
  /** Socket.IO v5 over Engine.IO v4, WebSocket transport only; the same objects inside events. */
  SOCKETIO
}
