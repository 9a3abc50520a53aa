/**
 * The edge: {@link parley.node.http.ApiRoutes} (protocol v1 over HTTP: DTOs to commands, replies to status codes),
 * {@link parley.node.http.WebSocketEndpoint} (an upgrade becomes a session), {@link parley.node.http.HttpEdge} (the
 * port, with {@link parley.node.http.ConnectionGuard}'s limits and the idle timeout), and the WebSocket stack in
 * {@code http.websocket}.
 *
 * <p>Holds no state of its own but connection counts. Never touches the journal (history is the room package's),
 * never decides what an entity decides: it validates shapes, asks, and maps the answer.
 */
package parley.node.http;
