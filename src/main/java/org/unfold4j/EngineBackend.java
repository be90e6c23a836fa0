package org.unfold4j;

import org.unfold4j.internal.Engine;

/**
 * A backend that is an engine and nothing more (no device tensors): the Java backend, and any
 * backend added by Note [adding a backend] in {@code org.unfold4j.internal.Engine}.
 */
final class EngineBackend extends Backend {
    /** Whether close does nothing: the shared Java backend. */
    private final boolean shared;

    EngineBackend(Engine engine, boolean shared) {
        super(engine);
        this.shared = shared;
    }

    @Override
    public void close() {
        if (!shared) {
            engine().close();
        }
    }
}
