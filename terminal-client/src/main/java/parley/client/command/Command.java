package parley.client.command;

/** What a line typed into the input means. */
public sealed interface Command {

  /** A message to the room in view. */
  record Say(String text) implements Command {}

  record Create(String name, String passcode, Integer capacity) implements Command {}

  record Join(String room, String passcode) implements Command {}

  record Leave() implements Command {}

  record Rooms() implements Command {}

  record Dm(String username) implements Command {}

  record Who() implements Command {}

  record Help() implements Command {}

  record Quit() implements Command {}

  /** A line that is not a valid command: {@code problem} says why, with the usage. */
  record Invalid(String problem) implements Command {}
}
