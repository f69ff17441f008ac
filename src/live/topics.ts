import { ValidationError } from '../shared/errors.js';
import { canonicalWorkflowName } from '../shared/workflow-name.js';

/**
 * What a live subscription follows: everything, one run, one workflow (by its canonical name), or
 * one business object.
 */
export type Topic =
  | { kind: 'all' }
  | { kind: 'run'; runId: string }
  | { kind: 'workflow'; name: string }
  | { kind: 'ref'; refType: string; refId: string };

/** The key of a topic: the name of its tracker Durable Object and the scope a token grants. */
export function topicKey(topic: Topic): string {
  switch (topic.kind) {
    case 'all':
      return 'all';
    case 'run':
      return `run:${topic.runId}`;
    case 'workflow':
      return `workflow:${topic.name}`;
    case 'ref':
      return `ref:${encodeURIComponent(topic.refType)}:${encodeURIComponent(topic.refId)}`;
  }
}

/** Reads a topic key back (`all`, `run:<id>`, `workflow:<name>`, `ref:<type>:<id>`). */
export function parseTopicKey(key: string): Topic {
  if (key === 'all') return { kind: 'all' };
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (colon > 0 && rest.length > 0) {
    if (kind === 'run') return { kind: 'run', runId: rest };
    if (kind === 'workflow') return { kind: 'workflow', name: canonicalWorkflowName(rest) };
    const [type, id, extra] = rest.split(':');
    if (kind === 'ref' && type && id && extra === undefined) {
      return { kind: 'ref', refType: decodeURIComponent(type), refId: decodeURIComponent(id) };
    }
  }
  throw new ValidationError(`'${key}' is not a topic (all, run:<id>, workflow:<name> or ref:<type>:<id>)`, 'BAD_TOPIC');
}

/**
 * Reads the topic of a WebSocket request from its query: `run_id`, `workflow` (a name), or
 * `ref_type` with `ref_id`; none of them means everything. Conflicting parameters are an error.
 */
export function topicFromQuery(params: URLSearchParams): Topic {
  const runId = params.get('run_id');
  const name = params.get('workflow');
  const refType = params.get('ref_type');
  const refId = params.get('ref_id');
  const given = [runId !== null, name !== null, refType !== null || refId !== null].filter(Boolean).length;
  if (given > 1) throw new ValidationError('choose one topic: run_id, workflow, or ref_type with ref_id', 'BAD_TOPIC');
  if (runId !== null) return nonEmpty(runId, 'run_id') && { kind: 'run', runId };
  if (name !== null) return nonEmpty(name, 'workflow') && { kind: 'workflow', name: canonicalWorkflowName(name) };
  if (refType !== null || refId !== null) {
    if (!refType || !refId) throw new ValidationError('ref_type and ref_id go together', 'BAD_TOPIC');
    return { kind: 'ref', refType, refId };
  }
  return { kind: 'all' };
}

function nonEmpty(value: string, field: string): true {
  if (value.length === 0) throw new ValidationError(`${field} must not be empty`, 'BAD_TOPIC');
  return true;
}

/** The parts of an event that decide which topics it belongs to. */
export interface TopicFields {
  run_id: string | null;
  workflow_name: string | null;
  ref_type: string | null;
  ref_id: string | null;
}

/** The keys of every topic an event is published to: everything, its run, its workflow, its ref. */
export function topicsOf(event: TopicFields): string[] {
  const keys = ['all'];
  if (event.run_id) keys.push(topicKey({ kind: 'run', runId: event.run_id }));
  if (event.workflow_name) keys.push(topicKey({ kind: 'workflow', name: event.workflow_name }));
  if (event.ref_type && event.ref_id) keys.push(topicKey({ kind: 'ref', refType: event.ref_type, refId: event.ref_id }));
  return keys;
}

/** True when an event belongs to a topic. */
export function eventInTopic(event: TopicFields, topic: Topic): boolean {
  switch (topic.kind) {
    case 'all':
      return true;
    case 'run':
      return event.run_id === topic.runId;
    case 'workflow':
      return event.workflow_name === topic.name;
    case 'ref':
      return event.ref_type === topic.refType && event.ref_id === topic.refId;
  }
}
