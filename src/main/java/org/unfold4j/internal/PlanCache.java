package org.unfold4j.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A backend's plans, keyed by the immutable geometry they were made for (Note [memoised plans]).
 *
 * <p>Note [memoised plans]: building a plan (the Java passes' axis tables, an OpenCL launch's
 * build options and argument vectors) was most of a small call's time, so each backend keeps
 * the plans it made, here, keyed by the geometry's {@code View} (a value: a geometry revalidated
 * for the same shape, or a batch slice made again, finds its plan). The geometry itself holds no
 * plan, so backends cannot see each other's. Two threads may both build a plan for a new key;
 * either result is right. The cache holds at most {@link #LIMIT} plans and is emptied when full:
 * a program that cycles through more shapes than that pays a rebuild per call, never unbounded
 * memory.
 *
 * @param <K> the key (a {@code View}, or a record of a view and the operation; a backend's settings
 *            are fixed at its construction, so they need no place in the key)
 * @param <V> the plan
 */
public final class PlanCache<K, V> {
    /** The most plans kept per cache. */
    public static final int LIMIT = 512;

    private final ConcurrentHashMap<K, V> plans = new ConcurrentHashMap<>();

    /**
     * {@return the plan for {@code key}, made by {@code make} if there is none yet}
     *
     * @param key  the geometry (and settings) the plan is for
     * @param make makes a plan; may run more than once for one key, on concurrent first calls
     */
    public V get(K key, Function<K, V> make) {
        V plan = plans.get(key);
        if (plan == null) {
            plan = make.apply(key);
            if (plans.size() >= LIMIT) {
                plans.clear();
            }
            plans.putIfAbsent(key, plan);
        }
        return plan;
    }

    /** {@return how many plans are kept now (tests)} */
    public int size() {
        return plans.size();
    }
}
