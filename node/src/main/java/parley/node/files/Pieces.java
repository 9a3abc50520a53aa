package parley.node.files;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Cuts a byte stream, in whatever pieces the network gave it, into pieces of exactly {@code size} bytes (the last
 * one shorter): a blob store's chunks or parts. Holds at most one piece plus what came with the last element.
 */
final class Pieces {
  private Pieces() {}

  static Flow<ByteString, ByteString, NotUsed> of(int size) {
    return Flow.<ByteString>create()
        .<ByteString, List<ByteString>>statefulMap(
            ByteString::emptyByteString,
            (held, in) -> {
              ByteString all = held.concat(in);
              List<ByteString> out = new ArrayList<>(1);
              while (all.size() >= size) {
                out.add(all.take(size).compact());
                all = all.drop(size);
              }
              return Pair.create(all, out);
            },
            held -> held.isEmpty() ? Optional.<List<ByteString>>empty()
                : Optional.of(List.<ByteString>of(held.compact())))
        .mapConcat(pieces -> pieces);
  }
}
