// Package httpapi serves the account HTTP API: the same routes and JSON that
// API Gateway exposes on AWS.
//
//	POST /accounts                      open    {"accountId","currency","occurredAt"?}
//	POST /accounts/{id}/deposits        deposit {"amount","currency"?,"occurredAt"?,"reference"?}
//	POST /accounts/{id}/withdrawals     withdraw (same body)
//	POST /accounts/{id}/reversals       reverse {"eventId","occurredAt"?}
//	POST /accounts/{id}/close           close   {"occurredAt"?} or no body
//	GET  /accounts/{id}                 the read model; ?asOf=<version|RFC 3339> recomputes
//	GET  /accounts/{id}/events          ?from=&limit= a page of the audit log
//
// Every write becomes an events.Command and runs to completion through a
// [Runner] (the account state machine). The Idempotency-Key header is the
// command id; without one the handler makes one up. A body is read with
// events.DecodeStrict before anything runs: malformed JSON, unknown fields,
// names in another case, repeated names, invalid UTF-8, wrong types,
// trailing data and bodies over [MaxBody] are 4xx and start nothing.
//
// Errors are {"error": code, "message": text}, with the status that
// tasks/httpstatus gives the code.
package httpapi
