package parley.client.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import parley.client.net.ParleyApi;

/**
 * {@link FakeServer}'s answers to the named calls held back until the test releases them, to put a frame from the
 * server before the answer to a call, as a real network may.
 */
public final class HeldCalls {
  private final ParleyApi api;
  private final Map<String, CompletableFuture<Void>> gates = new HashMap<>();

  public HeldCalls(FakeServer server, String... held) {
    for (String name : held) {
      gates.put(name, new CompletableFuture<>());
    }
    Set<String> names = Set.copyOf(gates.keySet());
    api = (ParleyApi) Proxy.newProxyInstance(ParleyApi.class.getClassLoader(), new Class<?>[] {ParleyApi.class},
        (proxy, method, args) -> {
          Object answer;
          try {
            answer = method.invoke(server, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (names.contains(method.getName()) && answer instanceof CompletableFuture<?> future) {
            return gates.get(method.getName()).thenCompose(v -> future);
          }
          return answer;
        });
  }

  public ParleyApi api() {
    return api;
  }

  /** The held answers to {@code name} arrive now. */
  public void release(String name) {
    gates.get(name).complete(null);
  }
}
