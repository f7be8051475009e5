package dev.gatewaybridge.servlet;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The environ's map: an open-addressing hash table (linear probing, keys and values side by side in one
 * array) that starts as a copy of a template holding the entries every request shares. A request's environ
 * then costs one array copy plus its own entries, with no node per entry: on a small request the HashMap
 * built entry by entry was the larger part of the servlet's own work. Keys are non-null strings (PEP 3333's
 * environ is a dict of native strings); values may be anything, null included. Not thread-safe, like the
 * HashMap it replaces; iterators fail fast on structural change.
 */
final class EnvironMap extends AbstractMap<String, Object> {

    /** Marks a removed entry's key slot, so probe chains and iterator positions stay as they were. */
    private static final Object REMOVED = new Object();
    private static final int MIN_SLOTS = 16;

    /** key at 2i, value at 2i + 1; a key slot is null (never used), REMOVED, or a String. */
    private Object[] table;
    private int size;
    /** Slots that are not null: live keys and REMOVED marks; kept under 2/3 of the slots. */
    private int used;
    private int modCount;
    private Set<Map.Entry<String, Object>> entrySet;

    /** An empty map with room for {@code expected} entries before it grows. */
    EnvironMap(int expected) {
        table = new Object[2 * slotsFor(expected)];
    }

    /**
     * A copy of {@code template}, with room for {@code extra} more entries before it grows. The table is
     * cloned when the template's is already the size wanted (make the template itself with this
     * constructor and the same {@code extra}), else rebuilt: a larger clone would only be more to copy
     * and more garbage per request.
     */
    EnvironMap(EnvironMap template, int extra) {
        int slots = slotsFor(template.size + extra);
        if (slots == template.table.length / 2 && template.used == template.size) {
            table = template.table.clone();
            size = used = template.size;
        } else {
            table = new Object[2 * slots];
            template.forEachLive((k, v) -> put(k, v));
        }
    }

    private static int slotsFor(int entries) {
        int slots = MIN_SLOTS;
        while (slots * 2 < entries * 3) { // load factor at most 2/3
            slots <<= 1;
        }
        return slots;
    }

    /** The key slot (an even index) of {@code key}, or -1. */
    private int find(Object key) {
        if (!(key instanceof String)) {
            return -1;
        }
        Object[] tab = table;
        int mask = tab.length - 2;
        for (int i = start(key, mask); ; i = (i + 2) & mask) {
            Object k = tab[i];
            if (k == null) {
                return -1;
            }
            if (k == key || k.equals(key)) {
                return i;
            }
        }
    }

    private static int start(Object key, int mask) {
        int h = key.hashCode();
        return ((h ^ (h >>> 16)) << 1) & mask;
    }

    @Override
    public Object get(Object key) {
        int i = find(key);
        return i < 0 ? null : table[i + 1];
    }

    @Override
    public boolean containsKey(Object key) {
        return find(key) >= 0;
    }

    @Override
    public Object put(String key, Object value) {
        Objects.requireNonNull(key, "environ keys are strings, not null");
        Object[] tab = table;
        int mask = tab.length - 2;
        int free = -1;
        for (int i = start(key, mask); ; i = (i + 2) & mask) {
            Object k = tab[i];
            if (k == null) {
                insert(free >= 0 ? free : i, key, value);
                return null;
            }
            if (k == REMOVED) {
                free = free >= 0 ? free : i;
            } else if (k == key || k.equals(key)) {
                Object old = tab[i + 1];
                tab[i + 1] = value;
                return old;
            }
        }
    }

    private void insert(int slot, String key, Object value) {
        if (table[slot] == null) {
            used++;
        }
        table[slot] = key;
        table[slot + 1] = value;
        size++;
        modCount++;
        if (used * 3 > table.length) { // used over 2/3 of table.length / 2 slots
            rehash();
        }
    }

    private void rehash() {
        Object[] old = table;
        table = new Object[2 * slotsFor(size + 1)];
        size = used = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] instanceof String k) {
                put(k, old[i + 1]);
            }
        }
    }

    @Override
    public Object remove(Object key) {
        int i = find(key);
        if (i < 0) {
            return null;
        }
        Object old = table[i + 1];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        table[i] = REMOVED;
        table[i + 1] = null;
        size--;
        modCount++;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void clear() {
        Arrays.fill(table, null);
        size = used = 0;
        modCount++;
    }

    private void forEachLive(java.util.function.BiConsumer<String, Object> action) {
        Object[] tab = table;
        for (int i = 0; i < tab.length; i += 2) {
            if (tab[i] instanceof String k) {
                action.accept(k, tab[i + 1]);
            }
        }
    }

    @Override
    public void forEach(java.util.function.BiConsumer<? super String, ? super Object> action) {
        int expected = modCount;
        forEachLive(action::accept);
        if (modCount != expected) {
            throw new ConcurrentModificationException();
        }
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        Set<Map.Entry<String, Object>> set = entrySet;
        if (set == null) {
            entrySet = set = new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<String, Object>> iterator() {
                    return new EntryIterator();
                }

                @Override
                public int size() {
                    return size;
                }

                @Override
                public void clear() {
                    EnvironMap.this.clear();
                }
            };
        }
        return set;
    }

    /** Walks the key slots in table order; remove() leaves a mark, so no entry moves under it. */
    private final class EntryIterator implements Iterator<Map.Entry<String, Object>> {
        private int next = advance(0);
        private int last = -1;
        private int expected = modCount;

        private int advance(int from) {
            Object[] tab = table;
            int i = from;
            while (i < tab.length && !(tab[i] instanceof String)) {
                i += 2;
            }
            return i;
        }

        @Override
        public boolean hasNext() {
            return next < table.length;
        }

        @Override
        public Map.Entry<String, Object> next() {
            if (modCount != expected) {
                throw new ConcurrentModificationException();
            }
            if (next >= table.length) {
                throw new NoSuchElementException();
            }
            last = next;
            next = advance(next + 2);
            return new Entry(last);
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException("next() was not called, or remove() was already");
            }
            if (modCount != expected) {
                throw new ConcurrentModificationException();
            }
            removeAt(last);
            last = -1;
            expected = modCount;
        }
    }

    /** A live view of one slot: setValue writes through, as HashMap's entries do. */
    private final class Entry implements Map.Entry<String, Object> {
        private final int slot;
        private final String key;

        Entry(int slot) {
            this.slot = slot;
            this.key = (String) table[slot];
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return table[slot] == key ? table[slot + 1] : get(key);
        }

        @Override
        public Object setValue(Object value) {
            if (table[slot] == key) {
                Object old = table[slot + 1];
                table[slot + 1] = value;
                return old;
            }
            return put(key, value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && key.equals(e.getKey()) && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return key.hashCode() ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return key + "=" + getValue();
        }
    }
}
