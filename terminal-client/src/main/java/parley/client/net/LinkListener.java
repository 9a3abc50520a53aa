package parley.client.net;

import parley.protocol.ServerFrame;

/** What a {@link Link} reports, always on the client's thread. */
public interface LinkListener {

  void onFrame(ServerFrame frame);

  void onStatus(LinkStatus status);
}
