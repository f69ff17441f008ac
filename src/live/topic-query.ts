import type { TopicQuery } from '../browser/protocol.js';
import { ValidationError } from '../shared/errors.js';
import { topicFromQuery, type Topic } from './topics.js';

/** Reads a topic given as `{ run_id }`, `{ workflow }`, `{ ref_type, ref_id }` or `'all'`. */
export function topicQueryToTopic(query: TopicQuery | undefined | null): Topic {
  if (query === undefined || query === null || query === 'all') return { kind: 'all' };
  if (typeof query !== 'object') throw new ValidationError('topic must be all, { run_id }, { workflow } or { ref_type, ref_id }', 'BAD_TOPIC');
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (!['run_id', 'workflow', 'ref_type', 'ref_id'].includes(key)) throw new ValidationError(`unknown topic field '${key}'`, 'BAD_TOPIC');
    if (typeof value !== 'string') throw new ValidationError(`topic field '${key}' must be a string`, 'BAD_TOPIC');
    params.set(key, value);
  }
  return topicFromQuery(params);
}
