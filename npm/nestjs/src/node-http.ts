import type { IncomingMessage, ServerResponse } from 'node:http';

// Express hands Nest the Node request and response themselves (extended); Fastify wraps them and keeps
// the Node objects as `raw`. Streams, socket events and headers that must reach the wire are the Node
// objects' on both platforms.

/** The Node request under a framework request (Fastify's `request.raw`, or Express's request itself). */
export function nodeRequest(request: any): IncomingMessage {
  return (request?.raw ?? request) as IncomingMessage;
}

/** The Node response under a framework reply (Fastify's `reply.raw`, or Express's response itself). */
export function nodeResponse(response: any): ServerResponse {
  return (response?.raw ?? response) as ServerResponse;
}
