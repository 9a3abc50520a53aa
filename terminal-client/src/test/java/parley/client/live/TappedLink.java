package parley.client.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import parley.client.net.Link;
import parley.client.net.LinkListener;
import parley.client.net.LinkStatus;
import parley.protocol.ClientFrame;
import parley.protocol.ServerFrame;

/**
 * A real link with a tap: it records every frame the client sends, and can go deaf (drop every frame from the
 * server) to stand for a connection that died after a send reached the server but before its ack came back. It
 * also records where each handshake said the client is in each room.
 */
final class TappedLink implements Link {
  private final Link real;
  final List<ClientFrame> sent = new ArrayList<>();
  final List<Map<String, Long>> resumedFrom = new CopyOnWriteArrayList<>();
  private volatile boolean deaf;

  TappedLink(Link real) {
    this.real = real;
  }

  void deaf(boolean value) {
    deaf = value;
  }

  @Override
  public void open(LinkListener listener) {
    real.open(new LinkListener() {
      @Override
      public void onFrame(ServerFrame frame) {
        if (!deaf) {
          listener.onFrame(frame);
        }
      }

      @Override
      public void onStatus(LinkStatus status) {
        listener.onStatus(status);
      }

      @Override
      public Map<String, Long> resumePoints() {
        Map<String, Long> points = listener.resumePoints();
        resumedFrom.add(points);
        return points;
      }
    });
  }

  @Override
  public boolean send(ClientFrame frame) {
    boolean queued = real.send(frame);
    if (queued) {
      sent.add(frame);
    }
    return queued;
  }

  @Override
  public void drop() {
    real.drop();
  }

  @Override
  public void close() {
    real.close();
  }
}
