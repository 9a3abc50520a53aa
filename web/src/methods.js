// How a class whose methods are grouped by concern in several modules (ChatState, ChatClient) is put together: each
// module exports an object of methods, and the class's own module adds them to the class, so that callers see one
// object with one set of methods.

/**
 * Adds each group's methods to `cls` as a class's own are (not enumerable). A name given twice is a mistake: it
 * would silently replace a method.
 */
export function addMethods(cls, ...groups) {
  for (const group of groups) {
    for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(group))) {
      if (Object.hasOwn(cls.prototype, name)) throw new Error(`${cls.name}.${name} is defined twice`);
      Object.defineProperty(cls.prototype, name, { ...d, enumerable: false });
    }
  }
}
