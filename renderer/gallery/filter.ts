/** The gallery's card filter: a lecture topic and a search over each card's words. */
import type { Topic } from '../../templates';

const normalise = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** Templates whose text contains every word of the query, in gallery order. */
export function filterTemplates<T extends { number: string; title: string; summary: string; topic: Topic; topicTitle: string; expected: string }>(
  all: readonly T[],
  topic: Topic | 'all',
  query: string,
): T[] {
  const words = normalise(query).split(/\s+/).filter(Boolean);
  return all.filter((t) => {
    if (topic !== 'all' && t.topic !== topic) return false;
    const text = normalise(`${t.number} ${t.title} ${t.summary} ${t.topicTitle} ${t.expected}`);
    return words.every((w) => text.includes(w));
  });
}
