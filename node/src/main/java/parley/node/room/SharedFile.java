package parley.node.room;

import parley.node.CborSerializable;

/**
 * A file shared in a room, as its {@code file} entry stores it: {@code id} names it for the files API,
 * {@code sha256} is the hex digest of its bytes, {@code size} in bytes. The room's own type, so the journal does not
 * change with the protocol; its fields are named as the protocol's {@code FileRef} (which journals hold in this
 * place), so both read as this.
 */
public record SharedFile(String id, String name, long size, String contentType, String sha256)
    implements CborSerializable {}
