package parley.bench;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Pekko HTTP's WebSocket client ({@code singleWebSocketRequest}, bound to the process's source address). Its
 * message API splits every received message into a substream, which costs tens of microseconds per message: the
 * generator then needs more CPU than the servers it measures. Kept as {@code --client pekko} to reproduce that.
 */
final class PekkoWs implements Ws {
  private final Load load;
  private final Set<PekkoSocket> sockets = ConcurrentHashMap.newKeySet();

  PekkoWs(Load load) {
    this.load = load;
  }

  @Override
  public Socket open(String url, String bearer, Listener listener) {
    PekkoSocket socket = new PekkoSocket(listener);
    sockets.add(socket);
    socket.start(url, bearer);
    return socket;
  }

  @Override
  public void abortAll() {
    sockets.forEach(PekkoSocket::abort);
  }

  private final class PekkoSocket implements Socket {
    private final Listener listener;
    private final SharedKillSwitch killSwitch = KillSwitches.shared("socket");
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile BoundedSourceQueue<Message> out;
    private volatile boolean open;

    PekkoSocket(Listener listener) {
      this.listener = listener;
    }

    void start(String url, String bearer) {
      Pair<BoundedSourceQueue<Message>, Source<Message, NotUsed>> queue =
          Source.<Message>queue(load.outCapacity).preMaterialize(load.mat);
      Sink<Message, CompletionStage<Done>> inbound = Flow.<Message>create().mapAsync(1, this::strict)
          .toMat(Sink.foreach(listener::onText), Keep.right());
      Flow<Message, Message, CompletionStage<Done>> client = Flow.<Message>create()
          .via(killSwitch.<Message>flow())
          .viaMat(Flow.fromSinkAndSourceCoupledMat(inbound, queue.second().via(killSwitch.flow()), Keep.left()),
              Keep.right());
      WebSocketRequest request = WebSocketRequest.create(url);
      if (bearer != null) {
        request = request.addHeader(Authorization.oauth2(bearer));
      }
      out = queue.first();
      var materialized = load.http.singleWebSocketRequest(request, client, ConnectionContext.noEncryption(),
          Optional.of(load.local), load.connectionSettings, load.system.log(), load.mat);
      materialized.first().whenComplete((upgrade, failure) -> {
        if (failure != null) {
          end(failure);
        } else if (!upgrade.isValid()) {
          end(new IllegalStateException("handshake refused: " + upgrade.response().status()));
        } else {
          open = true;
        }
      });
      materialized.second().whenComplete((done, failure) -> end(failure));
    }

    private void end(Throwable failure) {
      open = false;
      if (ended.compareAndSet(false, true)) {
        sockets.remove(this);
        listener.onClosed(failure);
      }
    }

    private CompletionStage<String> strict(Message message) {
      if (message.isText()) {
        TextMessage text = message.asTextMessage();
        if (text.isStrict()) {
          return CompletableFuture.completedFuture(text.getStrictText());
        }
        return text.getStreamedText().runFold(new StringBuilder(), StringBuilder::append, load.mat)
            .thenApply(StringBuilder::toString);
      }
      message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), load.mat);
      return CompletableFuture.completedFuture("");
    }

    @Override
    public boolean sendText(String text) {
      BoundedSourceQueue<Message> queue = out;
      return queue != null && !ended.get() && queue.offer(TextMessage.create(text)) == QueueOfferResult.enqueued();
    }

    @Override
    public void abort() {
      killSwitch.abort(new RuntimeException("dropped by the generator"));
    }
  }
}
