package service

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
)

// statusGroup is the error codes that answer one HTTP status.
type statusGroup struct {
	Status int
	Codes  []events.Code
}

// coreCodes are the core's codes, in the order the response template tests
// them within a status. A code whose status is 500 needs no test.
var coreCodes = []events.Code{
	events.CodeIdempotencyKeyReused, events.CodeVersionConflict, events.CodeInvalidArgument, events.CodeEventTooLarge,
	events.CodeThrottled, events.CodeStoreUnavailable, events.CodePublishFailed, events.CodeInternal,
}

// statusTable groups, by ascending status, the error codes that a command
// can fail with and that answer something other than a 500: InvalidCommand,
// the domain's not-found code, its rejections, then the core's codes. Each
// code's status is the one info.Status gives it, so the API answers as the
// local server does. A missing stream is reported under the domain's own
// not-found code; the core's NotFound is in the table only for a domain
// that names none.
func statusTable(info events.Info) []statusGroup {
	notFound := info.NotFound
	if notFound == "" {
		notFound = events.CodeNotFound
	}
	codes := []events.Code{events.CodeInvalidCommand, notFound}
	for _, r := range info.Rejections {
		codes = append(codes, r.Code)
	}
	codes = append(codes, coreCodes...)
	var out []statusGroup
	seen := map[events.Code]bool{}
	for _, c := range codes {
		status := info.Status(c)
		if seen[c] || status == http.StatusInternalServerError {
			continue
		}
		seen[c] = true
		i := slices.IndexFunc(out, func(g statusGroup) bool { return g.Status == status })
		if i < 0 {
			out = append(out, statusGroup{Status: status})
			i = len(out) - 1
		}
		out[i].Codes = append(out[i].Codes, c)
	}
	slices.SortStableFunc(out, func(a, b statusGroup) int { return cmp.Compare(a.Status, b.Status) })
	return out
}

// successStatus is the status of a command route that succeeded.
func successStatus(r events.Route) int {
	if r.Status == 0 {
		return http.StatusOK
	}
	return r.Status
}

// jsonEscape is the VTL expression that escapes a string for the inside of
// a JSON string: escapeJavaScript, minus its \' which JSON does not allow.
func jsonEscape(ref string) string {
	return fmt.Sprintf(`$util.escapeJavaScript(%s).replaceAll("\\'","'")`, ref)
}

// requestTemplate is the VTL that turns a request to route r into the body
// of a StartSyncExecution call. It assembles the command JSON in $cmd,
// escaping each string it takes from the request, then escapes $cmd as a
// whole into the "input" string. Body fields enter as $input.json, which
// is always one complete JSON value, so a body cannot add or override the
// members the route sets: the type (unless the route takes it from the
// body), the command id (the Idempotency-Key header, or the API request
// id), the correlation id (the API request id) and, on a route under
// {id}, the stream id.
func requestTemplate(info events.Info, r events.Route, stateMachineArn string) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	header := httpapi.IdempotencyHeader
	line(`#set($q = '"')`)
	line(`#set($key = "$!input.params().header.get('%s')")`, header)
	line(`#if($key == "")#set($key = "$!input.params().header.get('%s')")#end`, strings.ToLower(header))
	line(`#if($key == "")#set($key = $context.requestId)#end`)
	line(`#set($key = %s)`, jsonEscape("$key"))
	typ := ""
	if r.Command != "" {
		typ = fmt.Sprintf(`${q}type${q}:${q}%s${q},`, r.Command)
	}
	line(`#set($cmd = "{%s${q}commandId${q}:${q}$key${q},${q}correlationId${q}:${q}$context.requestId${q}")`, typ)
	streamKey := info.Routes.CommandStreamKey
	if r.Path == "" {
		copyBodyField(line, streamKey)
	} else {
		line(`#set($id = %s)`, jsonEscape("$input.params().path.get('id')"))
		line(`#set($cmd = "$cmd,${q}%s${q}:${q}$id${q}")`, streamKey)
	}
	if r.Command == "" {
		copyBodyField(line, "type")
	}
	for _, f := range info.Routes.Fields {
		copyBodyField(line, f)
	}
	line(`#set($cmd = "$cmd}")`)
	line(`{"stateMachineArn": "%s", "input": "%s"}`, stateMachineArn, jsonEscape("$cmd"))
	return b.String()
}

// copyBodyField appends the body field f to $cmd if the body has it.
func copyBodyField(line func(string, ...any), f string) {
	line(`#set($has_%s = "$!input.path('$.%s')")`, f, f)
	line(`#if($has_%s != "")#set($cmd = "$cmd,${q}%s${q}:$input.json('$.%s')")#end`, f, f, f)
}

// responseTemplate is the VTL for a StartSyncExecution answer (HTTP 200
// whatever the outcome). SUCCEEDED returns the execution output with the
// route's status; anything else returns {"error", "message"} with the
// status of the error code (statusTable), the message taken from the
// Lambda error's errorMessage when the cause is one.
func responseTemplate(info events.Info, r events.Route) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(`#set($r = $input.path('$'))`)
	line(`#if($r.status == "SUCCEEDED")`)
	line(`#set($context.responseOverride.status = %d)`, successStatus(r))
	line(`$r.output`)
	line(`#else`)
	line(`#set($error = "$!r.error")`)
	line(`#if($error == "")#set($error = "States.Timeout")#end`)
	line(`#set($message = "$!r.cause")`)
	line(`#if($message.startsWith("{"))#set($parsed = $util.parseJson($message))#if("$!parsed.errorMessage" != "")#set($message = "$parsed.errorMessage")#end#end`)
	line(`#set($status = 500)`)
	for _, s := range statusTable(info) {
		conds := make([]string, len(s.Codes))
		for i, c := range s.Codes {
			conds[i] = fmt.Sprintf(`$error == "%s"`, c)
		}
		line(`#if(%s)#set($status = %d)#end`, strings.Join(conds, " || "), s.Status)
	}
	line(`#set($context.responseOverride.status = $status)`)
	line(`{"error": "%s", "message": "%s"}`, jsonEscape("$error"), jsonEscape("$message"))
	line(`#end`)
	return b.String()
}

// clientErrorTemplate answers a 4xx from StartSyncExecution itself: a
// throttled call is a 503 Throttled, anything else a 500 Internal.
const clientErrorTemplate = `#set($type = "$!input.path('$.__type')")
#if($type.contains("Throttling"))
#set($context.responseOverride.status = 503)
{"error": "Throttled", "message": "Step Functions throttled the request; retry with the same Idempotency-Key."}
#else
{"error": "Internal", "message": "Step Functions rejected the request: $util.escapeJavaScript($type).replaceAll("\\'","'")"}
#end
`

// serverErrorTemplate answers a 5xx from StartSyncExecution itself.
const serverErrorTemplate = `{"error": "Internal", "message": "Step Functions failed to run the command; retry with the same Idempotency-Key."}
`
