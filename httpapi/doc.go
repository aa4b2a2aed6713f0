// Package httpapi serves a domain's HTTP API: the same routes and JSON that
// API Gateway exposes on AWS, from the domain's core.Routes.
//
//	POST /<collection>                 a command whose body names the stream (a route with Path "")
//	POST /<collection>/{id}/<path>     a command on stream {id}
//	POST /<collection>/{id}/commands   the generic route, for a domain without routes: the body holds "type"
//	GET  /<collection>/{id}            the read model; ?asOf=<version|RFC 3339> recomputes the past
//	GET  /<collection>/{id}/events     ?from=&limit= a page of the log
//
// A command route reads its body strictly (one JSON object, names spelled
// exactly and each only once, only the route's fields, valid UTF-8, nothing
// after it, at most [MaxBody] bytes), builds the command from it, the path,
// the Idempotency-Key header (the command id; without one the handler makes
// one up) and the request id (the correlation id), checks it with the
// domain's own strict reading, and runs it to completion through a
// [Runner]: the domain's state machine. Nothing runs for a body or command
// that fails, and its status is 4xx.
//
// The read routes are the read API on both sides: the local server serves
// this handler, and the read Lambda behind API Gateway serves the same
// handler through tasks/lambdafn.
//
// Errors are {"error": code, "message": text}, with the status that the
// domain's core.Info gives the code.
package httpapi
