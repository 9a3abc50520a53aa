package parley.node.search;

/**
 * The names of a document's fields, the same on both backends: Lucene's fields and the columns of
 * {@code search_entries}. Newest first is {@link #SENT_AT} descending, then {@link #ROOM}, then {@link #SEQ}
 * descending.
 */
public final class SearchFields {
  /** The room's id. */
  public static final String ROOM = "room";
  /** The entry's seq in its room. */
  public static final String SEQ = "seq";
  /** The writer, lowercased. */
  public static final String SENDER = "sender";
  /** Epoch milliseconds in Lucene; a {@code timestamptz} on PostgreSQL. */
  public static final String SENT_AT = "sent_at";
  /** The text as typed, its latest edit. */
  public static final String TEXT = "text";
  /** A shared file's name; absent for a message. */
  public static final String FILE_NAME = "file_name";
  /** The analysed text and file name: what words, phrases and prefixes match. */
  public static final String TERMS = "terms";
  public static final String HAS_FILE = "has_file";
  public static final String HAS_LINK = "has_link";
  /** The members the entry names, lowercased; one value each. */
  public static final String MENTIONS = "mentions";

  private SearchFields() {}
}
