package parley.node.user;

/**
 * Where a push gateway plugs in: the user entity calls it for each notification of a user who has no open
 * connection, after storing it in the user's inbox (which is where the user finds it when they connect). A mobile or
 * web push gateway (APNs, FCM, Web Push) implements it and is passed to {@link UserAccount#init}; Parley has none
 * built in, since each needs an outside service. It runs on the user entity's thread: hand the work off, never block.
 */
public interface NotificationSink {
  void offline(String username, Notification notification);

  /** The default: the inbox is all. */
  NotificationSink NONE = (username, notification) -> {};
}
