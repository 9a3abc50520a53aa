package parley.node;

/**
 * Marker for every message, event and snapshot that crosses a node boundary or goes into the journal; bound to
 * Jackson CBOR in application.conf (and in every test config).
 */
public interface CborSerializable {}
