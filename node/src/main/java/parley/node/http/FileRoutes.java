package parley.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import parley.node.NodeMetrics;
import parley.node.Validation;
import parley.node.files.FileShares;
import parley.node.files.FileStore;
import parley.node.room.ChatRoom;
import parley.node.room.History;
import parley.node.room.TimelineEntry;
import parley.node.user.UserAccount;
import parley.protocol.FileRef;
import parley.protocol.Limits;
import parley.protocol.Message;
import parley.protocol.TicketResponse;

/**
 * Files: {@code POST /rooms/{id}/files} streams a file into the store and shares it as an entry;
 * {@code GET /files/{id}} streams it back (ranges, ETag) to a member of its room, with a bearer token, a cookie, or a
 * download ticket ({@code POST /files/{id}/ticket}) for a browser's link. Membership is asked of the room on every
 * upload and every download.
 */
final class FileRoutes extends RouteSupport {
  /** Shown inline by a browser; everything else is an attachment. */
  private static final List<String> INLINE = List.of("image/png", "image/jpeg", "image/gif", "image/webp");

  private final FileStore files;
  private final FileShares shares;
  private final History history;

  FileRoutes(ActorSystem<?> system, History history) {
    super(system);
    this.files = FileStore.get(system);
    this.shares = new FileShares(files);
    this.history = history;
  }

  /**
   * A download with a ticket: no token needed (the ticket names its user), but the login token it was asked with must
   * still be live: a ticket dies with its token (logout, a password change, an ended session).
   */
  Route open() {
    return path(segment("files").slash(segment()), fileId -> get(() -> parameterOptional("ticket", ticket ->
        ticket.isEmpty() ? reject() : extractRequest(request -> onSuccess(
            files.ticketHolder(ticket.get(), fileId).thenCompose(holder -> holder.isEmpty()
                ? CompletableFuture.completedFuture(Optional.<String>empty())
                : user(holder.get().username()).<UserAccount.Result>ask(
                    r -> new UserAccount.Authenticate(holder.get().tokenHash(), r), timeout)
                    .thenApply(r -> r instanceof UserAccount.Authenticated a ? Optional.of(a.username())
                        : Optional.<String>empty())),
            holder -> holder.isEmpty()
                ? error(StatusCodes.UNAUTHORIZED, "unauthorized",
                    "the ticket is unknown, for another file, expired, or its login ended")
                : download(holder.get(), fileId, request))))));
  }

  Route forCaller(Caller caller) {
    return concat(
        path(segment("rooms").slash(segment()).slash("files"), roomId -> post(() -> validRoom(roomId,
            () -> upload(caller, roomId)))),
        path(segment("files").slash(segment()), fileId -> get(() -> extractRequest(request ->
            download(caller.username(), fileId, request)))),
        path(segment("files").slash(segment()).slash("ticket"), fileId -> post(() -> ticket(caller, fileId))));
  }

  // ------------------------------------------------------------------------------------------------ upload

  /** {@code POST /rooms/{id}/files?name=...&clientMsgId=...}, the bytes as the body. */
  Route upload(Caller caller, String roomId) {
    FileStore.Settings settings = files.settings();
    return parameterOptional("name", name -> parameterOptional("clientMsgId", givenId -> extractRequest(request -> {
      String problem = nameProblem(name.orElse(null));
      if (problem != null) {
        return error(StatusCodes.BAD_REQUEST, "invalid_file_name", problem);
      }
      String clientMsgId = givenId.orElseGet(() -> UUID.randomUUID().toString());
      var idProblem = Validation.clientMsgId(clientMsgId);
      if (idProblem.isPresent()) {
        return error(StatusCodes.BAD_REQUEST, idProblem.get().code(), idProblem.get().message());
      }
      var length = request.entity().getContentLengthOption();
      if (length.isPresent() && length.getAsLong() == 0) {
        return error(StatusCodes.BAD_REQUEST, "invalid_file", "the file is empty");
      }
      if (length.isPresent() && length.getAsLong() > settings.maxSize()) {
        return error(StatusCodes.PAYLOAD_TOO_LARGE, "file_too_large", tooLarge(settings.maxSize()));
      }
      FileStore.Slot slot = files.uploadStarts(caller.username());
      if (slot == FileStore.Slot.USER_FULL) {
        return error(StatusCodes.TOO_MANY_REQUESTS, "too_many_uploads_per_user", "you have "
            + settings.uploadsPerUser() + " uploads in progress on this node, the limit (parley.files.uploads-per-user);"
            + " start the next when one ends");
      }
      if (slot == FileStore.Slot.NODE_FULL) {
        return respondWithHeader(RawHeader.create("Retry-After", "1"), () -> error(StatusCodes.SERVICE_UNAVAILABLE,
            "too_many_uploads", "this node streams " + settings.concurrentUploads()
                + " uploads at once; try again in a second"));
      }
      ContentType type = request.entity().getContentType();
      String contentType = type.equals(ContentTypes.NO_CONTENT_TYPE) ? "application/octet-stream"
          : type.toString().length() > 255 ? "application/octet-stream" : type.toString();
      // Up to an hour for the body itself; it is cut off sooner if it stops sending (parley.files.idle-timeout).
      return withRequestTimeout(Duration.ofHours(1), () -> onSuccess(
          admit(caller, roomId, clientMsgId).thenCompose(refusal -> refusal != null
              ? CompletableFuture.completedFuture(refusal)
              : files.usedBy(caller.username()).thenCompose(used -> {
                long room = settings.quota() - used;
                if (room <= 0 || (length.isPresent() && length.getAsLong() > room)) {
                  return CompletableFuture.completedFuture(new FileStore.Refused(413, "quota_exceeded",
                      "your files may take " + settings.quota() + " bytes in all; " + Math.max(0, room) + " are left"));
                }
                boolean quotaBinds = room < settings.maxSize();
                return files.upload(caller.username(), roomId, name.get(), contentType, clientMsgId,
                        request.entity().withoutSizeLimit().getDataBytes(), Math.min(settings.maxSize(), room),
                        quotaBinds ? "quota_exceeded" : "file_too_large",
                        quotaBinds ? "your files may take " + settings.quota() + " bytes in all; " + room + " are left"
                            : tooLarge(settings.maxSize()))
                    .thenCompose(upload -> upload instanceof FileStore.Stored stored
                        ? share(caller.username(), roomId, clientMsgId, stored.file())
                        : CompletableFuture.completedFuture(upload));
              }))
              .whenComplete((result, failure) -> files.uploadEnded(caller.username())),
          result -> {
            if (result instanceof Message m) {
              return complete(StatusCodes.CREATED, m, JSON);
            }
            if (result instanceof FileStore.Refused r) {
              return error(StatusCodes.get(r.status()), r.code(), r.message());
            }
            return rejected(result);
          }));
    })));
  }

  private static String tooLarge(long max) {
    return "a file is at most " + max + " bytes (" + (max >> 20) + " MiB)";
  }

  /** Why a file's name is refused, or null. */
  static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "name the file: ?name=<its name>";
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > Limits.FILE_NAME_MAX_BYTES) {
      return "a file's name is at most " + Limits.FILE_NAME_MAX_BYTES + " bytes of UTF-8";
    }
    if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
      return "a file's name holds no / or \\";
    }
    String problem = Validation.nameProblem(name);
    if (problem != null) {
      return problem;
    }
    if (name.equals(".") || name.equals("..")) {
      return "a file's name is not . or ..";
    }
    return null;
  }

  /**
   * Null if the user may send to the room now (a member, within their message rate), else the refusal: the upload
   * passes the sender's gate before its bytes stream, as a send does, and its entry goes to the room after them.
   */
  private CompletionStage<Object> admit(Caller caller, String roomId, String clientMsgId) {
    return user(caller.username()).<ChatRoom.SendOutcome>ask(r -> new UserAccount.SendThrough(roomId,
            new ChatRoom.AdmitSend(caller.username(), clientMsgId, r)), timeout)
        .thenApply(outcome -> outcome instanceof ChatRoom.SendAdmitted ? null : outcome);
  }

  /**
   * Null if {@code user} is a member of the room; else {@code 403 not_a_member} for a room they may know of, and for a
   * room that is no room to them (a private room, a DM, a group DM) the file is no file to them either.
   */
  private CompletionStage<Object> membership(String user, String roomId) {
    return room(roomId).<ChatRoom.GetResult>ask(r -> new ChatRoom.GetSummary(user, r), timeout)
        .thenApply(result -> result instanceof ChatRoom.SummaryView v && v.isMember() ? null
            : result instanceof ChatRoom.Rejected r && "no_such_room".equals(r.code()) ? noSuchFile()
            : new ChatRoom.Rejected("not_a_member", "you are not a member of the room this file was shared in"));
  }

  /**
   * The file's entry, told to the room itself (the upload's admission took the send's token), and the files' saga
   * that follows its answer ({@link FileShares}).
   */
  private CompletionStage<Object> share(String user, String roomId, String clientMsgId, FileRef file) {
    return shares.share(file.id(),
            () -> entryOrRefusal(room(roomId).ask(r -> new ChatRoom.Send(user, clientMsgId, file.name(), r,
                TimelineEntry.FILE, null, null, file, true), timeout), roomId, user, history),
            FileRoutes::shareOutcome)
        .thenApply(answer -> {
          if (answer instanceof Message entry && entry.file() != null && entry.file().id().equals(file.id())) {
            NodeMetrics.get(system).sends.increment();
          }
          return answer;
        });
  }

  /** What the room's answer to a file's entry means for the files: stored (which file), unsettled, or refused. */
  private static FileShares.Outcome shareOutcome(Object answer) {
    if (answer instanceof Message entry) {
      return new FileShares.Stored(entry.seq(), entry.file() == null ? null : entry.file().id());
    }
    return answer instanceof ChatRoom.SendRefused r && "unavailable".equals(r.code())
        ? new FileShares.Unsettled() : new FileShares.Refused();
  }

  // ------------------------------------------------------------------------------------------------ download

  private Route ticket(Caller caller, String fileId) {
    return onSuccess(user(caller.username()).<UserAccount.Result>ask(
        r -> new UserAccount.TakeTicketToken(caller.tokenHash(), r), timeout)
            .thenCompose(allowed -> allowed instanceof UserAccount.Throttled
                ? CompletableFuture.completedFuture((Object) allowed)
                : access(caller.username(), fileId))
            .thenCompose(found -> found instanceof FileStore.Found
                ? files.ticket(caller.username(), caller.tokenHash(), fileId)
                    .thenApply(t -> (Object) new TicketResponse(t.first(), t.second()))
                : CompletableFuture.completedFuture(found)),
        result -> result instanceof TicketResponse t ? complete(StatusCodes.OK, t, JSON) : refusal(result));
  }

  /** The file if {@code user} may read it, else the refusal. */
  private CompletionStage<Object> access(String user, String fileId) {
    if (!fileId.matches("f[0-9a-f]{31}")) {
      return CompletableFuture.completedFuture(noSuchFile());
    }
    return files.find(fileId).thenCompose(found -> found.isEmpty()
        ? CompletableFuture.completedFuture(noSuchFile())
        : membership(user, found.get().roomId()).thenApply(refusal -> refusal != null ? refusal : found.get()));
  }

  private static FileStore.Refused noSuchFile() {
    return new FileStore.Refused(404, "no_such_file", "there is no such file");
  }

  private Route refusal(Object result) {
    return result instanceof FileStore.Refused r ? error(StatusCodes.get(r.status()), r.code(), r.message())
        : rejected(result);
  }

  private Route download(String user, String fileId, HttpRequest request) {
    return onSuccess(access(user, fileId), result -> {
      if (!(result instanceof FileStore.Found found)) {
        return refusal(result);
      }
      return complete(response(found, request, user));
    });
  }

  /** 200 with the whole file, 206 with a range of it, 304 if the client has it, 416 for a range past its end. */
  private HttpResponse response(FileStore.Found found, HttpRequest request, String user) {
    FileRef file = found.file();
    String etag = "\"" + file.sha256() + "\"";
    List<HttpHeader> headers = new ArrayList<>(List.of(
        RawHeader.create("ETag", etag),
        RawHeader.create("X-Content-Type-Options", "nosniff"),
        RawHeader.create("Accept-Ranges", "bytes"),
        RawHeader.create("Cache-Control", "private, max-age=3600"),
        RawHeader.create("Content-Disposition", disposition(file))));
    Optional<String> ifNoneMatch = request.getHeader("If-None-Match").map(HttpHeader::value);
    if (ifNoneMatch.isPresent() && (ifNoneMatch.get().contains(etag) || ifNoneMatch.get().trim().equals("*"))) {
      return HttpResponse.create().withStatus(StatusCodes.NOT_MODIFIED).addHeaders(headers);
    }
    ContentType type = contentTypeOf(file.contentType());
    long size = file.size();
    Optional<String> range = request.getHeader("Range").map(HttpHeader::value);
    Optional<String> ifRange = request.getHeader("If-Range").map(HttpHeader::value);
    long[] span = range.isPresent() && (ifRange.isEmpty() || ifRange.get().equals(etag))
        ? Ranges.parse(range.get(), size) : null;
    if (span != null && span.length == 0) {
      return errorResponse(StatusCodes.RANGE_NOT_SATISFIABLE, "invalid_range",
          "the file has " + size + " bytes: that range is not in it")
          .addHeader(RawHeader.create("Content-Range", "bytes */" + size));
    }
    if (span != null) {
      headers.add(RawHeader.create("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + size));
      return HttpResponse.create().withStatus(StatusCodes.PARTIAL_CONTENT).addHeaders(headers)
          .withEntity(HttpEntities.create(type, span[1] - span[0] + 1,
              whileMember(files.read(found, span[0], span[1]), user, found.roomId())));
    }
    return HttpResponse.create().withStatus(StatusCodes.OK).addHeaders(headers)
        .withEntity(HttpEntities.create(type, size, whileMember(files.read(found, 0, size - 1), user, found.roomId())));
  }

  /**
   * The bytes, for as long as {@code user} is a member of the room: asked again every few MiB or seconds
   * ({@code parley.files.download-recheck}), so that a
   * user kicked, banned or gone while a large file streams gets no more of it (the connection is cut, and the client
   * sees a download shorter than its Content-Length). Membership holds for every byte, not only for the first.
   */
  private Source<ByteString, NotUsed> whileMember(Source<ByteString, NotUsed> bytes, String user, String roomId) {
    long recheckBytes = files.settings().recheckBytes();
    long recheckNanos = files.settings().recheckEvery().toNanos();
    return bytes.via(Flow.<ByteString>create().statefulMap(
            () -> new long[] {0, System.nanoTime()},
            (since, chunk) -> {
              since[0] += chunk.size();
              boolean due = since[0] >= recheckBytes || System.nanoTime() - since[1] >= recheckNanos;
              if (due) {
                since[0] = 0;
                since[1] = System.nanoTime();
              }
              return Pair.create(since, Pair.create(due, chunk));
            },
            since -> Optional.empty()))
        .mapAsync(1, step -> !step.first() ? CompletableFuture.completedFuture(step.second())
            : membership(user, roomId).thenApply(refusal -> {
              if (refusal != null) {
                throw new NoLongerMember();
              }
              return step.second();
            }));
  }

  /** Ends a download whose user left the file's room; the client sees the connection cut. */
  private static final class NoLongerMember extends RuntimeException {
    NoLongerMember() {
      super("the downloader is no longer a member of the file's room", null, false, false);
    }
  }

  private static ContentType contentTypeOf(String stored) {
    try {
      return ContentTypes.parse(stored);
    } catch (RuntimeException e) {
      return ContentTypes.APPLICATION_OCTET_STREAM;
    }
  }

  /** Attachment (inline for a few image types), the name in RFC 5987 form and as plain ASCII for old clients. */
  static String disposition(FileRef file) {
    String base = file.contentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
    String kind = INLINE.contains(base) ? "inline" : "attachment";
    String ascii = file.name().replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_");
    String encoded = URLEncoder.encode(file.name(), StandardCharsets.UTF_8).replace("+", "%20");
    return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
