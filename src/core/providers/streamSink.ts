// What a wire-format reader does with a provider's stream: it reads one payload at a time (an
// SSE event's data, or an NDJSON line) with JSON.parse and plain type guards, and tells the sink
// what it meant. The client (streamingModelClient.ts) implements the sink.
import type { FinishReason } from '../modelClient';
import type { ReportedUsage } from './providerAdapter';

export interface StreamSink {
  reasoning(text: string): void;
  answer(text: string): void;
  /** Counts reported so far; fields left undefined keep their earlier value. */
  usage(usage: ReportedUsage): void;
  /** The provider said the response is complete (its end marker, or its final finish reason). */
  finish(reason: FinishReason): void;
  /** An error the provider reported inside the stream (a 200 response). */
  providerError(error: unknown): void;
  /** A payload that could not be read. Reading goes on, so the usage at the end still arrives. */
  malformed(detail: string): void;
}

/**
 * Reads one payload. Returns false for a keep-alive (Anthropic's `ping`), which is not a sign
 * that the provider is making progress; true for everything else.
 */
export type PayloadReader = (data: string) => boolean;

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A finite number, or undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function field(v: unknown, key: string): unknown {
  return isObject(v) ? v[key] : undefined;
}

/** Parses one payload; a payload that is not a JSON object goes to sink.malformed. */
export function parsePayload(data: string, sink: StreamSink): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    sink.malformed(`unreadable chunk ${JSON.stringify(data.length > 80 ? `${data.slice(0, 80)}…` : data)}`);
    return undefined;
  }
  if (isObject(value)) return value;
  sink.malformed(`unexpected chunk ${JSON.stringify(data.slice(0, 80))}`);
  return undefined;
}
