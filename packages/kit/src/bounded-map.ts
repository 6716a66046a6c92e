/**
 * Sets `key` in an insertion-ordered map that holds at most `maxEntries`: the key moves to the newest place, and when
 * the map is full the oldest entry goes first. The caches of verified tokens, parsed documents and verdicts use it.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, maxEntries: number): void {
  map.delete(key);
  if (map.size >= maxEntries) map.delete(map.keys().next().value!);
  map.set(key, value);
}
