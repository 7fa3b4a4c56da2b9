/**
 * The answer to a HEAD request: `response`'s status and headers without its body, which is
 * cancelled so that its source (a stream an `onFetch` returned, say) learns nobody reads it.
 * Given by the object itself for raw HTTP: a body handed on to the Worker would be read to its
 * end by the runtime before the headers go out, and a stream that never ends never answered.
 */
export function headAnswer(response: Response): Response {
  response.body?.cancel().catch(() => {});
  return new Response(null, response);
}
