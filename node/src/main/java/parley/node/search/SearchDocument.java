package parley.node.search;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the index holds of one message or shared file: its room and seq (the document's identity: putting the same
 * one twice keeps one), who wrote it and when, its latest text, the file's name if it is one, and the members it
 * names. Built by the feed; stored by {@link SearchIndex#apply}.
 *
 * @param fileName null for a message
 * @param text the latest text as typed (a file's caption, possibly empty)
 */
public record SearchDocument(String room, long seq, String sender, Instant sentAt, String text, String fileName,
    List<String> mentions) {
  private static final Pattern LINK = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S");

  public SearchDocument {
    sender = sender.toLowerCase(Locale.ROOT);
    text = text == null ? "" : text;
    mentions = mentions == null ? List.of() : mentions.stream().map(m -> m.toLowerCase(Locale.ROOT)).toList();
  }

  /** The document's id on both backends. */
  public String id() {
    return room + ":" + seq;
  }

  public boolean hasFile() {
    return fileName != null;
  }

  /** A link in the text: what {@code has:link} finds. */
  public boolean hasLink() {
    return LINK.matcher(text).find();
  }

  /** The same document with an edit's text. */
  public SearchDocument withText(String newText) {
    return new SearchDocument(room, seq, sender, sentAt, newText, fileName, mentions);
  }
}
