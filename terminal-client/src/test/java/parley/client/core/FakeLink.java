package parley.client.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import parley.client.net.Link;
import parley.client.net.LinkListener;
import parley.client.net.LinkStatus;
import parley.protocol.ClientFrame;
import parley.protocol.RoomSummary;
import parley.protocol.ServerFrame;

/** A link the test drives: it says what the server would, and records what the client sends. */
public final class FakeLink implements Link {
  public final List<ClientFrame> sent = new ArrayList<>();
  private LinkListener listener;
  private boolean up;
  private boolean closed;

  @Override
  public void open(LinkListener listener) {
    this.listener = listener;
    listener.onStatus(LinkStatus.connecting());
  }

  @Override
  public boolean send(ClientFrame frame) {
    if (!up) {
      return false;
    }
    sent.add(frame);
    return true;
  }

  @Override
  public void drop() {
    down("dropped");
  }

  @Override
  public void close() {
    closed = true;
    up = false;
  }

  public boolean closed() {
    return closed;
  }

  /** The connection comes up and the server greets. */
  public void hello(String username, RoomSummary... rooms) {
    up = true;
    listener.onStatus(new LinkStatus(LinkStatus.State.ONLINE, Duration.ofMillis(3), null, 0, null));
    listener.onFrame(new ServerFrame.Hello(username, List.of(rooms)));
  }

  /** Reconnects as the real link does: asks where the client is (the handshake's after), then the server greets. */
  public Map<String, Long> resumeAndHello(String username, RoomSummary... rooms) {
    Map<String, Long> points = listener.resumePoints();
    hello(username, rooms);
    return points;
  }

  public void down(String why) {
    up = false;
    listener.onStatus(new LinkStatus(LinkStatus.State.RECONNECTING, null, null, 1, why));
  }

  public void status(LinkStatus status) {
    listener.onStatus(status);
  }

  public void frame(ServerFrame frame) {
    listener.onFrame(frame);
  }

  public List<ClientFrame.Send> sends() {
    return sent.stream().filter(f -> f instanceof ClientFrame.Send).map(f -> (ClientFrame.Send) f).toList();
  }
}
