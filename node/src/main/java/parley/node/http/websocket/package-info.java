/**
 * The WebSocket stack the node runs on each upgraded connection, fenced: its one public surface is
 * {@link parley.node.http.websocket.WebSocketUpgrades} ({@code handle}, {@code Close}, {@code PreparedBatch}; the
 * prepared text itself is {@link parley.node.delivery.PreparedText}, which delivery owns and this renders to its frame
 * once); every stage ({@code KeepAlive}, {@code SizeCap}, {@code SilenceWatch}, {@code CloseDriver}, {@code RenderOutbound},
 * {@code OutboundMerge}, {@code WholeMessages}, {@code StatelessLayers}) is package-private.
 *
 * <p>Why it exists: Pekko HTTP's public WebSocket API cannot close with a code of the server's choosing (4001 logged
 * out, 1008 too slow, 1009 too big) nor cap a streamed message's size (akka/akka-http#2458, still open; Pekko HTTP's
 * main branch as of 2026-08, towards 2.0.0, has no such API either: only the peer's close is reported).
 *
 * <p>What it relies on, all {@code @InternalApi} in {@code org.apache.pekko.http.impl.engine.ws}:
 * {@code UpgradeToWebSocketLowLevel.handleFrames}; {@code WebSocket.masking}, {@code frameHandling},
 * {@code messageAPI}, {@code stack} and {@code Tick}; {@code FrameHandler}'s outputs ({@code ActivelyCloseWithCode},
 * {@code DirectAnswer}, {@code PeerClosed}, {@code TextMessagePart}, {@code BinaryMessagePart}, {@code MessageEnd},
 * {@code UserHandlerCompleted}, {@code UserHandlerErredOut}); {@code FrameEvent}, {@code FrameStart},
 * {@code FrameEventOrError}, {@code FrameLogger.logFramesIfEnabled} and {@code Protocol.Opcode}. Checked against
 * Pekko HTTP 1.3.0, which the root pom pins; the classes are all still there on the main branch. Before moving that
 * version, run {@code WebSocketUpgradesTest}: it fails first when any of this changes (custom close codes and
 * reasons, the size cap, the silence close, keep-alive pings, prepared frames, inbound order).
 */
package parley.node.http.websocket;
