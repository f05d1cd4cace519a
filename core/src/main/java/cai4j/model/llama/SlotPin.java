package cai4j.model.llama;

import de.kherud.llama.InferenceParameters;
import java.lang.reflect.Field;
import java.util.Map;

/**
 * Sends a request to one llama.cpp slot ({@code id_slot}), a server parameter the bindings do not
 * expose: it is written into their JSON parameter map directly. Pinning lets {@link SlotDispatcher}
 * choose the slot by its cached prefix and count what the prompt finds there; unpinned, llama.cpp
 * picks a slot by its own similarity rule and the count would be a guess.
 */
final class SlotPin {
    private static final Field PARAMETERS = parameters();

    private SlotPin() {}

    @SuppressWarnings("unchecked")
    static void pin(InferenceParameters p, int slot) {
        try {
            ((Map<String, String>) PARAMETERS.get(p)).put("id_slot", Integer.toString(slot));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot set the llama.cpp slot of a request", e);
        }
    }

    private static Field parameters() {
        try {
            Field f = InferenceParameters.class.getSuperclass().getDeclaredField("parameters");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("the llama.cpp bindings have no parameter map where this version of cai4j expects it", e);
        }
    }
}
